"""The operator chart upgrade, rendered (issue 26 item 4; docs/rendering.md). The rotation half of day 2 (a new
database password or license restarts every pod that reads it) is tests/test_render_day2.py.

Helm installs a chart's ``crds/`` once and never upgrades them (Helm docs, "Custom Resource Definitions": "There is
no support at this time for upgrading or deleting CRDs using Helm"), and our operator release disables hooks
(``disable_webhooks``): so between v8's pin (1.4.2), ours and the newest chart cached the WeightsAndBiases CRD must
not change, and no object may be a hook, or an upgrade would silently miss it.
"""

from __future__ import annotations

import pytest

import _render_support as r

pytestmark = pytest.mark.slow


def test_operator_chart_upgrade_keeps_the_crd_and_has_no_hooks() -> None:
    got = r.render_config("default", r.DEFAULT_CONFIG)
    release = got.releases["operator"]
    versions = sorted({"1.4.2", release.version or "", r.NEWEST_OPERATOR_CHART}, key=lambda v: tuple(map(int, v.split("."))))
    rendered = {v: r.helm_template(r.chart_archive("operator", v), release.name, release.namespace, got.kube,
                                   release.values, release.sets) for v in versions}
    crds = {v: [o for o in objs if o["kind"] == "CustomResourceDefinition"] for v, objs in rendered.items()}
    assert all(len(c) == 1 for c in crds.values()), {v: len(c) for v, c in crds.items()}
    first = crds[versions[0]][0]
    for v in versions[1:]:
        assert crds[v][0]["spec"] == first["spec"], f"the WeightsAndBiases CRD changed {versions[0]} -> {v}"
    hooks = {v: [f"{o['kind']}/{o['metadata']['name']}" for o in objs
                 if "helm.sh/hook" in (o.get("metadata", {}).get("annotations") or {})] for v, objs in rendered.items()}
    assert hooks == {v: [] for v in versions}
    for v, objs in rendered.items():
        assert r.validation_errors(objs, got.kube) == [], v
