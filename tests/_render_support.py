"""Render the charts our stacks install with the real Helm, and validate what comes out (docs/rendering.md).

- :func:`helm_binary`: Helm v3.17.2 ($WANDB_CDKTF_HELM, else <repo>/.helm/helm; missing: scripts/install-helm.sh
  is run once per test run, under a lock).
- :func:`chart_archive`: a chart package from $WANDB_CDKTF_CHARTS, else ../shared/charts (index.md there),
  sha256-checked against its SHA256SUMS, else ``helm pull`` from the chart's repository into the git-ignored
  .helm/charts; none: skip with the reason (CI=true: fail). Never copied here.
- :func:`evaluate_releases`: each ``helm_release`` of a synthesized stack with its ``values``/``set`` evaluated by
  Terraform itself (``terraform apply`` of a resource-less root module), after a documented substitution: a
  cross-stack reference becomes a sample of the infra output it reads (:func:`sample_for`), ``var.X`` a sample
  input, and ``data.aws_secretsmanager_secret_version.X.secret_string`` a sample secret. Any other reference is
  left as it is, and Terraform then refuses it: nothing is silently replaced.
- :func:`helm_template`: ``helm template`` with a temporary HELM_*_HOME, ``--include-crds`` (Terraform's helm
  provider installs ``crds/``), ``--kube-version`` = the cluster minor; cached in the run's cache per input.
- :func:`validation_errors`: every object strictly against the Kubernetes OpenAPI schema of that minor
  (kubernetes-validate), custom resources against their CRD's schema (unknown fields refused unless the CRD
  preserves them); a kind with neither is an error.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from _support import (
    REPO,
    Synth,
    cache_root,
    environ,
    file_lock,
    skip_or_fail,
    synth_file,
    synth_mapping,
    wait_for_install,
)
from wandb_cdktf.config import WandbConfig, config_from_mapping, load_config

HELM_ENV = "WANDB_CDKTF_HELM"
CHARTS_ENV = "WANDB_CDKTF_CHARTS"
HELM_SHA256 = "9e7a767efb3f9e334758ae066b4af355c01539663c7fffb30eed2b6213a4735e"  # scripts/install-helm.sh
EXTERNAL_CLUSTER_MINOR = "1.35"
"""The minor a configuration without eks_cluster_version (an existing cluster, external_eks_cluster_name) is
rendered at: the newest minor in EKS standard support when the charts were cached (docs/rendering.md)."""
OPERATOR_WANDB_CHART = ("operator-wandb", "0.43.8")
"""The chart the operator would get from W&B's channel (offline here): the newest in ../shared/charts."""
NEWEST_OPERATOR_CHART = "1.4.8"
LAUNCH_AGENT_CHART = ("launch-agent", "0.13.12")

# The samples a cross-stack reference, a variable or a secret becomes (docs/rendering.md "Sample inputs").
ACCOUNT = "123456789012"
SAMPLE_VARS = {"wandb_license": "sample-license-2026", "wandb_supported_file_stores": "s3://sample-team-store"}
SAMPLE_PASSWORD = "p@ss#w^rd<>"
SAMPLE_SECRETS = {"default": json.dumps({"username": "wandb", "password": SAMPLE_PASSWORD}),
                  "redis": json.dumps({"password": "r3dis#a^<>"})}


def helm_binary() -> str:
    env = os.environ.get(HELM_ENV)
    if env:
        if not Path(env).is_file():
            skip_or_fail(f"${HELM_ENV}={env} is not a file")
        return env
    local = REPO / ".helm" / "helm"
    wait_for_install("helm")  # scripts/test.sh runs scripts/install-helm.sh beside pytest
    with file_lock(cache_root() / "install-helm.lock"):
        if not local.is_file():
            proc = subprocess.run(["bash", str(REPO / "scripts" / "install-helm.sh")], capture_output=True, text=True,
                                  timeout=600)
            if proc.returncode != 0:
                skip_or_fail(f"Helm 3.17.2: scripts/install-helm.sh failed: {proc.stderr.strip()[-400:]}")
    return str(local)


def charts_dir() -> Path | None:
    env = os.environ.get(CHARTS_ENV)
    if env:
        return Path(env)
    shared = REPO.parent / "shared" / "charts"
    return shared if shared.is_dir() else None


