"""The configuration side of the post-operator cluster autoscaler and Redis fallback (fast; the rendered proofs are
tests/test_render_controllers.py and tests/test_render_operator.py)."""

from __future__ import annotations

import pytest

from _support import make_config
from wandb_cdktf.config import ConfigError, config_from_mapping
from wandb_cdktf.config import autoscaler as ca


@pytest.mark.parametrize(("chart", "tag", "refused"), [
    ("9.46.0", "v1.31.0", None),  # 1.31 reads no VolumeAttachments
    ("9.46.0", "v1.32.0", "storage.k8s.io volumeattachments"),  # kubernetes/autoscaler #7663
    ("9.46.3", "v1.34.0", None),  # PR #7904 added them in 9.46.3
    ("9.50.0", "v1.35.0", "resource.k8s.io"),  # 1.35 locks dynamic resource allocation on
    ("9.59.0", "v1.35.0", None),
    ("10.0.0", "v1.35.0", None),
])
def test_chart_problem_follows_the_table(chart: str, tag: str, refused: str | None) -> None:
    problem = ca.chart_problem(chart, tag)
    assert (problem is None) == (refused is None), problem
    if refused:
        assert refused in problem and f"use {next(n for n in ca.RBAC_NEEDS if n.api_group in refused).first_chart}" in problem


def test_default_chart_is_pinned_and_checked_up_to_the_newest_verified_minor() -> None:
    config = config_from_mapping(make_config(eks_cluster_version="1.35"))
    assert config.cluster_autoscaler_chart_version == ca.DEFAULT_CHART == "9.59.0"
    assert not any(w.startswith("cluster_autoscaler_chart_version") for w in config.warnings())
    later = config_from_mapping(make_config(eks_cluster_version="1.36"))
    assert any(w.startswith("cluster_autoscaler_chart_version: ") and "1.35" in w for w in later.warnings())


def test_an_explicit_image_tag_decides_what_the_chart_must_grant() -> None:
    with pytest.raises(ConfigError, match=r"^config error: cluster_autoscaler_chart_version: is 9\.46\.0"):
        config_from_mapping(make_config(eks_cluster_version="1.35", cluster_autoscaler_chart_version="9.46.0"))
    config_from_mapping(make_config(deployment="pre-operator", eks_cluster_version="1.35",
                                    cluster_autoscaler_chart_version="9.46.0"))  # pre-operator installs no autoscaler


def test_no_redis_of_ours_is_accepted_with_a_warning_post_operator_only() -> None:
    """Review 2 #1: the chart's own Redis is installed then (constructs.kubernetes.operator); W&B's operator guide
    asks for a managed Redis, so synthesis says so."""
    post = config_from_mapping(make_config(create_elasticache=False))
    assert any(w.startswith("create_elasticache: ") and "in-cluster Redis" in w for w in post.warnings())
    assert not any(w.startswith("create_elasticache") for w in config_from_mapping(make_config()).warnings())
    pre = config_from_mapping(make_config(create_elasticache=False, deployment="pre-operator"))
    assert not any(w.startswith("create_elasticache") for w in pre.warnings())
