"""IAM policy documents as plain JSON strings (tokens inside become Terraform interpolations), and grants.

Grants follow aws-cdk-lib's ``grant*`` model (``IGrantable`` / ``Grant``): a construct that owns a resource
(``FileStorage.grant_read_write``, ``AppSecrets.grant_read``) writes the statements, the *grantee* decides
where they go. A grantee that keeps its own inline policy (``Cluster.node_role``) takes them into that
policy; any other role (``RoleRef``, ``IrsaRole``, ``AwsLaunchAgent``) gets one ``aws_iam_role_policy`` in the
granting construct. Either way the call returns a ``Grant`` naming the statements and the policy resource.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, runtime_checkable

from ..._providers import aws

Statement = dict[str, Any]


class Grantee(Protocol):
    """An IAM role a construct can grant access to: anything with a ``role_name``.

    Satisfied by ``RoleRef``, ``IrsaRole``, ``AwsLaunchAgent`` and ``Cluster.node_role``.
    """

    @property
    def role_name(self) -> str: ...


if TYPE_CHECKING:
    from ..._binding_types.aws import data_aws_iam_role as _data_aws_iam_role
    from ..._binding_types.aws import iam_role as _iam_role

    Role: TypeAlias = "Grantee | _iam_role.IamRole | _data_aws_iam_role.DataAwsIamRole"
    """What a ``grant_*`` call takes: a ``Grantee``, or the AWS provider's ``aws_iam_role`` resource or data source."""


@runtime_checkable
class PolicyOwner(Protocol):
    """A grantee that keeps its own inline policy and adds granted statements to it (aws-cdk's
    ``addToPrincipalPolicy``), so a grant creates no second policy resource on the role."""

    @property
    def role_name(self) -> str: ...

    def add_to_principal_policy(self, statements: Sequence[Statement]) -> Any:
        """Add ``statements``; return the policy resource that holds them."""
        ...


@dataclass(frozen=True)
class RoleRef:
    """Any IAM role by name, e.g. ``RoleRef(my_role.name)`` for an ``aws_iam_role`` of your own."""

    role_name: str


@dataclass(frozen=True)
class Grant:
    """What a ``grant_*`` call created: its statements and the ``aws_iam_role_policy`` holding them."""

    statements: tuple[Statement, ...]
    policy: Any
    """The role policy resource: a new one in the granting construct, or the grantee's own inline policy."""


def grant(scope: Any, construct_id: str, grantee: Role, statements: Sequence[Statement], *,
          name_prefix: str) -> Grant:
    """Give ``grantee`` ``statements``: into its own policy (``PolicyOwner``), else a new inline role policy
    ``construct_id`` under ``scope``."""
    if isinstance(grantee, str):
        raise TypeError(f"a grant takes a role object, not the role name {grantee!r}: pass RoleRef({grantee!r})")
    stmts = tuple(statements)
    if isinstance(grantee, PolicyOwner):
        return Grant(stmts, grantee.add_to_principal_policy(stmts))
    policy = aws.iam_role_policy.IamRolePolicy(scope, construct_id, role=role_name_of(grantee), name_prefix=name_prefix,
                                               policy=policy_document(*stmts))
    return Grant(stmts, policy)


def role_name_of(grantee: Any) -> str:
    """The role name of a grantee: its ``role_name``, or the ``name`` of the AWS provider's own ``aws_iam_role``
    resource or data source (``IamRole`` / ``DataAwsIamRole``), so a role made in the caller's CDKTF app is
    granted directly, as aws-cdk's grants take a ``Role``."""
    name = getattr(grantee, "role_name", None)
    if isinstance(name, str):
        return name
    if isinstance(grantee, (aws.iam_role.IamRole, aws.data_aws_iam_role.DataAwsIamRole)):
        return str(grantee.name)
    raise TypeError(f"a grant takes an IAM role (RoleRef, an aws_iam_role resource or data source, or one of our "
                    f"roles), got {type(grantee).__name__}")


def add_new_statements(granted: list[Statement], own: Sequence[Statement], statements: Sequence[Statement]) -> None:
    """Append to ``granted`` each of ``statements`` that neither ``granted`` nor ``own`` already holds
    (``same_permission``): how a role's inline policy takes grants without repeating a permission."""
    for stmt in statements:
        if not any(same_permission(stmt, s) for s in (*granted, *own)):
            granted.append(stmt)


def same_permission(a: Statement, b: Statement) -> bool:
    """True when two statements allow or deny the same thing (Sid aside), so one of them is redundant."""
    def norm(s: Statement) -> tuple[Any, ...]:
        def as_list(v: Any) -> list[Any]:
            return sorted(v) if isinstance(v, list) else [v]
        return (s.get("Effect"), as_list(s.get("Action")), as_list(s.get("Resource")),
                json.dumps(s.get("Condition"), sort_keys=True), json.dumps(s.get("Principal"), sort_keys=True))
    return norm(a) == norm(b)


def policy_document(*statements: Statement, policy_id: str | None = None) -> str:
    """An IAM policy document (identity, resource, trust or key policy) as JSON text; ``policy_id`` is its
    optional ``Id`` element."""
    doc: dict[str, Any] = {"Version": "2012-10-17"}
    if policy_id is not None:
        doc["Id"] = policy_id
    doc["Statement"] = list(statements)
    return json.dumps(doc, sort_keys=False)


def allow(actions: list[str] | str, resources: list[str] | str, sid: str | None = None, **extra: Any) -> Statement:
    stmt: Statement = {"Effect": "Allow", "Action": actions, "Resource": resources}
    if sid:
        stmt = {"Sid": sid, **stmt}
    stmt.update(extra)
    return stmt


def service_trust(*services: str) -> str:
    """Trust policy letting AWS services (e.g. ``eks.amazonaws.com``) assume a role."""
    return policy_document(
        {
            "Effect": "Allow",
            "Principal": {"Service": list(services) if len(services) > 1 else services[0]},
            "Action": "sts:AssumeRole",
        }
    )


def irsa_trust(oidc_provider_arn: str, oidc_issuer: str, service_accounts: list[tuple[str, str]]) -> str:
    """Trust policy for IRSA: only the listed ``(namespace, service account)`` pairs may assume the role.

    ``oidc_issuer`` is the issuer without ``https://`` (as used in condition keys).
    """
    subjects = [f"system:serviceaccount:{ns}:{sa}" for ns, sa in service_accounts]
    return policy_document(web_identity_statement(oidc_provider_arn, oidc_issuer, subjects))


def web_identity_statement(oidc_provider_arn: str, oidc_issuer: str, subjects: list[str],
                           sid: str | None = None) -> Statement:
    """The IRSA trust statement: tokens of ``oidc_issuer`` (without ``https://``) with audience
    ``sts.amazonaws.com`` and one of ``subjects`` (``StringLike`` when one has a ``*``) may assume the role."""
    condition: dict[str, dict[str, Any]] = {"StringEquals": {f"{oidc_issuer}:aud": "sts.amazonaws.com"}}
    if any("*" in s for s in subjects):
        condition["StringLike"] = {f"{oidc_issuer}:sub": subjects}
    else:
        condition["StringEquals"][f"{oidc_issuer}:sub"] = subjects
    stmt: Statement = {
        "Effect": "Allow",
        "Principal": {"Federated": oidc_provider_arn},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": condition,
    }
    return {"Sid": sid, **stmt} if sid else stmt