def _sums(directory: Path) -> dict[str, str]:
    sums = directory / "SHA256SUMS"
    if not sums.is_file():
        return {}
    return {name.strip().lstrip("*"): digest for digest, name in
            (line.split(None, 1) for line in sums.read_text().splitlines() if line.strip())}


CHART_REPOSITORIES = {
    "operator": "https://charts.wandb.ai", "operator-wandb": "https://charts.wandb.ai",
    "launch-agent": "https://charts.wandb.ai", "aws-load-balancer-controller": "https://aws.github.io/eks-charts",
    "external-dns": "https://kubernetes-sigs.github.io/external-dns/",
    "cluster-autoscaler": "https://kubernetes.github.io/autoscaler",
}
"""Where each chart is published (../shared/charts/index.md), for ``helm pull`` when no cache holds it."""
PULLED_CHARTS = REPO / ".helm" / "charts"
"""Charts ``helm pull`` fetched (git-ignored with .helm/), reused by later runs."""
PULL_TIMEOUT = 60


def _pull(name: str, version: str) -> tuple[Path | None, str]:
    """(the chart pulled into :data:`PULLED_CHARTS`, or None; why not)."""
    path = PULLED_CHARTS / f"{name}-{version}.tgz"
    if path.is_file():
        return path, ""
    url = CHART_REPOSITORIES.get(name)
    if url is None:
        return None, "no chart repository known for it"
    PULLED_CHARTS.mkdir(parents=True, exist_ok=True)
    with file_lock(PULLED_CHARTS / ".pull.lock"), tempfile.TemporaryDirectory(prefix="helm-pull-") as tmp:
        if path.is_file():
            return path, ""
        env = {**os.environ, "HOME": tmp, "HELM_CACHE_HOME": f"{tmp}/cache", "HELM_CONFIG_HOME": f"{tmp}/config",
               "HELM_DATA_HOME": f"{tmp}/data"}
        args = [helm_binary(), "pull", name, "--repo", url, "--version", version, "--destination", f"{tmp}/out"]
        try:
            proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=PULL_TIMEOUT)
        except subprocess.TimeoutExpired:
            return None, f"helm pull from {url} timed out after {PULL_TIMEOUT}s"
        got = Path(tmp, "out", path.name)
        if proc.returncode != 0 or not got.is_file():
            return None, f"helm pull from {url} failed: {(proc.stderr or proc.stdout).strip()[-300:]}"
        shutil.move(got, path.with_suffix(".part"))
        os.replace(path.with_suffix(".part"), path)
    return path, ""


def chart_archive(name: str, version: str) -> Path:
    """``<name>-<version>.tgz`` from the chart cache, sha256-checked; else ``helm pull`` from the chart's
    repository into :data:`PULLED_CHARTS`; else skip with the reason (CI=true: fail)."""
    directory = charts_dir()
    path = directory / f"{name}-{version}.tgz" if directory else None
    if path is None or not path.is_file():
        path, why = _pull(name, version)
        if path is None:
            skip_or_fail(f"{name} {version} not in ${CHARTS_ENV} or ../shared/charts, and {why} "
                         "(see docs/rendering.md)")
    assert path is not None
    expected = _sums(path.parent).get(path.name)
    if expected is not None:
        got = hashlib.sha256(path.read_bytes()).hexdigest()
        assert got == expected, f"{path}: sha256 {got}, SHA256SUMS says {expected}"
    return path


# --- Terraform evaluation of helm_release arguments ---------------------------------------------------------

_REMOTE = re.compile(r"data\.terraform_remote_state\.([\w-]+)\.outputs\.([\w-]+)")
_VAR = re.compile(r"(?<![\w.])var\.([A-Za-z_][\w-]*)")
_SECRET = re.compile(r"data\.aws_secretsmanager_secret_version\.([\w-]+)\.secret_string")
_REF = re.compile(r"\$\{(?:data\.)?([a-z0-9_]+)\.([\w-]+)\.([a-z_]+)((?:\[\d+\]|\.[a-z_]+)*)\}")
_LOCAL_RESOURCE = re.compile(r"(?<![\w.])(kubernetes_[a-z0-9_]+)\.([\w-]+)((?:\.[a-z_]+|\[\d+\])+)")
_HASH = re.compile(r"_[0-9A-F]{8}$")
_ARN_SERVICE = {"iam": "iam", "acm": "acm", "kms": "kms", "secretsmanager": "secretsmanager", "sqs": "sqs"}


