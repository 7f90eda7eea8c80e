"""YACE (yet-another-cloudwatch-exporter): its IAM policy and the tag it finds W&B's Aurora and Redis by.

The operator-wandb chart's ``yace`` subchart (helm-charts charts/operator-wandb/charts/yace) runs
discovery jobs for ``AWS/RDS`` and ``AWS/ElastiCache`` that look resources up through the Resource
Groups Tagging API, filtered by ``searchTags``, then read their metrics from CloudWatch. v8 passes
``searchTags = {Namespace = <namespace>}`` but tags neither Aurora nor Redis with it, so its exporter
finds nothing unless the user's default tags happen to carry it. Here the database and the cache
carry the tag (:func:`discovery_tags`), and the search value is anchored because YACE matches it as a
regular expression (YACE README: "Filtering tags through regex"): ``wandb`` must not find ``wandb-prod``.
"""

from __future__ import annotations

from .iam import allow, policy_document

DISCOVERY_TAG_KEY = "Namespace"

# v8 modules/iam_role. None of these actions supports resource-level permissions (Service Authorization
# Reference: CloudWatch GetMetricData/GetMetricStatistics/ListMetrics and tag:GetResources list no resource
# types), so Resource must be "*".
YACE_ACTIONS = ("tag:GetResources", "cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics",
                "cloudwatch:ListMetrics")


def discovery_tags(namespace: str) -> dict[str, str]:
    """The tag YACE's discovery jobs select this deployment's Aurora and ElastiCache resources by."""
    return {DISCOVERY_TAG_KEY: namespace}


def yace_search_tags(namespace: str) -> dict[str, str]:
    """``yace.searchTags`` for the chart: the discovery tag, matched exactly."""
    return {DISCOVERY_TAG_KEY: f"^{namespace}$"}


def yace_policy() -> str:
    return policy_document(allow(list(YACE_ACTIONS), "*", sid="ReadCloudWatchMetrics"))
