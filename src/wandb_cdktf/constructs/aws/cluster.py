"""Cluster: the EKS cluster W&B runs on, its managed node groups, OIDC provider and addons.

As in terraform-aws-wandb v8: private API endpoint (public optional with CIDRs),
secrets encrypted with the deployment key, all control-plane log types kept 30 days, access
entries (API_AND_CONFIG_MAP), one AL2023 managed node group per AZ through a launch
template with IMDSv2 required (hop limit 2), an encrypted gp3 root volume and kubelet
system-reserved resources; node role with the managed policies plus least-privilege
inline policies; OIDC provider for IRSA; addons with configurable versions.

Upgrades (v8 ``app_eks``): the node groups carry the cluster's version, and every
addon version is resolved per cluster minor with ``data.aws_eks_addon_version``
(``most_recent``) unless pinned, so bumping ``kubernetes_version`` updates the
control plane, then the node groups, then the addons, in place. Without this EKS
refuses the next bump ("node groups must match the cluster version") and
kube-proxy/coredns/vpc-cni stay at their creation-time versions.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from cdktf import Fn, Precondition, Token
from constructs import Construct

from ..._providers import aws
from .context import account_context
from .iam import Statement, add_new_statements, allow, policy_document, service_trust
from .irsa import IrsaRole, IrsaRoleProps

CONTROL_PLANE_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
NODE_MANAGED_POLICIES = [
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonEBSCSIDriverPolicy",
    "AmazonEFSCSIDriverPolicy",
]
# AWS keeps these two under the service-role/ path (arn:aws:iam::aws:policy/service-role/<name>).
_SERVICE_ROLE_POLICIES = {"AmazonEBSCSIDriverPolicy", "AmazonEFSCSIDriverPolicy"}
ADDONS = ("vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver", "aws-efs-csi-driver", "metrics-server")
CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy"
NODE_GROUP_LABEL = "wandb.ai/node-group"
"""Kubernetes label naming each node group's AZ (the cluster autoscaler ignores it when balancing)."""


@dataclass(frozen=True)
class AccessPrincipal:
    """An IAM role or user given an EKS access entry."""

    principal_arn: str
    username: str | None = None
    groups: tuple[str, ...] = ()
    """Kubernetes groups; ``system:masters`` becomes the AmazonEKSClusterAdminPolicy association."""


@dataclass(frozen=True)
class ClusterProps:
    namespace: str
    kubernetes_version: str
    """EKS version, e.g. "1.32". Required."""
    vpc_id: str
    private_subnet_ids: list[str]
    """One node group is created per subnet (per AZ)."""
    kms_key_arn: str
    """Encrypts Kubernetes secrets, node volumes and (``encrypt_logs_with_key``) the control-plane log group."""
    encrypt_logs_with_key: bool = True
    """Encrypt the control-plane log group with ``kms_key_arn``. That needs a key policy admitting
    ``logs.<region>.amazonaws.com`` (ours does); set False for a key whose policy you do not control, and
    CloudWatch Logs encrypts the group with its own key. Default: True."""
    cluster_name: str | None = None
    """Default: namespace."""
    public_access: bool = False
    """Public API endpoint. Default: False (private only)."""
    public_access_cidrs: tuple[str, ...] = ()
    """CIDRs for the public endpoint. Default: ()."""
    instance_types: tuple[str, ...] = ("r6i.2xlarge",)
    """Default: r6i.2xlarge (size small)."""
    min_nodes_per_az: int = 1
    """Default: 1."""
    max_nodes_per_az: int = 4
    """Default: 4."""
    node_disk_size_gb: int = 100
    """Root volume (gp3, encrypted). Default: 100."""
    system_reserved_cpu_millicores: int = 70
    """-1 leaves it out of systemReserved. Default: 70."""
    system_reserved_memory_megabytes: int = 100
    """-1 leaves it out of systemReserved. Default: 100."""
    system_reserved_ephemeral_megabytes: int = 750
    """-1 leaves it out of systemReserved. Default: 750."""
    system_reserved_pid: int = 500
    """-1 leaves it out of systemReserved. Default: 500."""
    access_principals: tuple[AccessPrincipal, ...] = ()
    """Roles/users given access entries. Default: ()."""
    creator_admin_access_entry: bool = True
    """Give the IAM principal that runs Terraform (its role ARN for an assumed role) an access entry with
    ``AmazonEKSClusterAdminPolicy``, so the app/operator stacks (``aws eks get-token``) can reach the
    Kubernetes API. Set False when AWS already holds an entry for the cluster creator (a cluster created
    with ``bootstrap_cluster_creator_admin_permissions``, such as terraform-aws-wandb v8 with
    ``kubernetes_legacy_cluster_creator_admin = true``): EKS refuses a second entry for one principal.
    Default: True (terraform-aws-wandb v8's ``enable_cluster_creator_admin_permissions``)."""
    extra_node_policy_arns: tuple[str, ...] = ()
    """Extra managed policies on the node role. Default: ()."""
    addon_versions: dict[str, str] = field(default_factory=dict)
    """Addon name -> pinned version. Default: {} (each addon's most recent version for the cluster minor,
    looked up with ``data.aws_eks_addon_version``, as v8)."""
    cluster_tags: dict[str, str] = field(default_factory=dict)
    """Default: {}."""
    log_retention_days: int = 30
    """Control-plane log retention. Default: 30 (terraform-aws-wandb v8); raise it for a longer audit trail."""

    def __post_init__(self) -> None:
        if self.min_nodes_per_az > self.max_nodes_per_az:
            raise ValueError("ClusterProps.min_nodes_per_az must not exceed max_nodes_per_az")
        unknown = set(self.addon_versions) - set(ADDONS)
        if unknown:
            raise ValueError(f"ClusterProps.addon_versions: unknown addon(s) {sorted(unknown)}; allowed: {list(ADDONS)}")