def _short(name: str) -> str:
    return _HASH.sub("", name).lower().replace("_", "-")


def sample_for(resource_type: str, name: str, attribute: str) -> str:
    """The sample value of ``<resource_type>.<name>.<attribute>`` (deterministic, shaped like the real one)."""
    short, digest = _short(name), hashlib.sha256(f"{resource_type}.{name}".encode()).hexdigest()
    service = resource_type.split("_")[1]
    if attribute in ("arn", "certificate_arn", "secret_id"):
        if service == "iam":
            return f"arn:aws:iam::{ACCOUNT}:role/{short}"
        if service == "acm":
            return f"arn:aws:acm:us-west-2:{ACCOUNT}:certificate/{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
        return f"arn:aws:{_ARN_SERVICE.get(service, service)}:us-west-2:{ACCOUNT}:{short}"
    if attribute in ("endpoint", "primary_endpoint_address", "address"):
        host = f"{short}.sample.us-west-2.amazonaws.com"
        return f"https://{host}" if resource_type == "aws_eks_cluster" else host
    if attribute == "id":
        prefix = {"aws_security_group": "sg", "aws_vpc": "vpc", "aws_subnet": "subnet", "aws_efs_file_system": "fs"}
        return f"{prefix[resource_type]}-{digest[:17]}" if resource_type in prefix else short
    if attribute == "data":
        return "c2FtcGxlLWNh"
    if attribute == "registry_id":
        return ACCOUNT
    if attribute in ("client_id", "principal_id", "tenant_id"):
        return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
    return short  # name, bucket, ...


