"""IAM policy documents as plain JSON strings (tokens inside become Terraform interpolations)."""

from __future__ import annotations

import json
from typing import Any

Statement = dict[str, Any]


def policy_document(*statements: Statement) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, sort_keys=False)


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
    condition: dict[str, dict[str, Any]] = {"StringEquals": {f"{oidc_issuer}:aud": "sts.amazonaws.com"}}
    if any("*" in s for s in subjects):
        condition["StringLike"] = {f"{oidc_issuer}:sub": subjects}
    else:
        condition["StringEquals"][f"{oidc_issuer}:sub"] = subjects
    return policy_document(
        {
            "Effect": "Allow",
            "Principal": {"Federated": oidc_provider_arn},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition,
        }
    )


def deny_insecure_transport(resources: list[str], sid: str = "DenyInsecureTransport") -> Statement:
    return {
        "Sid": sid,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": resources,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
