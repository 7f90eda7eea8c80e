"""Issue 27 (field review 2, ../shared/reference/field-review-2-app-operator.md) proven by rendering W&B's real charts
with the issue-26 harness (tests/_render_support.py): rotations restart what reads them (item 2), no secret in the
WeightsAndBiases resource or a pod spec (item 7), the operator upgrade (item 7), a pinned W&B chart and image
(item 9), the percent-encoded Redis password (item 4).

Each configuration is synthesized, its helm_release arguments evaluated by Terraform with sample inputs, the
WeightsAndBiases resource merged as wandb/operator merges it and rendered through operator-wandb 0.43.8. The
license and passwords are in our ``wandb-cdktf-credentials`` Secret (a kubernetes_secret_v1, not a chart object):
:func:`_credentials_secret` evaluates its data through the same harness where a pod's environment is resolved.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import yaml

import _render_support as r
from _support import REPO

pytestmark = pytest.mark.slow

CREDENTIALS = "wandb-cdktf-credentials"
NEW_PASSWORD = "n3w#Pass^w0rd>"
BYOS = REPO / "examples" / "bring-your-own-services.yaml"


def _render(name: str, path: Path, variables: dict[str, str] | None = None,
            secrets: dict[str, str] | None = None) -> r.Rendered:
    return r.render_config(name, path, variables=variables, secrets=secrets)


@pytest.fixture(scope="module")
def default() -> r.Rendered:
    return _render("default", r.DEFAULT_CONFIG)


@pytest.fixture(scope="module")
def with_stores(tmp_path_factory: pytest.TempPathFactory) -> r.Rendered:
    """The bring-your-own-services example (external Redis with an AUTH password, external database) plus team file
    stores with credentials (the sensitive variable wandb_supported_file_stores)."""
    data = yaml.safe_load(BYOS.read_text())
    data["byob"] = {"deployment_type": "self-managed", "aws": {},
                    "file_stores": [{"type": "azure", "account": "acct1", "container": "wandb", "access_key_env": "K"}]}
    path = tmp_path_factory.mktemp("byos-stores") / "byos-stores.yaml"
    path.write_text(yaml.safe_dump(data))
    return _render("byos-stores", path)


def _credentials_secret(got: r.Rendered, variables: dict[str, str] | None = None,
                        secrets: dict[str, str] | None = None) -> dict[str, Any]:
    """Our ``wandb-cdktf-credentials`` Secret with its data evaluated by Terraform through the harness (given to
    evaluate_releases as one more release's values, with the same sample inputs)."""
    stack = copy.deepcopy(got.synth.stack(got.stack_id))
    [secret] = [s for s in stack["resource"]["kubernetes_secret_v1"].values() if s["metadata"]["name"] == CREDENTIALS]
    body = ", ".join(f'"{k}" = "{v}"' for k, v in secret["data"].items())
    stack["resource"]["helm_release"] = {"probe": {"//": {"metadata": {"path": f"{got.stack_id}/probe"}},
                                                   "name": "probe", "chart": "probe", "values": [f"${{yamlencode({{{body}}})}}"]}}
    stacks = {**got.synth.stacks, got.stack_id: stack}
    [probe] = r.evaluate_releases(r.find_terraform(), stacks, got.stack_id, got.synth.stack_dir(got.stack_id),
                                  variables=variables, secrets=secrets).values()
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": CREDENTIALS}, "stringData": probe.values[0]}


def _readers(got: r.Rendered, variable: str) -> dict[str, dict[str, Any]]:
    """``kind/name`` -> workload, for every rendered workload whose containers take ``variable`` from a Secret."""
    out = {}
    for kind in ("Deployment", "StatefulSet", "DaemonSet"):
        for name, obj in r.by_kind(got.wandb, kind).items():
            if any(e.get("name") == variable and "secretKeyRef" in e.get("valueFrom", {})
                   for c in r.containers(obj) for e in (c.get("env") or [])):
                out[f"{kind}/{name}"] = obj
    return out


# --- item 2: the documented rotation and a license renewal restart the pods -------------------------------------

def test_database_password_rotation_restarts_every_pod_that_reads_it(default: r.Rendered) -> None:
    """README "Database credentials" step 3: a new password reaches W&B on `cdktf deploy <ns>-operator`. The pods take
    MYSQL_PASSWORD from a Secret (operator-wandb templates/_env.tpl "wandb.mysqlEnvs", a secretKeyRef) and env is read
    at container start only, so every pod template that reads it must change, or the pods keep the old password
    (review 2 #2: rendered twice, only the Secret differed). Two renders, the database secret rotated in between."""
    rotated = _render("default-rotated", r.DEFAULT_CONFIG,
                      secrets={"default": json.dumps({"username": "wandb", "password": NEW_PASSWORD})})
    readers = _readers(default, "MYSQL_PASSWORD")
    assert any(k.startswith("Deployment/") for k in readers) and default.deployment_of("app") in readers.values()
    after = _readers(rotated, "MYSQL_PASSWORD")
    assert set(after) == set(readers)
    unchanged = [k for k in readers if r.pod_template_digest(readers[k]) == r.pod_template_digest(after[k])]
    assert unchanged == [], f"these keep the old password until restarted by hand: {unchanged}"
    # and the new password is what they read after the restart
    env = r.resolve_env(rotated.deployment_of("app"), "app", [*rotated.wandb, _credentials_secret(
        rotated, secrets={"default": json.dumps({"username": "wandb", "password": NEW_PASSWORD})})])
    assert f":{quote(NEW_PASSWORD, safe='')}@" in env["MYSQL"]


def test_license_renewal_restarts_every_pod_that_reads_it(default: r.Rendered) -> None:
    """operator-wandb passes the license as LICENSE/GORILLA_LICENSE from a Secret (templates/_license.tpl); a renewed
    TF_VAR_wandb_license must restart the pods that read it."""
    renewed = _render("default-renewed", r.DEFAULT_CONFIG, variables={"wandb_license": "renewed-license-2027"})
    readers, after = _readers(default, "LICENSE"), _readers(renewed, "LICENSE")
    assert readers and set(after) == set(readers)
    assert [k for k in readers if r.pod_template_digest(readers[k]) == r.pod_template_digest(after[k])] == []


def test_an_unchanged_apply_restarts_nothing(default: r.Rendered) -> None:
    """The checksum is of the values only: the same inputs render the same pod templates (no restart per apply)."""
    again = _render("default-again", r.DEFAULT_CONFIG)
    for kind in ("Deployment", "StatefulSet", "DaemonSet"):
        before, after = r.by_kind(default.wandb, kind), r.by_kind(again.wandb, kind)
        assert {k: r.pod_template_digest(v) for k, v in before.items()} == {k: r.pod_template_digest(v) for k, v in after.items()}


# --- item 7: secrets by reference --------------------------------------------------------------------------------

def test_no_secret_in_the_resource_or_any_pod_spec(with_stores: r.Rendered) -> None:
    """The operator logs the resource's spec on every reconcile (wandb/operator v1.20.0
    controllers/weightsandbiases_controller.go:106-109, "Spec", unmasked) and wandb-base renders every extraEnv string
    as a literal `value:` (charts/wandb-base templates/_containers.tpl "wandb-base.env"), readable by anyone who may get
    a Deployment. So neither the resource nor any rendered object holds the license, a password or the store list:
    they are references to our Secret (global.licenseSecret, global.mysql.passwordSecret, global.redis.secret, a
    secretKeyRef extraEnv entry)."""
    got = with_stores
    redis_password = json.loads(r.SAMPLE_SECRETS["redis"])["password"]
    secrets = {r.SAMPLE_VARS["wandb_license"], r.SAMPLE_PASSWORD, quote(r.SAMPLE_PASSWORD, safe=""),
               redis_password, quote(redis_password, safe=""), r.SAMPLE_VARS["wandb_supported_file_stores"]}
    text = json.dumps(got.cr) + json.dumps(got.wandb)
    assert [s for s in secrets if s in text] == []
    # the chart makes no Secret of its own for them (templates/license.yaml, mysql.yaml: only without a reference)
    assert not {"wandb-license", "wandb-mysql"} & set(r.by_kind(got.wandb, "Secret"))
    app = got.deployment_of("app")
    stores = [e for c in r.containers(app) for e in c.get("env") or [] if e["name"] == "GORILLA_SUPPORTED_FILE_STORES"]
    assert stores and all(e == {"name": "GORILLA_SUPPORTED_FILE_STORES", "valueFrom": {"secretKeyRef": {
        "name": CREDENTIALS, "key": "GORILLA_SUPPORTED_FILE_STORES"}}} for e in stores), stores
    # ...and the pods still get every value, from our Secret
    env = r.resolve_env(app, "app", [*got.wandb, _credentials_secret(got)])
    assert env["LICENSE"] == env["GORILLA_LICENSE"] == r.SAMPLE_VARS["wandb_license"]
    assert f":{quote(r.SAMPLE_PASSWORD, safe='')}@" in env["MYSQL"]
    assert env["GORILLA_SUPPORTED_FILE_STORES"].split(",")[0] == r.SAMPLE_VARS["wandb_supported_file_stores"]
    # item 4: the AUTH password percent-encoded in the URL the chart builds (templates/_redis.tpl)
    host = got.config.external_redis_host
    assert env["REDIS"].startswith(f"redis://:{quote(redis_password, safe='')}@{host}:6379?"), env["REDIS"]


def test_operator_upgrade_rendered_and_diffed(default: r.Rendered) -> None:
    """wandb/operator CHANGELOG.md: 1.20.2/1.20.3 prune old Helm releases (1.20.0, v8's pin, keeps every
    sh.helm.release.v1.wandb.vN Secret forever), 1.21.2 fixes the 600 ns uninstall timeout; 1.21.0 moved to
    kubebuilder v4. helm-charts operator 1.4.8 adds the leases RBAC its leader election (--leader-elect) needs and
    a /helm cache volume. Rendered at v8's pins (1.4.2 / 1.20.0) and at ours, the difference is exactly that."""
    new = default.releases["operator"]
    assert (new.version, dict(new.sets)["image.tag"]) == ("1.4.8", "1.21.3")
    old = dataclasses.replace(new, version="1.4.2", sets=[("image.tag", "1.20.0")])
    before, after = r.render_release(old, default.kube), default.objects["operator"]
    key = lambda o: (o["kind"], o["metadata"]["name"])  # noqa: E731
    assert sorted(map(key, before)) == sorted(map(key, after)), "no object added or removed"
    crd = lambda objs: [o for o in objs if o["kind"] == "CustomResourceDefinition"]  # noqa: E731
    assert crd(before) == crd(after), "Helm never upgrades crds/: the CRD must not change"
    changed = sorted(key(o) for o in changed_objects(before, after))
    assert changed == [("ClusterRole", "wandb-manager-role"), ("Deployment", "wandb-controller-manager")], changed
    rules = [rule for o in after if o["kind"] in ("ClusterRole", "Role") for rule in o.get("rules") or []]
    assert any("coordination.k8s.io" in rule.get("apiGroups", []) and "leases" in rule.get("resources", []) for rule in rules)
    [deployment] = [o for o in after if o["kind"] == "Deployment"]
    [manager] = deployment["spec"]["template"]["spec"]["containers"]
    assert manager["image"].endswith(":1.21.3") and "--leader-elect" in manager["args"]
    assert {"name": "helm-cache", "mountPath": "/helm"} in manager["volumeMounts"]


def changed_objects(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    old = {(o["kind"], o["metadata"]["name"]): o for o in before}
    return [o for o in after if old.get((o["kind"], o["metadata"]["name"])) != o]


# --- item 9: pinning the W&B chart and version ------------------------------------------------------------------

def test_pinned_chart_and_image_reach_the_operator(tmp_path: Path) -> None:
    """wandb/operator v1.20.0: the resource's spec.chart (pkg/wandb/spec/charts/repo.go RepoRelease: url, name,
    version) is merged first and wins over the release channel's chart (controllers/weightsandbiases_controller.go
    :187, pkg/wandb/spec/spec.go Merge: "if s.Chart == nil"); its spec.values win over the channel's, so an image tag
    set there is what runs. Without them the operator installs whatever deploy.wandb.ai says."""
    data = yaml.safe_load(r.DEFAULT_CONFIG.read_text())
    data.update(operator_wandb_chart_version="0.43.8", operator_wandb_values={"app": {"image": {"tag": "0.74.1"}}})
    path = tmp_path / "pinned.yaml"
    path.write_text(yaml.safe_dump(data))
    got = _render("pinned", path)
    assert got.cr["spec"]["chart"] == {"url": "https://charts.wandb.ai", "name": "operator-wandb", "version": "0.43.8"}
    crds = r.crd_schemas(got.objects["operator"])
    assert r.validation_errors([got.cr], got.kube, crds) == []
    # the channel (offline here) would say otherwise: the resource's values still win (operator merge order)
    channel = {"app": {"image": {"tag": "0.80.0"}}}
    values = r.operator_values(got.cr["spec"]["values"], got.config.operator_namespace, channel)
    wandb = r.helm_template(r.chart_archive(*r.OPERATOR_WANDB_CHART), "wandb", got.releases["wandb"].namespace, got.kube, [values])
    [app] = [d for d in r.by_kind(wandb, "Deployment").values() if "app" in {c["name"] for c in r.pod_spec(d)["containers"]}]
    [container] = [c for c in r.pod_spec(app)["containers"] if c["name"] == "app"]
    assert container["image"] == "wandb/local:0.74.1"


# --- item 11: the smaller items that are fixed ---------------------------------------------------------------------

def test_weave_trace_tokens_are_accepted_from_the_eks_issuer(default: r.Rendered) -> None:
    """Review 2 #14: operator-wandb's default app.internalJWTMap names the issuer https://kubernetes.default.svc.cluster.local
    (values.yaml), but EKS signs service account tokens with the cluster's OIDC issuer; v8 main.tf sets that issuer for
    wandb-weave-trace. The map is read when the channel turns weave-trace on (templates/api.yaml)."""
    channel = {"global": {"weave-trace": {"enabled": True}}}
    values = r.operator_values(default.cr["spec"]["values"], default.config.operator_namespace, channel)
    wandb = r.helm_template(r.chart_archive(*r.OPERATOR_WANDB_CHART), "wandb", default.releases["wandb"].namespace,
                            default.kube, [values])
    [got] = [cm["data"]["GORILLA_INTERNAL_JWT_SUBJECTS_TO_ISSUERS"] for cm in r.by_kind(wandb, "ConfigMap").values()
             if "GORILLA_INTERNAL_JWT_SUBJECTS_TO_ISSUERS" in (cm.get("data") or {})]
    mapping = json.loads(got)
    issuer = next(v for k, v in default.samples.items() if k.startswith("cross-stack-output-aws_eks_cluster") and "identity" in k)
    ns = default.config.k8s_namespace
    assert mapping == {f"system:serviceaccount:{ns}:wandb-weave-trace": issuer,
                       f"system:serviceaccount:{ns}:wandb-weave-trace-worker": issuer}


def test_the_created_bucket_stays_editable_in_the_system_console(default: r.Rendered) -> None:
    """Review 2 #15: v8 main.tf sets global.bucket only for a bucket_name of the user's (`{}` otherwise), so the System
    Console can change the instance bucket; the chart then uses global.defaultBucket (templates/_bucket.tpl)."""
    glob = default.cr["spec"]["values"]["global"]
    assert "bucket" not in glob and glob["defaultBucket"]["name"]
    assert default.app_env()["BUCKET"] == f"s3://{glob['defaultBucket']['name']}"
