"""Checks that a configuration change keeps stateful resources in place.

Switching ``deployment`` from pre-operator to post-operator must be an in-place
change of ``<namespace>-infra``: every stateful resource keeps its Terraform
address and its arguments. :func:`stateful_changes` compares two synthesized
stacks and lists what would move or be replaced; an empty list means safe.
"""

from __future__ import annotations

from typing import Any

# Resource types whose loss loses data or breaks the running platform.
STATEFUL_TYPES = (
    "aws_vpc",
    "aws_subnet",
    "aws_kms_key",
    "aws_kms_alias",
    "aws_s3_bucket",
    "aws_sqs_queue",
    "aws_db_subnet_group",
    "aws_rds_cluster",
    "aws_rds_cluster_instance",
    "aws_elasticache_subnet_group",
    "aws_elasticache_replication_group",
    "aws_eks_cluster",
    "aws_eks_node_group",
    "aws_iam_openid_connect_provider",
    "aws_efs_file_system",
)


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k != "//"}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def stateful_changes(before: dict[str, Any], after: dict[str, Any], types: tuple[str, ...] = STATEFUL_TYPES) -> list[str]:
    """Differences in stateful resources between two synthesized stacks (cdk.tf.json documents).

    A resource present in ``before`` must exist in ``after`` under the same
    address with identical arguments. Resources that only appear in ``after``
    (e.g. EFS added by post-operator) are fine.
    """
    problems: list[str] = []
    for rtype in types:
        old = before.get("resource", {}).get(rtype, {})
        new = after.get("resource", {}).get(rtype, {})
        for name, body in sorted(old.items()):
            address = f"{rtype}.{name}"
            if name not in new:
                problems.append(f"{address}: missing afterwards (would be destroyed)")
                continue
            a, b = _strip(body), _strip(new[name])
            if a != b:
                keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
                problems.append(f"{address}: arguments change: {', '.join(keys)}")
    return problems