def namespace_secrets_arn(partition: str, region: str, account_id: str, namespace: str) -> str:
    """The secrets of this deployment: names ``<namespace>-…`` (AppSecrets' prefixes; terraform-aws-wandb's
    secrets_store module scopes the same way, ``secret:${namespace}-*``). ``secret:<namespace>*`` would also
    match ``<namespace>2-…``, another deployment's secrets in the same account and region."""
    return f"arn:{partition}:secretsmanager:{region}:{account_id}:secret:{namespace}-*"


class NodeRoleHost(Protocol):
    """What ``NodeRole`` needs of the construct that owns a node role's inline policy (``Cluster`` or
    ``ExistingCluster``)."""

    @property
    def node_role_name(self) -> str: ...

    @property
    def node_role_arn(self) -> str: ...

    def _add_node_statements(self, statements: Sequence[Statement]) -> Any: ...


class NodeRole:
    """``Cluster``'s node role as a grantee (``iam.PolicyOwner``): grants land in ``node-inline-policy``,
    so granting to the nodes adds no policy resource and moves no statement."""

    def __init__(self, cluster: NodeRoleHost) -> None:
        self._cluster = cluster

    @property
    def role_name(self) -> str:
        return self._cluster.node_role_name

    @property
    def role_arn(self) -> str:
        return self._cluster.node_role_arn

    def add_to_principal_policy(self, statements: Sequence[Statement]) -> Any:
        return self._cluster._add_node_statements(statements)


def cluster_minor(version: str) -> str:
    """``1.32`` of ``1.32`` or ``1.32.x`` (v8 ``eks_addon_cluster_minor``)."""
    return ".".join(version.split(".")[:2])


def node_user_data(p: ClusterProps) -> str | None:
    """AL2023 nodeadm configuration (MIME multi-part) setting kubelet systemReserved; base64.

    A negative reservation is left out, as in terraform-aws-wandb v8 (``-1`` disables the flag,
    v8 ``modules/app_eks/main.tf`` ``system_reserved_lines``); with all four disabled there is no
    NodeConfig part and so no user data (v8 passes no ``cloudinit_pre_nodeadm`` then either).
    """
    entries = [
        ("cpu", p.system_reserved_cpu_millicores, "{}m"),
        ("memory", p.system_reserved_memory_megabytes, "{}Mi"),
        ("ephemeral-storage", p.system_reserved_ephemeral_megabytes, "{}Mi"),
        ("pid", p.system_reserved_pid, '"{}"'),
    ]
    lines = "".join(f"        {key}: {fmt.format(value)}\n" for key, value, fmt in entries if value >= 0)
    if not lines:
        return None
    doc = (
        'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="//"\n\n'
        "--//\nContent-Type: application/node.eks.aws\n\n"
        "---\napiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n"
        "      systemReserved:\n"
        f"{lines}"
        "\n--//--\n"
    )
    return base64.b64encode(doc.encode()).decode()


