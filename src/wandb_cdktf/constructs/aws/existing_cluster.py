"""ExistingCluster: an EKS cluster someone else runs, read with data sources, for W&B to deploy into.

Regulated enterprises often get one shared, hardened cluster from a platform team. This construct
creates nothing that belongs to the cluster (no control plane, node groups, addons, access
entries or OIDC provider); it reads the cluster (``data.aws_eks_cluster``) and its IAM OIDC
provider (``data.aws_iam_openid_connect_provider`` by the cluster's issuer URL: ``eksctl utils
associate-iam-oidc-provider`` or the cluster's own Terraform must have created it, else the plan
fails with IAM's NoSuchEntity) and grants the given node role what W&B's pods do with the node
identity: the bucket and queue, the deployment key and the ``<namespace>-*`` secrets, as the node
role of :class:`~wandb_cdktf.constructs.aws.cluster.Cluster` has. The attribute names are the
same as ``Cluster``'s, so the stacks use either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cdktf import Fn, Token
from constructs import Construct

from ..._providers import aws
from .cluster import NodeRole, namespace_secrets_arn
from .context import account_context
from .iam import Statement, add_new_statements, allow, policy_document


@dataclass(frozen=True)
class ExistingClusterProps:
    namespace: str
    cluster_name: str
    """Name of the existing EKS cluster. Required."""
    node_role_arn: str
    """IAM role of the nodes W&B runs on (an ARN; the inline policy goes on the role it names). Required."""
    kms_key_arn: str
    """The deployment key the nodes may use (as the created cluster's node role may)."""
    node_security_group_id: str | None = None
    """Security group of those nodes. Default: the cluster security group, which EKS attaches to the
    nodes of managed node groups (EKS User Guide, "View Amazon EKS security group requirements")."""

    def __post_init__(self) -> None:
        if ":role/" not in self.node_role_arn and not Token.is_unresolved(self.node_role_arn):
            raise ValueError("ExistingClusterProps.node_role_arn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)")


def role_name_of(role_arn: str) -> str:
    """The role name in a role ARN: the last path segment (``arn:aws:iam::1:role/path/name`` -> ``name``),
    the form ``aws_iam_role_policy.role`` takes."""
    return role_arn.rsplit("/", 1)[-1]


class ExistingCluster(Construct):
    def __init__(self, scope: Construct, construct_id: str, props: ExistingClusterProps) -> None:
        super().__init__(scope, construct_id)
        self.props = props
        ctx = account_context(self)
        ns = props.namespace
        self._cluster = aws.data_aws_eks_cluster.DataAwsEksCluster(self, "cluster", name=props.cluster_name)
        issuer = self._cluster.identity.get(0).oidc.get(0).issuer
        self._oidc = aws.data_aws_iam_openid_connect_provider.DataAwsIamOpenidConnectProvider(
            self, "oidc-provider", url=issuer)
        self._oidc_issuer_host = Token.as_string(Fn.replace(issuer, "https://", ""))
        self._oidc_issuer_url = issuer
        secret_arn = namespace_secrets_arn(ctx.partition, ctx.region, ctx.account_id, ns)
        statements = [
            allow(["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                  props.kms_key_arn, sid="DeploymentKey"),
            allow(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:CreateSecret",
                   "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecret", "secretsmanager:TagResource"],
                  secret_arn, sid="NamespaceSecrets"),
        ]
        self._node_statements = statements
        self._granted: list[Statement] = []
        self._node_policy = aws.iam_role_policy.IamRolePolicy(
            self, "node-inline-policy", role=role_name_of(props.node_role_arn), name_prefix=f"{ns}-wandb-",
            policy=policy_document(*statements),
        )
        self._node_grantee = NodeRole(self)

    @property
    def node_role(self) -> NodeRole:
        """The given node role as a grantee: ``storage.grant_read_write(cluster.node_role)`` adds to the
        inline policy this construct puts on it (as ``Cluster.node_role`` does)."""
        return self._node_grantee

    def _add_node_statements(self, statements: Sequence[Statement]) -> Any:
        """Granted statements go before the node's own ones; one the policy already has is not repeated."""
        add_new_statements(self._granted, self._node_statements, statements)
        self._node_policy.policy = policy_document(*self._granted, *self._node_statements)
        return self._node_policy

    # --- attributes (as Cluster's) ------------------------------------------------------------
    @property
    def cluster_name(self) -> str:
        return self._cluster.name

    @property
    def cluster_arn(self) -> str:
        return self._cluster.arn

    @property
    def cluster_endpoint(self) -> str:
        return self._cluster.endpoint

    @property
    def cluster_ca_data(self) -> str:
        """Base64 PEM of the cluster CA."""
        return self._cluster.certificate_authority.get(0).data

    @property
    def cluster_security_group_id(self) -> str:
        return self._cluster.vpc_config.get(0).cluster_security_group_id

    @property
    def node_security_group_id(self) -> str:
        return self.props.node_security_group_id or self.cluster_security_group_id

    @property
    def node_role_name(self) -> str:
        return role_name_of(self.props.node_role_arn)

    @property
    def node_role_arn(self) -> str:
        return self.props.node_role_arn

    @property
    def oidc_provider_arn(self) -> str:
        return self._oidc.arn

    @property
    def oidc_issuer(self) -> str:
        """Issuer host and path without ``https://`` (the form IAM condition keys use)."""
        return self._oidc_issuer_host

    @property
    def oidc_issuer_url(self) -> str:
        """The cluster's OIDC issuer URL (``https://oidc.eks...``), which signs its service account tokens."""
        return self._oidc_issuer_url

    @property
    def node_groups(self) -> list[Any]:
        return []
