"""IrsaRole: an IAM role that one or more Kubernetes service accounts assume via the cluster's OIDC provider.

Used for the vpc-cni addon, the AWS load balancer controller and external-dns,
so those components get their AWS permissions without node-wide credentials.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from constructs import Construct

from ..._providers import aws
from .iam import irsa_trust


@dataclass(frozen=True)
class IrsaRoleProps:
    name_prefix: str
    """IAM role name prefix (max 38 characters)."""
    oidc_provider_arn: str
    oidc_issuer: str
    """Issuer host and path, without ``https://``."""
    service_accounts: tuple[tuple[str, str], ...]
    """``(kubernetes namespace, service account name)`` pairs allowed to assume the role."""
    managed_policy_arns: tuple[str, ...] = ()
    """AWS-managed or existing policies to attach. Default: ()."""
    inline_policy: str | None = None
    """JSON policy created alongside the role and attached. Default: None."""
    description: str = ""
    """Default: ""."""
    tags: dict[str, str] = field(default_factory=dict)
    """Default: {}."""

    def __post_init__(self) -> None:
        if len(self.name_prefix) > 38:
            raise ValueError(f"IrsaRoleProps.name_prefix must be at most 38 characters, got {self.name_prefix!r}")
        if not self.service_accounts:
            raise ValueError("IrsaRoleProps.service_accounts must not be empty")


class IrsaRole(Construct):
    def __init__(self, scope: Construct, construct_id: str, props: IrsaRoleProps) -> None:
        super().__init__(scope, construct_id)
        self.props = props
        self._role = aws.iam_role.IamRole(
            self, "role", name_prefix=props.name_prefix, description=props.description or None,
            assume_role_policy=irsa_trust(props.oidc_provider_arn, props.oidc_issuer, list(props.service_accounts)),
            tags=props.tags or None,
        )
        for i, arn in enumerate(props.managed_policy_arns):
            aws.iam_role_policy_attachment.IamRolePolicyAttachment(self, f"managed-{i}", role=self._role.name, policy_arn=arn)
        if props.inline_policy:
            policy = aws.iam_policy.IamPolicy(
                self, "policy", name_prefix=props.name_prefix, policy=props.inline_policy, description=props.description or None
            )
            aws.iam_role_policy_attachment.IamRolePolicyAttachment(self, "policy-attachment", role=self._role.name, policy_arn=policy.arn)

    @property
    def role_arn(self) -> str:
        return self._role.arn

    @property
    def role_name(self) -> str:
        return self._role.name