def cluster_vpc_config(p: ClusterProps) -> dict[str, Any]:
    """The cluster's ``vpc_config``: private endpoint always, public only with ``public_access`` (and its CIDRs)."""
    vpc_config: dict[str, Any] = {
        "subnet_ids": p.private_subnet_ids,
        "endpoint_private_access": True,
        "endpoint_public_access": p.public_access,
    }
    if p.public_access:
        vpc_config["public_access_cidrs"] = list(p.public_access_cidrs)
    return vpc_config


def node_policy_statements(p: ClusterProps, *, partition: str, region: str, account_id: str) -> list[Statement]:
    """The node role's own inline statements: the deployment key, this deployment's secrets, the control-plane
    log group and CloudWatch metrics in the agents' namespaces (granted statements go before these)."""
    ns, name = p.namespace, p.cluster_name or p.namespace
    return [
        allow(["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
              p.kms_key_arn, sid="DeploymentKey"),
        allow(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:CreateSecret",
               "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecret", "secretsmanager:TagResource"],
              namespace_secrets_arn(partition, region, account_id, ns), sid="NamespaceSecrets"),
        allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
              f"arn:{partition}:logs:{region}:{account_id}:log-group:/aws/eks/{name}/*", sid="NodeLogs"),
        allow("cloudwatch:PutMetricData", "*", sid="NodeMetrics",
              Condition={"StringLike": {"cloudwatch:namespace": ["CWAgent", "ContainerInsights", f"{ns}*"]}}),
    ]


