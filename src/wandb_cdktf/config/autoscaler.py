"""Which cluster-autoscaler chart can run which autoscaler release (post-operator ``<ns>-operator``).

The autoscaler image follows the cluster minor (``cluster_autoscaler_image_tag``, default
``v<eks_cluster_version>.0``: the autoscaler README asks for the matching minor), but the chart's ClusterRole is
the chart's own. Each autoscaler minor below starts informers on more API resources and, without RBAC for them,
waits for their cache sync forever: the pod is Ready and never scales.

tests/test_render_controllers.py renders :data:`DEFAULT_CHART` at every minor of
:data:`VERIFIED_MINORS` with our values through the real Helm and checks its ClusterRole against
:data:`RBAC_NEEDS`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RbacNeed:
    since_minor: int
    """First autoscaler minor (1.<since_minor>) that needs the rule."""
    api_group: str
    resources: tuple[str, ...]
    verbs: tuple[str, ...]
    first_chart: str
    """First cluster-autoscaler chart version known to grant it."""
    source: str


RBAC_NEEDS: tuple[RbacNeed, ...] = (
    RbacNeed(32, "storage.k8s.io", ("volumeattachments",), ("get", "list", "watch"), "9.46.3",
             "kubernetes/autoscaler #7663 (1.32 on EKS with chart 9.46.0: VolumeAttachment list forbidden), "
             "added to the chart's templates/clusterrole.yaml in 9.46.3 (PR #7904)"),
    RbacNeed(35, "resource.k8s.io", ("resourceslices", "deviceclasses", "resourceclaims"), ("get", "list", "watch"),
             "9.59.0",
             "autoscaler 1.35 locks --enable-dynamic-resource-allocation=true (kubernetes/autoscaler d4a3ca1d9b, "
             "with the chart's RBAC); 9.59.0 (appVersion 1.35.0) is the first chart verified here, an earlier "
             "1.35 chart may carry the rules too"),
)

DEFAULT_CHART = "9.59.0"
"""Pinned for every minor: its ClusterRole grants every rule of :data:`RBAC_NEEDS` and its container arguments for
our values are the same as 9.46.0's (rendered), so older autoscaler releases run with it too."""

VERIFIED_MINORS = tuple(range(29, 36))
"""Autoscaler minors 1.29-1.35 whose needs are checked against :data:`DEFAULT_CHART`'s rendered ClusterRole."""


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def image_minor(tag: str) -> int:
    """``v1.33.0`` -> 33."""
    return int(tag.lstrip("v").split(".")[1])


def needs_for(minor: int) -> tuple[RbacNeed, ...]:
    """The rules autoscaler 1.<minor> needs beyond those every chart has."""
    return tuple(n for n in RBAC_NEEDS if minor >= n.since_minor)


def chart_problem(chart_version: str, image_tag: str) -> str | None:
    """Why ``chart_version``'s ClusterRole cannot run autoscaler ``image_tag``, or None."""
    minor = image_minor(image_tag)
    for need in needs_for(minor):
        if _version(chart_version) < _version(need.first_chart):
            return (f"is {chart_version}, whose ClusterRole lacks {need.api_group} {'/'.join(need.resources)}, which "
                    f"autoscaler {image_tag} waits for (it never scales); use {need.first_chart} or later "
                    f"(default {DEFAULT_CHART})")
    return None


def unverified_minor(image_tag: str) -> bool:
    """Autoscaler ``image_tag`` is newer than any minor checked against the pinned chart."""
    return image_minor(image_tag) > max(VERIFIED_MINORS)
