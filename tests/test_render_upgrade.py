"""Day 2 by rendering twice (issue 26 item 4; docs/rendering.md "Day 2"); the issue-27 rotation proofs live in
tests/test_render_day2.py.

- A new database password (``database_password_version`` bump: the secret's value changes) or a new license
  (``TF_VAR_wandb_license``): render the default configuration again with only that input changed, and check that
  every W&B workload that reads the value as an environment variable gets a changed pod template (Kubernetes
  reads env from a Secret or ConfigMap at container start only: "Secrets", "Using Secrets as environment
  variables"; a changed pod template is what makes a Deployment/StatefulSet roll). Values a pod only mounts are
  refreshed by the kubelet and need no restart. What a chart generates at random on every render (operator-wandb
  makes some secrets with ``randAlphaNum``) is found by rendering the same input twice and left out.
- The operator chart: v8's and our earlier pin (1.4.2) -> the pinned one -> the newest in the chart cache. Helm
  installs ``crds/`` once and never upgrades them (Helm docs, "Custom Resource Definitions": "There is no support
  at this time for upgrading or deleting CRDs using Helm"), and our release disables hooks: so the CRD must not
  change between them and no object may be a hook.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest

import _render_support as r

pytestmark = pytest.mark.slow

NEW_PASSWORD = "n3w-p@ss/w0rd"
NEW_LICENSE = "sample-license-2027"
WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet")


def _render(variables: dict[str, str] | None = None, secrets: dict[str, str] | None = None,
            fresh: str = "") -> list[dict[str, Any]]:
    """operator-wandb's objects plus our stack's own Secrets (what the pods read comes from either)."""
    got = r.render_config("default", r.DEFAULT_CONFIG, variables=variables, secrets=secrets)
    if not fresh:
        return [*got.wandb, *got.secrets]
    values = r.operator_values(got.cr["spec"]["values"], got.config.operator_namespace)
    return [*r.helm_template(r.chart_archive(*r.OPERATOR_WANDB_CHART), got.cr["metadata"]["name"],
                             got.releases["wandb"].namespace, got.kube, [values], fresh=fresh), *got.secrets]


def _data(obj: dict[str, Any]) -> dict[str, Any]:
    return {**(obj.get("data") or {}), **(obj.get("stringData") or {})}


def _changed_sources(before: list[dict[str, Any]], after: list[dict[str, Any]],
                     noise: set[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    """(kind, name, key) of every Secret/ConfigMap entry whose value differs, less the random ones."""
    out: set[tuple[str, str, str]] = set()
    for kind in ("Secret", "ConfigMap"):
        old, new = r.by_kind(before, kind), r.by_kind(after, kind)
        for name in old.keys() & new.keys():
            a, b = _data(old[name]), _data(new[name])
            out |= {(kind, name, k) for k in a.keys() | b.keys() if a.get(k) != b.get(k)}
    return out - noise


def _env_readers(objects: list[dict[str, Any]], changed: set[tuple[str, str, str]]) -> set[str]:
    """Workloads with a container whose environment reads one of ``changed``."""
    readers: set[str] = set()
    whole = {(kind, name) for kind, name, _ in changed}
    for kind in WORKLOADS:
        for name, obj in r.by_kind(objects, kind).items():
            for c in r.containers(obj):
                for e in c.get("env") or []:
                    src = e.get("valueFrom") or {}
                    for k, ref in (("Secret", src.get("secretKeyRef")), ("ConfigMap", src.get("configMapKeyRef"))):
                        if ref and (k, ref["name"], ref["key"]) in changed:
                            readers.add(f"{kind}/{name}")
                for e in c.get("envFrom") or []:
                    for k, ref in (("Secret", e.get("secretRef")), ("ConfigMap", e.get("configMapRef"))):
                        if ref and (k, ref["name"]) in whole:
                            readers.add(f"{kind}/{name}")
    return readers


def _restarted(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> set[str]:
    out = set()
    for kind in WORKLOADS:
        old, new = r.by_kind(before, kind), r.by_kind(after, kind)
        out |= {f"{kind}/{n}" for n in old.keys() & new.keys()
                if r.pod_template_digest(old[n]) != r.pod_template_digest(new[n])}
    return out


@pytest.fixture(scope="module")
def base() -> list[dict[str, Any]]:
    return _render()


@pytest.fixture(scope="module")
def noise(base: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    """What differs between two renders of the same input (generated at random)."""
    return _changed_sources(base, _render(fresh="again"), set())


@pytest.mark.parametrize("change", ["database-password", "license"])
def test_a_rotated_secret_restarts_every_pod_that_reads_it(base: list[dict[str, Any]],
                                                           noise: set[tuple[str, str, str]], change: str) -> None:
    if change == "database-password":
        after = _render(secrets={"default": json.dumps({"username": "wandb", "password": NEW_PASSWORD})})
        new_value = NEW_PASSWORD
    else:
        after = _render(variables={"wandb_license": NEW_LICENSE})
        new_value = NEW_LICENSE
    changed = _changed_sources(base, after, noise)
    assert changed, f"{change}: no Secret or ConfigMap changed"
    readers = _env_readers(base, changed)
    assert readers, f"{change}: no workload reads {changed} in its environment"
    # The new value reaches what the app reads ...
    env = r.resolve_env(next(d for d in r.by_kind(after, "Deployment").values()
                             if "app" in {c["name"] for c in r.pod_spec(d)["containers"]}), "app", after)
    assert any(quote(new_value, safe="") in v or new_value in v for v in env.values()), change
    # ... and every pod that holds the old one in its environment is replaced.
    kept_old_value = readers - _restarted(base, after)
    assert kept_old_value == set(), f"{change}: these keep the old value until restarted by hand: {sorted(kept_old_value)}"


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