class Cluster(Construct):
    """EKS control plane, OIDC provider, node IAM, one node group per AZ, access entries and addons.

    ``__init__`` runs the steps in a fixed order; each step is a private method creating its resources
    directly in this construct (never in a nested construct: the construct ids are Terraform addresses,
    and a nested scope would move every one of them).
    """

    def __init__(self, scope: Construct, construct_id: str, props: ClusterProps) -> None:
        super().__init__(scope, construct_id)
        self.props = props
        self._ctx = account_context(self)
        self._name = props.cluster_name or props.namespace
        self._managed = f"arn:{self._ctx.partition}:iam::aws:policy"
        self._control_plane()
        self._oidc_provider()
        node_attachments = self._node_iam()
        launch_template = self._launch_template()
        self._create_node_groups(launch_template, node_attachments)
        self._access_entries()
        self._create_addons()

    # --- steps (in creation order) ---------------------------------------------------------
    def _control_plane(self) -> None:
        """Cluster role, control-plane log group, node security group, the EKS cluster and the node SG rules."""
        props, ns, name, managed = self.props, self.props.namespace, self._name, self._managed
        cluster_role = aws.iam_role.IamRole(
            self, "cluster-role", name_prefix=f"{ns}-cluster-", assume_role_policy=service_trust("eks.amazonaws.com"),
            description=f"W&B {ns} EKS control plane",
        )
        role_attachments = [
            aws.iam_role_policy_attachment.IamRolePolicyAttachment(
                self, f"cluster-role-{p}", role=cluster_role.name, policy_arn=f"{managed}/{p}"
            )
            for p in ("AmazonEKSClusterPolicy", "AmazonEKSVPCResourceController")
        ]
        log_group = aws.cloudwatch_log_group.CloudwatchLogGroup(
            self, "control-plane-logs", name=f"/aws/eks/{name}/cluster",
            retention_in_days=props.log_retention_days,
            kms_key_id=props.kms_key_arn if props.encrypt_logs_with_key else None,
        )
        self._node_sg = aws.security_group.SecurityGroup(
            self, "node-security-group", name_prefix=f"{ns}-nodes-", vpc_id=props.vpc_id,
            description=f"W&B {ns} EKS nodes (database, Redis and EFS admit this group)",
            # No kubernetes.io/cluster/<name> tag: nodes also carry the EKS cluster security group, which EKS
            # tags so; the aws-load-balancer-controller needs exactly one tagged group per ENI to add its
            # ALB -> pod rules ("expected exactly one securityGroup tagged with kubernetes.io/cluster/<name>",
            # aws-load-balancer-controller docs: deploy/subnet_discovery and targetgroupbinding).
            tags={"Name": f"{ns}-nodes"},
            lifecycle={"create_before_destroy": True},
        )
        self._cluster = aws.eks_cluster.EksCluster(
            self, "cluster",
            name=name,
            version=props.kubernetes_version,
            role_arn=cluster_role.arn,
            vpc_config=cluster_vpc_config(props),
            encryption_config={"provider": {"key_arn": props.kms_key_arn}, "resources": ["secrets"]},
            enabled_cluster_log_types=CONTROL_PLANE_LOGS,
            # The bootstrap flag is ForceNew and EKS does not report it back, so it is fixed (False) and
            # ignored: creator access is an access entry below, which an option can add or remove in place.
            access_config={
                "authentication_mode": "API_AND_CONFIG_MAP",
                "bootstrap_cluster_creator_admin_permissions": False,
            },
            tags=props.cluster_tags or None,
            depends_on=[log_group, *role_attachments],
            lifecycle={"ignore_changes": ["access_config[0].bootstrap_cluster_creator_admin_permissions"]},
        )
        # Nodes talk to each other freely; the control plane reaches kubelets via the cluster SG.
        aws.vpc_security_group_ingress_rule.VpcSecurityGroupIngressRule(
            self, "node-ingress-self", security_group_id=self._node_sg.id, referenced_security_group_id=self._node_sg.id,
            ip_protocol="-1", description="Node to node",
        )
        aws.vpc_security_group_ingress_rule.VpcSecurityGroupIngressRule(
            self, "node-ingress-cluster", security_group_id=self._node_sg.id,
            referenced_security_group_id=self.cluster_security_group_id, ip_protocol="-1",
            description="EKS control plane to nodes",
        )
        aws.vpc_security_group_egress_rule.VpcSecurityGroupEgressRule(
            self, "node-egress", security_group_id=self._node_sg.id, cidr_ipv4="0.0.0.0/0", ip_protocol="-1",
            description="Nodes reach AWS APIs, registries and W&B services",
        )

    def _oidc_provider(self) -> None:
        """The IAM OIDC provider of the cluster's issuer, for IRSA."""
        issuer = self._cluster.identity.get(0).oidc.get(0).issuer
        self._oidc = aws.iam_openid_connect_provider.IamOpenidConnectProvider(
            self, "oidc-provider", url=issuer, client_id_list=["sts.amazonaws.com"],
            tags={"Name": f"{self.props.namespace}-eks-irsa"},
        )
        self._oidc_issuer_host = Token.as_string(Fn.replace(issuer, "https://", ""))
        self._oidc_issuer_url = issuer

    def _node_iam(self) -> list[Any]:
        """Node role, its managed-policy attachments (returned: the node groups wait for them) and inline policy."""
        props, ns, managed = self.props, self.props.namespace, self._managed
        node_role = aws.iam_role.IamRole(
            self, "node-role", name_prefix=f"{ns}-node-", assume_role_policy=service_trust("ec2.amazonaws.com"),
            description=f"W&B {ns} EKS nodes",
        )
        self._node_role = node_role
        node_attachments = [
            aws.iam_role_policy_attachment.IamRolePolicyAttachment(
                self, f"node-{p}", role=node_role.name,
                policy_arn=f"{managed}/service-role/{p}" if p in _SERVICE_ROLE_POLICIES else f"{managed}/{p}",
            )
            for p in NODE_MANAGED_POLICIES
        ]
        for i, arn in enumerate(props.extra_node_policy_arns):
            node_attachments.append(
                aws.iam_role_policy_attachment.IamRolePolicyAttachment(self, f"node-extra-{i}", role=node_role.name, policy_arn=arn)
            )
        ctx = self._ctx
        statements = node_policy_statements(props, partition=ctx.partition, region=ctx.region, account_id=ctx.account_id)
        self._node_statements = statements
        self._granted: list[Statement] = []
        self._node_policy = aws.iam_role_policy.IamRolePolicy(
            self, "node-inline-policy", role=node_role.name, name_prefix=f"{ns}-node-", policy=policy_document(*statements)
        )
        self._node_grantee = NodeRole(self)
        return node_attachments

    def _launch_template(self) -> Any:
        """The node launch template: IMDSv2 (hop limit 2), encrypted gp3 root volume, kubelet system-reserved."""
        props, ns = self.props, self.props.namespace
        return aws.launch_template.LaunchTemplate(
            self, "node-launch-template",
            name_prefix=f"{ns}-nodes-",
            description=f"W&B {ns} EKS nodes: IMDSv2, encrypted gp3, kubelet system-reserved",
            update_default_version=True,
            vpc_security_group_ids=[self.cluster_security_group_id, self._node_sg.id],
            metadata_options={
                "http_endpoint": "enabled",
                "http_tokens": "required",
                "http_put_response_hop_limit": 2,
                "instance_metadata_tags": "disabled",
            },
            block_device_mappings=[aws.launch_template.LaunchTemplateBlockDeviceMappings(
                device_name="/dev/xvda",
                ebs=aws.launch_template.LaunchTemplateBlockDeviceMappingsEbs(
                    volume_size=props.node_disk_size_gb, volume_type="gp3", encrypted="true",
                    kms_key_id=props.kms_key_arn, delete_on_termination="true",
                ),
            )],
            monitoring={"enabled": True},
            user_data=node_user_data(props),
            tag_specifications=[aws.launch_template.LaunchTemplateTagSpecifications(resource_type=t, tags={"Name": f"{ns}-node"})
                                for t in ("instance", "volume")],
        )

    def _live_desired_sizes(self) -> str:
        """``data.aws_eks_node_group.live-node-group``: this cluster's node groups as they run (empty while the
        cluster does not exist), read at every plan. No reference to the managed cluster or node groups, so the
        reads are never deferred to the apply: a lookup by the literal cluster name among ``aws_eks_clusters``.
        Returns the expression of ``{node group name: live desired size}``."""
        ns = self.props.namespace
        clusters = aws.data_aws_eks_clusters.DataAwsEksClusters(self, "live-clusters")
        groups = aws.data_aws_eks_node_groups.DataAwsEksNodeGroups(self, "live-node-groups", cluster_name="${each.value}")
        groups.add_override("for_each", f'${{toset([for name in {clusters.fqn}.names : name if name == "{ns}"])}}')
        group = aws.data_aws_eks_node_group.DataAwsEksNodeGroup(
            self, "live-node-group", cluster_name=ns, node_group_name="${each.value}")
        group.add_override("for_each", f"${{toset(flatten([for g in values({groups.fqn}) : tolist(g.names)]))}}")
        return f"{{for name, g in {group.fqn} : name => g.scaling_config[0].desired_size}}"

    def _create_node_groups(self, launch_template: Any, node_attachments: list[Any]) -> None:
        """One managed node group per private subnet (AZ), following the control plane's version.

        ``desired_size`` is the autoscaler's (ignored after creation), and EKS refuses a minimum above the live
        desired size (UpdateNodegroupConfig: "Minimum capacity X can't be greater than desired size Y";
        terraform-aws-wandb#201). Raising ``min_nodes_per_az`` above it therefore stops the plan, with the command
        that raises the desired size first, instead of failing half-way through the apply."""
        props, ns = self.props, self.props.namespace
        live = self._live_desired_sizes()
        low = f"[for name, desired in {live} : name if startswith(name, \"{ns}-\") && desired < {props.min_nodes_per_az}]"
        minimum = Precondition(
            condition=f"${{length({low}) == 0}}",
            error_message=(
                f"min_nodes_per_az ({props.min_nodes_per_az}, kubernetes_min_nodes_per_az) is above the running "
                f"desired size of node group(s) ${{join(\", \", {low})}}, and EKS refuses a minimum above the desired "
                f"size. Raise it first, for each of them: aws eks update-nodegroup-config --cluster-name {ns} "
                f"--nodegroup-name <name> --scaling-config desiredSize={props.min_nodes_per_az}; then deploy again."),
        )
        self._node_groups: list[Any] = []
        for i, subnet in enumerate(props.private_subnet_ids):
            self._node_groups.append(aws.eks_node_group.EksNodeGroup(
                self, f"node-group-{i}",
                cluster_name=self._cluster.name,
                # Follow the control plane (a reference, so the cluster is updated first). EKS refuses the
                # next control-plane upgrade while a node group lags (EKS User Guide, "Update existing
                # cluster to new Kubernetes version"); v8 passes cluster_version too.
                version=self._cluster.version,
                node_group_name_prefix=f"{ns}-{i}-",
                node_role_arn=self._node_role.arn,
                subnet_ids=[subnet],
                ami_type="AL2023_x86_64_STANDARD",
                capacity_type="ON_DEMAND",
                instance_types=list(props.instance_types),
                scaling_config={"min_size": props.min_nodes_per_az, "max_size": props.max_nodes_per_az,
                                "desired_size": max(props.min_nodes_per_az, 1)},
                update_config={"max_unavailable": 1},
                launch_template={"id": launch_template.id, "version": Token.as_string(launch_template.latest_version)},
                labels={NODE_GROUP_LABEL: f"az-{i}"},
                lifecycle={"create_before_destroy": True, "ignore_changes": ["scaling_config[0].desired_size"],
                           "precondition": [minimum]},
                depends_on=node_attachments,
            ))

    def _access_entries(self) -> None:
        """Access entries: the Terraform caller (``creator_admin_access_entry``) and ``access_principals``."""
        props, ctx = self.props, self._ctx
        admin_policy = f"arn:{ctx.partition}:eks::aws:cluster-access-policy/{CLUSTER_ADMIN_POLICY}"
        if props.creator_admin_access_entry:
            creator = aws.eks_access_entry.EksAccessEntry(
                self, "creator-access-entry", cluster_name=self._cluster.name, principal_arn=ctx.admin_arn,
                type="STANDARD",
            )
            aws.eks_access_policy_association.EksAccessPolicyAssociation(
                self, "creator-access-admin", cluster_name=self._cluster.name, principal_arn=ctx.admin_arn,
                policy_arn=admin_policy, access_scope={"type": "cluster"}, depends_on=[creator],
            )
        for i, principal in enumerate(props.access_principals):
            groups = [g for g in principal.groups if not g.startswith("system:")]
            entry = aws.eks_access_entry.EksAccessEntry(
                self, f"access-entry-{i}", cluster_name=self._cluster.name, principal_arn=principal.principal_arn,
                type="STANDARD", user_name=principal.username or None, kubernetes_groups=groups or None,
            )
            if "system:masters" in principal.groups:
                aws.eks_access_policy_association.EksAccessPolicyAssociation(
                    self, f"access-admin-{i}", cluster_name=self._cluster.name, principal_arn=principal.principal_arn,
                    policy_arn=admin_policy,
                    access_scope={"type": "cluster"}, depends_on=[entry],
                )

    def _create_addons(self) -> None:
        """The VPC CNI's IRSA role and the addons, each pinned or resolved per cluster minor."""
        props, ns = self.props, self.props.namespace
        cni_role = IrsaRole(self, "vpc-cni-irsa", IrsaRoleProps(
            name_prefix=f"{ns}-vpc-cni-", oidc_provider_arn=self._oidc.arn, oidc_issuer=self._oidc_issuer_host,
            service_accounts=(("kube-system", "aws-node"),), managed_policy_arns=(f"{self._managed}/AmazonEKS_CNI_Policy",),
            description=f"W&B {ns} VPC CNI (IRSA)",
        ))
        self._addons: dict[str, Any] = {}
        minor = cluster_minor(props.kubernetes_version)
        for addon in ADDONS:
            version = props.addon_versions.get(addon)
            if not version:
                # The provider takes the first version DescribeAddonVersions lists for this minor (the newest).
                version = aws.data_aws_eks_addon_version.DataAwsEksAddonVersion(
                    self, f"addon-version-{addon}", addon_name=addon, kubernetes_version=minor, most_recent=True,
                ).version
            kwargs: dict[str, Any] = dict(
                cluster_name=self._cluster.name, addon_name=addon, addon_version=version,
                resolve_conflicts_on_create="OVERWRITE", resolve_conflicts_on_update="PRESERVE",
            )
            if addon == "vpc-cni":
                kwargs["service_account_role_arn"] = cni_role.role_arn
            else:
                kwargs["depends_on"] = self._node_groups  # these run as pods and need nodes
            self._addons[addon] = aws.eks_addon.EksAddon(self, f"addon-{addon}", **kwargs)

    # --- attributes -----------------------------------------------------------------------
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
        return self._cluster.vpc_config.cluster_security_group_id

    @property
    def node_security_group_id(self) -> str:
        return self._node_sg.id

    @property
    def node_role(self) -> NodeRole:
        """The node role as a grantee: ``storage.grant_read_write(cluster.node_role)`` adds to its inline policy."""
        return self._node_grantee

    def _add_node_statements(self, statements: Sequence[Statement]) -> Any:
        """Granted statements go before the node's own ones; one the policy already has is not repeated."""
        add_new_statements(self._granted, self._node_statements, statements)
        self._node_policy.policy = policy_document(*self._granted, *self._node_statements)
        return self._node_policy

    @property
    def node_role_name(self) -> str:
        return self._node_role.name

    @property
    def node_role_arn(self) -> str:
        return self._node_role.arn

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
        return list(self._node_groups)

    def node_group_autoscaling_group_names(self) -> list[str]:
        return [Token.as_string(ng.resources.get(0).autoscaling_groups.get(0).name) for ng in self._node_groups]