def infra_samples(stacks: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """stack id -> {output name: sample}, from each stack's ``output`` expressions."""
    out: dict[str, dict[str, Any]] = {}
    for stack_id, stack in stacks.items():
        samples: dict[str, Any] = {}
        for name, output in stack.get("output", {}).items():
            value = output.get("value")
            if isinstance(value, str):
                sample = _REF.sub(lambda m: sample_for(m.group(1), m.group(2), (m.group(4) or m.group(3)).split(".")[-1]), value)
                # An expression (a function call) rather than a reference: an opaque sample of its own.
                samples[name] = sample if "${" not in sample else f"sample-{_short(name)[-40:]}"
        out[stack_id] = samples
    return out


def find_sample(samples: dict[str, Any], resource_type: str, attribute: str) -> str:
    """The sample of the (only) output reading ``<resource_type>.*.<attribute>`` directly."""
    found = {v for k, v in samples.items() if k.startswith(f"cross-stack-output-{resource_type}") and k.endswith(attribute)}
    assert len(found) == 1, (resource_type, attribute, found)
    return found.pop()


def _remote_stack(stack: dict[str, Any], data_name: str) -> str:
    config = stack["data"]["terraform_remote_state"][data_name]["config"]
    path = config.get("path") or config.get("key", "")
    return Path(path).name.removeprefix("terraform.").removesuffix(".tfstate")


@dataclass
class Release:
    address: str
    """The construct path's last part (``wandb``, ``aws-load-balancer-controller``, ...)."""
    name: str
    chart: str
    version: str | None
    namespace: str
    values: list[dict[str, Any]]
    sets: list[tuple[str, str]] = field(default_factory=list)


def evaluate_releases(terraform: str, stacks: dict[str, dict[str, Any]], stack_id: str, stack_dir: Path,
                      variables: dict[str, str] | None = None, secrets: dict[str, str] | None = None) -> dict[str, Release]:
    """Every ``helm_release`` of ``stack_id`` with its arguments as Terraform evaluates them (module docstring)."""
    return evaluate_stack(terraform, stacks, stack_id, stack_dir, variables, secrets)[0]


SECRET_RESOURCES = ("kubernetes_secret_v1", "kubernetes_secret")


def evaluate_stack(terraform: str, stacks: dict[str, dict[str, Any]], stack_id: str, stack_dir: Path,
                   variables: dict[str, str] | None = None, secrets: dict[str, str] | None = None
                   ) -> tuple[dict[str, Release], list[dict[str, Any]]]:
    """(:func:`evaluate_releases`, the stack's own Kubernetes Secrets as manifests): a ``kubernetes_secret_v1``'s
    ``data`` evaluated by the same Terraform run and base64-encoded, as the provider sends it (its docs: "data -
    Map of the secret data", plain values, encoded by the provider; ``binary_data`` is already base64)."""
    stack = stacks[stack_id]
    samples = infra_samples(stacks)
    variables = {**SAMPLE_VARS, **(variables or {})}
    secret_values = {**SAMPLE_SECRETS, **(secrets or {})}
    secret_names = stack.get("data", {}).get("aws_secretsmanager_secret_version", {})
    remote: dict[str, Any] = {}
    for data_name in stack.get("data", {}).get("terraform_remote_state", {}):
        remote[data_name] = samples[_remote_stack(stack, data_name)]

    def secret_for(name: str) -> str:
        return secret_values["redis"] if "redis" in name else secret_values["default"]

    def local_attribute(m: re.Match[str]) -> str:
        """A literal argument of a resource in this stack (e.g. a kubernetes_secret_v1's metadata[0].name)."""
        value: Any = stack["resource"][m.group(1)][m.group(2)]
        for step in re.findall(r"\.([\w-]+)|\[(\d+)\]", m.group(3)):
            if step[0]:
                value = value[step[0]]
            elif isinstance(value, list):
                value = value[int(step[1])]
            # else: a block the JSON holds as an object (metadata[0] -> metadata)
        assert isinstance(value, str | int | bool) and "${" not in str(value), (m.group(0), value)
        return json.dumps(value)

    def substitute(expr: str) -> str:
        expr = _LOCAL_RESOURCE.sub(local_attribute, expr)
        expr = _REMOTE.sub(lambda m: f'local.remote["{m.group(1)}"]["{m.group(2)}"]', expr)
        expr = _SECRET.sub(lambda m: f'local.secrets["{m.group(1)}"]', expr)
        return _VAR.sub(lambda m: f'local.vars["{m.group(1)}"]', expr)

    releases = stack["resource"].get("helm_release", {})
    outputs: dict[str, Any] = {}
    for key, rel in releases.items():
        sets = [*(rel.get("set") or []), *(rel.get("set_sensitive") or [])]
        outputs[key] = {"value": {
            "values": [substitute(v) for v in (rel.get("values") or [])],
            "sets": [[s["name"], substitute(str(s["value"]))] for s in sets],
        }}
    secret_resources = [(kind, key, res) for kind in SECRET_RESOURCES
                        for key, res in stack["resource"].get(kind, {}).items()]
    for kind, key, res in secret_resources:
        outputs[f"{kind}__{key}"] = {"value": {
            "data": {k: substitute(str(v)) for k, v in (res.get("data") or {}).items()},
            "binary_data": {k: substitute(str(v)) for k, v in (res.get("binary_data") or {}).items()},
        }}
    module = {"locals": {"remote": remote, "vars": variables,
                         "secrets": {n: secret_for(n) for n in secret_names}},
              "output": outputs}
    with tempfile.TemporaryDirectory(prefix="render-tf-") as tmp:
        Path(tmp, "main.tf.json").write_text(json.dumps(module))
        env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
        env["TF_IN_AUTOMATION"] = "1"
        apply = subprocess.run([terraform, "apply", "-auto-approve", "-input=false", "-no-color"], cwd=tmp, env=env,
                               capture_output=True, text=True, timeout=120)
        problems = "\n".join(line for line in apply.stderr.splitlines() if not line.lstrip().startswith("1: "))
        assert apply.returncode == 0, f"terraform could not evaluate {stack_id}'s helm_release arguments:\n{problems}"
        got = subprocess.run([terraform, "output", "-json"], cwd=tmp, env=env, capture_output=True, text=True, timeout=60)
        assert got.returncode == 0, got.stderr
        evaluated = {k: v["value"] for k, v in json.loads(got.stdout).items()}
    out: dict[str, Release] = {}
    for key, rel in releases.items():
        chart = rel["chart"]
        if chart.startswith("assets/"):
            chart = str(stack_dir / chart)
        address = rel["//"]["metadata"]["path"].rsplit("/", 1)[-1]
        out[address] = Release(
            address=address, name=rel["name"], chart=chart, version=rel.get("version"),
            namespace=rel.get("namespace", "default"),
            values=[yaml.safe_load(doc) or {} for doc in evaluated[key]["values"]],
            sets=[(n, v) for n, v in evaluated[key]["sets"]],
        )
    manifests: list[dict[str, Any]] = []
    for kind, key, res in secret_resources:
        meta = res["metadata"][0] if isinstance(res["metadata"], list) else res["metadata"]
        value = evaluated[f"{kind}__{key}"]
        data = {k: base64.b64encode(str(v).encode()).decode() for k, v in value["data"].items()}
        data.update(value["binary_data"])
        manifests.append({"apiVersion": "v1", "kind": "Secret", "type": res.get("type", "Opaque"),
                          "metadata": {"name": meta["name"], "namespace": meta.get("namespace", "default")},
                          "data": data})
    return out, manifests


# --- Helm ---------------------------------------------------------------------------------------------------


def helm_template(chart: Path, release: str, namespace: str, kube_version: str, values: list[dict[str, Any]],
                  sets: list[tuple[str, str]] = (), fresh: str = "") -> list[dict[str, Any]]:  # type: ignore[assignment]
    """``helm template`` (with CRDs) -> the objects, cached in the run's cache by every input (``fresh``: a
    different value renders again, e.g. to see what a chart generates at random on every render)."""
    helm = helm_binary()
    payload = json.dumps([str(chart), _tree_digest(chart), release, namespace, kube_version, values, list(sets), fresh],
                         sort_keys=True, default=str)
    key = hashlib.sha256(payload.encode()).hexdigest()[:24]
    cache = cache_root() / "render"
    cache.mkdir(exist_ok=True)
    hit = cache / f"{key}.json"
    with file_lock(cache / f"{key}.lock"):
        if not hit.exists():
            with tempfile.TemporaryDirectory(prefix="helm-") as tmp:
                args = [helm, "template", release, str(chart), "-n", namespace, "--kube-version", kube_version,
                        "--include-crds"]
                for i, doc in enumerate(values):
                    path = Path(tmp, f"values-{i}.yaml")
                    path.write_text(yaml.safe_dump(doc))
                    args += ["-f", str(path)]
                for name, value in sets:
                    args += ["--set", f"{name}={value}"]
                env = {**os.environ, "HOME": tmp, "HELM_CACHE_HOME": f"{tmp}/cache",
                       "HELM_CONFIG_HOME": f"{tmp}/config", "HELM_DATA_HOME": f"{tmp}/data"}
                proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
            assert proc.returncode == 0, f"helm template {chart.name} failed:\n{proc.stderr}"
            objects = []
            for doc in yaml.safe_load_all(proc.stdout):
                if doc and doc.get("kind") == "List":  # Helm's kube client flattens a v1 List into its items
                    objects.extend(doc.get("items") or [])
                elif doc:
                    objects.append(doc)
            hit.write_text(json.dumps(objects))
    return json.loads(hit.read_text())


def _tree_digest(chart: Path) -> str:
    if chart.is_file():
        return hashlib.sha256(chart.read_bytes()).hexdigest()
    h = hashlib.sha256()
    for p in sorted(chart.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(chart)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def render_release(rel: Release, kube_version: str) -> list[dict[str, Any]]:
    """Render a helm_release as Terraform's helm provider would install it."""
    chart = Path(rel.chart) if rel.version is None else chart_archive(rel.chart, rel.version)
    return helm_template(chart, rel.name, rel.namespace, kube_version, rel.values, rel.sets)


# --- the operator's merge (wandb/operator v1.20.0) ------------------------------------------------------------


def operator_merge(first: Any, second: Any) -> Any:
    """wandb/operator pkg/utils/merge.go ``Merge``: maps merge key by key, ``first`` wins on a scalar, lists are
    concatenated (``first``'s items, then ``second``'s). Written from its behaviour, for the merge below."""
    if isinstance(first, dict) and isinstance(second, dict):
        out = copy.deepcopy(first)
        for k, v in second.items():
            out[k] = operator_merge(out[k], v) if k in out else copy.deepcopy(v)
        return out
    if isinstance(first, list) and isinstance(second, list):
        return [*copy.deepcopy(first), *copy.deepcopy(second)]
    return copy.deepcopy(first)


def operator_values(cr_spec_values: dict[str, Any], operator_namespace: str, channel: dict[str, Any] | None = None
                    ) -> dict[str, Any]:
    """The values the operator gives operator-wandb: the CR's ``spec.values`` first, then System Console input
    (none), then the channel's spec (offline: assumed empty), then ``operator.Defaults`` (``global.operator``)
    (controllers/weightsandbiases_controller.go at v1.20.0, the "First takes precedence" merges)."""
    defaults = {"global": {"operator": {"apiVersion": "apps.wandb.com/v1", "namespace": operator_namespace}}}
    merged = operator_merge(cr_spec_values, {})
    merged = operator_merge(merged, channel or {})
    return operator_merge(merged, defaults)


# --- validation ---------------------------------------------------------------------------------------------


def _strict(schema: Any) -> Any:
    """A CRD's structural schema as a JSON schema that refuses fields it does not declare (the API server
    prunes them), unless the CRD preserves unknown fields there."""
    if isinstance(schema, dict):
        out = {k: _strict(v) for k, v in schema.items() if not k.startswith("x-kubernetes-")}
        if (schema.get("type") == "object" and "properties" in schema and "additionalProperties" not in schema
                and not schema.get("x-kubernetes-preserve-unknown-fields")):
            out["additionalProperties"] = False
        if schema.get("x-kubernetes-int-or-string"):
            out.pop("type", None)
            out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
        return out
    if isinstance(schema, list):
        return [_strict(v) for v in schema]
    return schema


def crd_schemas(objects: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """(apiVersion, kind) -> strict schema, for every CRD among ``objects``."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for obj in objects:
        if obj.get("kind") != "CustomResourceDefinition":
            continue
        spec = obj["spec"]
        for version in spec["versions"]:
            schema = copy.deepcopy(version["schema"]["openAPIV3Schema"])
            schema.setdefault("properties", {})["metadata"] = {"type": "object"}
            out[(f"{spec['group']}/{version['name']}", spec["names"]["kind"])] = _strict(schema)
    return out


def validation_errors(objects: list[dict[str, Any]], kube_version: str,
                      crds: dict[tuple[str, str], dict[str, Any]] | None = None) -> list[str]:
    """``kind/name: problem`` for every object that is not valid at ``kube_version`` (strict)."""
    import jsonschema
    import kubernetes_validate

    crds = {**crd_schemas(objects), **(crds or {})}
    errors: list[str] = []
    for obj in objects:
        label = f"{obj.get('kind')}/{obj.get('metadata', {}).get('name')}"
        key = (obj.get("apiVersion", ""), obj.get("kind", ""))
        if key in crds:
            try:
                jsonschema.validate(obj, crds[key])
            except jsonschema.ValidationError as exc:
                errors.append(f"{label}: {exc.message} at {'/'.join(map(str, exc.absolute_path))}")
            continue
        try:
            kubernetes_validate.validate(obj, kube_version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            errors.append(f"{label}: {exc.message} at {'/'.join(map(str, exc.path))}")
        except kubernetes_validate.SchemaNotFoundError:
            errors.append(f"{label}: no schema for {key} at Kubernetes {kube_version} and no CRD rendered")
    return errors


# --- reading rendered objects -------------------------------------------------------------------------------


def by_kind(objects: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in objects if o.get("kind") == kind}


POD_OWNERS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod")


def pod_spec(obj: dict[str, Any]) -> dict[str, Any]:
    if obj["kind"] == "Pod":
        return obj["spec"]
    if obj["kind"] == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return obj["spec"]["template"]["spec"]


def containers(obj: dict[str, Any]) -> list[dict[str, Any]]:
    spec = pod_spec(obj)
    return [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]


def referenced(obj: dict[str, Any]) -> set[tuple[str, str, bool]]:
    """(kind, name, optional) of every Secret/ConfigMap the pod reads (env, envFrom, volumes, pull secrets)."""
    out: set[tuple[str, str, bool]] = set()
    spec = pod_spec(obj)
    for c in containers(obj):
        for e in (c.get("env") or []):
            src = e.get("valueFrom", {})
            for kind, ref in (("Secret", src.get("secretKeyRef")), ("ConfigMap", src.get("configMapKeyRef"))):
                if ref:
                    out.add((kind, ref["name"], bool(ref.get("optional"))))
        for e in (c.get("envFrom") or []):
            for kind, ref in (("Secret", e.get("secretRef")), ("ConfigMap", e.get("configMapRef"))):
                if ref:
                    out.add((kind, ref["name"], bool(ref.get("optional"))))
    for v in (spec.get("volumes") or []):
        if "secret" in v:
            out.add(("Secret", v["secret"]["secretName"], bool(v["secret"].get("optional"))))
        if "configMap" in v:
            out.add(("ConfigMap", v["configMap"]["name"], bool(v["configMap"].get("optional"))))
        for s in v.get("projected", {}).get("sources", []):
            if "secret" in s:
                out.add(("Secret", s["secret"]["name"], bool(s["secret"].get("optional"))))
            if "configMap" in s:
                out.add(("ConfigMap", s["configMap"]["name"], bool(s["configMap"].get("optional"))))
    for s in (spec.get("imagePullSecrets") or []):
        out.add(("Secret", s["name"], False))
    return out


def resolve_env(obj: dict[str, Any], container: str, objects: list[dict[str, Any]]) -> dict[str, str]:
    """The container's environment as the kubelet builds it: envFrom, then env (``valueFrom`` read from the
    rendered ConfigMap/Secret), then ``$(VAR)`` expanded from earlier variables."""
    config_maps, secrets = by_kind(objects, "ConfigMap"), by_kind(objects, "Secret")

    def secret_value(name: str, key: str) -> str | None:
        s = secrets.get(name)
        if s is None:
            return None
        if key in (s.get("stringData") or {}):
            return str(s["stringData"][key])
        if key in (s.get("data") or {}):
            return base64.b64decode(s["data"][key] or "").decode()
        return None

    [c] = [c for c in pod_spec(obj)["containers"] if c["name"] == container]
    env: dict[str, str] = {}
    for e in (c.get("envFrom") or []):
        if "configMapRef" in e:
            env.update({k: str(v) for k, v in (config_maps.get(e["configMapRef"]["name"], {}).get("data") or {}).items()})
        if "secretRef" in e:
            s = secrets.get(e["secretRef"]["name"], {})
            env.update({k: base64.b64decode(v or "").decode() for k, v in (s.get("data") or {}).items()})
            env.update({k: str(v) for k, v in (s.get("stringData") or {}).items()})
    for e in (c.get("env") or []):
        if "value" in e:
            value = re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", lambda m: env.get(m.group(1), m.group(0)), str(e["value"]))
            env[e["name"]] = value
            continue
        src = e.get("valueFrom", {})
        if "configMapKeyRef" in src:
            ref = src["configMapKeyRef"]
            got = (config_maps.get(ref["name"], {}).get("data") or {}).get(ref["key"])
        elif "secretKeyRef" in src:
            ref = src["secretKeyRef"]
            got = secret_value(ref["name"], ref["key"])
        else:
            got = None  # fieldRef/resourceFieldRef: known to the kubelet only
        env[e["name"]] = got if got is not None else f"<{e['name']} from the cluster>"
    return env


def pod_template_digest(obj: dict[str, Any]) -> str:
    """What decides whether a change restarts the pods: the pod template (Deployment/StatefulSet/DaemonSet)."""
    template = obj["spec"]["template"] if obj["kind"] in ("Deployment", "StatefulSet", "DaemonSet") else pod_spec(obj)
    return hashlib.sha256(json.dumps(template, sort_keys=True).encode()).hexdigest()


# --- one configuration, rendered ------------------------------------------------------------------------------

DEFAULT_CONFIG = REPO / "src" / "wandb_cdktf" / "config" / "example.yaml"
CONFIGS: dict[str, Path] = {"default": DEFAULT_CONFIG}
"""The operator-stack configurations the render tests cover: the default and every post-operator example."""
for _path in sorted((REPO / "examples").glob("*.yaml")):
    if (yaml.safe_load(_path.read_text()) or {}).get("deployment") == "post-operator":
        CONFIGS[_path.stem] = _path

HIDDEN_LABEL = "security:"
SAMPLE_ENV = {"WBTEST_STORE_KEY": "sample-store-key", "WBTEST_STORE_SECRET": "sample-store-secret"}
"""The environment the security gate's file-stores configuration reads its store credentials from at synth time."""


def _hidden_configs() -> dict[str, dict[str, Any]]:
    """The security gate's hidden-configuration corpus (tests/_security_support.py: ``_platform_configs()`` and
    the secret scan's ``FILE_STORES_CONFIG``) that has an ``<ns>-operator`` stack (post-operator), except the one
    equal to the embedded default (rendered as ``default``)."""
    from _security_support import FILE_STORES_CONFIG, _platform_configs

    default = yaml.safe_load(DEFAULT_CONFIG.read_text())
    corpus = {**_platform_configs(), "file-stores": FILE_STORES_CONFIG}
    return {f"{HIDDEN_LABEL}{label}": data for label, data in corpus.items()
            if data != default and config_from_mapping(copy.deepcopy(data), source=label).deployment == "post-operator"}


HIDDEN_CONFIGS = _hidden_configs()


def config_source(name: str) -> Path | dict[str, Any]:
    """The file (:data:`CONFIGS`) or mapping (:data:`HIDDEN_CONFIGS`) called ``name``."""
    return CONFIGS.get(name) or HIDDEN_CONFIGS[name]


def load(name: str) -> WandbConfig:
    source = config_source(name)
    return load_config(source) if isinstance(source, Path) else config_from_mapping(copy.deepcopy(source), source=name)


@dataclass
class Rendered:
    name: str
    config: WandbConfig
    synth: Synth
    stack_id: str
    releases: dict[str, Release]
    objects: dict[str, list[dict[str, Any]]]
    """construct id of the release -> its rendered objects."""
    wandb: list[dict[str, Any]]
    """operator-wandb rendered with the values the operator would give it."""
    cr: dict[str, Any]
    samples: dict[str, Any]
    """The infra stack's outputs as sampled."""
    secrets: list[dict[str, Any]]
    """The stack's own Kubernetes Secrets (kubernetes_secret_v1), as manifests with evaluated data."""

    @property
    def kube(self) -> str:
        return self.config.eks_cluster_version or EXTERNAL_CLUSTER_MINOR

    def deployment_of(self, container: str) -> dict[str, Any]:
        found = [d for d in by_kind(self.wandb, "Deployment").values()
                 if container in {c["name"] for c in pod_spec(d)["containers"]}]
        assert len(found) == 1, f"{self.name}: {len(found)} Deployments run a `{container}` container"
        return found[0]

    def app_env(self, component: str = "app") -> dict[str, str]:
        """The container's env, reading the Secrets of the chart and of our stack."""
        return resolve_env(self.deployment_of(component), component, [*self.wandb, *self.secrets])


def render_config(name: str, path: Path | dict[str, Any], variables: dict[str, str] | None = None,
                  secrets: dict[str, str] | None = None) -> Rendered:
    """``path``: a configuration file, or a mapping (:data:`HIDDEN_CONFIGS`, synthesized with :data:`SAMPLE_ENV`)."""
    if isinstance(path, dict):
        with environ(SAMPLE_ENV):
            config = config_from_mapping(copy.deepcopy(path), source=name)
            synth = synth_mapping(path, source=name)
    else:
        config = load_config(path)
        synth = synth_file(path)
    [stack_id] = [s for s in synth.stacks if s.endswith("-operator")]
    releases, own_secrets = evaluate_stack(find_terraform(), synth.stacks, stack_id, synth.stack_dir(stack_id),
                                           variables=variables, secrets=secrets)
    kube = config.eks_cluster_version or EXTERNAL_CLUSTER_MINOR
    objects = {address: render_release(rel, kube) for address, rel in releases.items()}
    [cr] = [o for o in objects["wandb"] if o["kind"] == "WeightsAndBiases"]
    values = operator_values(cr["spec"]["values"], config.operator_namespace)
    wandb = helm_template(chart_archive(*OPERATOR_WANDB_CHART), cr["metadata"]["name"],
                          releases["wandb"].namespace, kube, [values])
    samples = infra_samples(synth.stacks)[stack_id.removesuffix("-operator") + "-infra"]
    return Rendered(name, config, synth, stack_id, releases, objects, wandb, cr, samples, own_secrets)


def render_cache() -> Callable[[str], Rendered]:
    """name -> its :class:`Rendered`, each configuration rendered once for the holder (a module fixture)."""
    cache: dict[str, Rendered] = {}

    def get(name: str) -> Rendered:
        if name not in cache:
            cache[name] = render_config(name, config_source(name))
        return cache[name]

    return get


def find_terraform() -> str:
    from wandb_cdktf.testing import find_terraform as find

    tf = find() or shutil.which("terraform")
    if not tf:
        skip_or_fail("no Terraform CLI: the helm_release values are evaluated by Terraform")
    assert tf
    return tf
