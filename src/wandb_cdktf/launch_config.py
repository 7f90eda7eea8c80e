"""Build, render and check the W&B Launch agent's ``launch-config.yaml`` (pure Python).

The document follows the agent's own schema (``wandb.sdk.launch.agent.config.AgentConfig``):

- ``environment``: ``type`` aws|gcp|azure and ``region`` (gcp also ``project``);
- ``builder``: ``type`` docker|kaniko|noop, ``destination`` (the image repository:
  ``<account>.dkr.ecr.<region>.amazonaws.com/<repo>``, ``<region>-docker.pkg.dev/<project>/<repo>/<image>``
  or ``<name>.azurecr.io/<repo>``) and, for kaniko, ``build-context-store``
  (``s3://``, ``gs://`` or ``https://<account>.blob.core.windows.net/<container>``);
- optional ``queues``, ``entity``, ``max_jobs``.

Values may be CDKTF tokens (unknown until apply, e.g. the ECR repository URL).
:func:`render_yaml` writes every string double-quoted on one line, so a token
resolves to a Terraform interpolation inside a quoted YAML scalar, which stays
valid YAML whatever the value. :func:`validate_launch_config` treats an
unresolved token as "any value of the right shape".
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Literal, get_args

EnvironmentType = Literal["aws", "gcp", "azure"]
BuilderType = Literal["docker", "kaniko", "noop"]

ENVIRONMENT_TYPES: tuple[EnvironmentType, ...] = get_args(EnvironmentType)
BUILDER_TYPES: tuple[BuilderType, ...] = get_args(BuilderType)
# Top-level keys the agent accepts (its AgentConfig forbids any other key).
AGENT_KEYS = frozenset(
    {"queues", "entity", "max_jobs", "max_schedulers", "secure_mode", "registry", "environment", "builder", "verbosity", "stopped_run_timeout"}
)
BUILDER_KEYS = frozenset(
    {"type", "destination", "platform", "build-context-store", "build-job-name", "secret-name", "secret-key", "kaniko-image"}
)

# The agent's own patterns (wandb.sdk.launch.utils), anchored at the start as the agent's re.match is.
_S3_RE = re.compile(r"^s3://([^/]+)(/(.*))?$")
_GCS_RE = re.compile(r"^gs://([^/]+)(?:/(.*))?$")
_AZURE_BLOB_RE = re.compile(r"^https://([^\.]+)\.blob\.core\.windows\.net/([^/]+)/?(.*)$")
_ECR_RE = re.compile(r"^(?:https://)?(?P<account>[\w-]+)\.dkr\.ecr\.(?P<region>[\w-]+)\.amazonaws\.com/(?P<repository>[./\w-]+)$")
_GAR_RE = re.compile(r"^(?:https://)?(?P<region>[\w-]+)-docker\.pkg\.dev/(?P<project>[\w-]+)/(?P<repository>[\w-]+)/(?P<image>[\w-]+)$")
_ACR_RE = re.compile(r"^(?:https://)?(?P<registry>\w+)\.azurecr\.io/(?P<repository>[\w-]+)$")
_CONTEXT_STORES = {"aws": (_S3_RE, "s3://<bucket>/<prefix>"), "gcp": (_GCS_RE, "gs://<bucket>/<prefix>"),
                   "azure": (_AZURE_BLOB_RE, "https://<account>.blob.core.windows.net/<container>/<prefix>")}
_DESTINATIONS = {"aws": (_ECR_RE, "<account>.dkr.ecr.<region>.amazonaws.com/<repository>"),
                 "gcp": (_GAR_RE, "<region>-docker.pkg.dev/<project>/<repository>/<image>"),
                 "azure": (_ACR_RE, "<registry>.azurecr.io/<repository>")}

# Unresolved values: CDKTF tokens before synthesis, Terraform interpolations after it.
_UNRESOLVED_RE = re.compile(r"\$\{[^}]*\}")
_PLACEHOLDER = "unresolved0"


class LaunchConfigError(ValueError):
    """The document would be rejected (or misread) by the Launch agent."""


def build_launch_config(
    *,
    environment: EnvironmentType,
    region: str,
    builder: BuilderType,
    destination: str | None = None,
    build_context_store: str | None = None,
    project: str | None = None,
    queues: list[str] | None = None,
    entity: str | None = None,
    max_jobs: int | None = None,
    build_job_name: str | None = None,
    secret_name: str | None = None,
    secret_key: str | None = None,
) -> dict[str, Any]:
    """The launch-config document for one cloud, validated.

    ``build_job_name``, ``secret_name`` and ``secret_key`` are Kaniko builder keys
    (seed 003: ``build-job-name``, ``secret-name``, ``secret-key``; the agent's
    ``KanikoBuilder.from_config`` reads them).

    ``destination`` is ignored for the noop builder (it never pushes) and
    ``build_context_store`` is only written for kaniko (docker builds locally).
    """
    doc: dict[str, Any] = {}
    if queues:
        doc["queues"] = list(queues)
    if entity:
        doc["entity"] = entity
    if max_jobs is not None:
        doc["max_jobs"] = max_jobs
    env: dict[str, Any] = {"type": environment, "region": region}
    if project is not None:
        env["project"] = project
    doc["environment"] = env
    build: dict[str, Any] = {"type": builder}
    if builder != "noop" and destination is not None:
        build["destination"] = destination
    if builder == "kaniko" and build_context_store is not None:
        build["build-context-store"] = build_context_store
    if builder == "kaniko":
        for key, value in (("build-job-name", build_job_name), ("secret-name", secret_name), ("secret-key", secret_key)):
            if value is not None:
                build[key] = value
    doc["builder"] = build
    validate_launch_config(doc, allow_unresolved=True)
    return doc


def validate_launch_config(doc: Mapping[str, Any], *, allow_unresolved: bool = False) -> None:
    """Raise :class:`LaunchConfigError` unless ``doc`` is a launch-config the agent accepts and can use.

    Checks the agent's keys and enums, that ``environment`` has a ``region`` (and
    ``project`` on gcp), that ``builder.destination`` is a registry of the same
    cloud and region, and that kaniko has a ``build-context-store`` of the same
    cloud. With ``allow_unresolved``, ``${...}`` placeholders count as valid values.
    """

    def val(value: Any, where: str) -> str:
        if not isinstance(value, str) or not value:
            raise LaunchConfigError(f"{where} must be a non-empty string, got {value!r}")
        if _UNRESOLVED_RE.search(value):
            if not allow_unresolved:
                raise LaunchConfigError(f"{where} is not resolved: {value!r}")
            return _UNRESOLVED_RE.sub(_PLACEHOLDER, value)
        return value

    if not isinstance(doc, Mapping):
        raise LaunchConfigError(f"launch-config must be a mapping, got {type(doc).__name__}")
    unknown = sorted(set(doc) - AGENT_KEYS)
    if unknown:
        raise LaunchConfigError(f"unknown top-level key(s) {unknown}; the agent accepts {sorted(AGENT_KEYS)}")
    env = doc.get("environment")
    if not isinstance(env, Mapping):
        raise LaunchConfigError("environment must be a mapping with type and region")
    etype = env.get("type")
    if etype not in ENVIRONMENT_TYPES:
        raise LaunchConfigError(f"environment.type must be one of {', '.join(ENVIRONMENT_TYPES)}, got {etype!r}")
    region = val(env.get("region"), "environment.region")
    if etype == "gcp":
        val(env.get("project"), "environment.project")
    builder = doc.get("builder")
    if not isinstance(builder, Mapping):
        raise LaunchConfigError("builder must be a mapping with a type")
    extra = sorted(set(builder) - BUILDER_KEYS)
    if extra:
        raise LaunchConfigError(f"unknown builder key(s) {extra}; allowed: {sorted(BUILDER_KEYS)}")
    btype = builder.get("type")
    if btype not in BUILDER_TYPES:
        raise LaunchConfigError(f"builder.type must be one of {', '.join(BUILDER_TYPES)}, got {btype!r}")
    if "destination" in builder:
        dest = val(builder["destination"], "builder.destination")
        regex, shape = _DESTINATIONS[etype]
        m = regex.match(dest)
        if not m:
            raise LaunchConfigError(f"builder.destination must look like {shape} for environment {etype}, got {dest!r}")
        if etype in ("aws", "gcp") and m.group("region") != _PLACEHOLDER and region != _PLACEHOLDER and m.group("region") != region:
            raise LaunchConfigError(f"builder.destination is in region {m.group('region')!r}, the environment in {region!r}")
        if etype == "gcp":
            project = val(env.get("project"), "environment.project")
            if _PLACEHOLDER not in (m.group("project"), project) and m.group("project") != project:
                raise LaunchConfigError(f"builder.destination is in project {m.group('project')!r}, the environment in {project!r}")
    elif btype in ("docker", "kaniko") and "registry" not in doc:
        raise LaunchConfigError(f"builder.destination is required for the {btype} builder (where built images are pushed)")
    if "registry" in doc:
        # Seed 003 writes the registry as a top-level block {type: ecr|gcr|acr, uri}; the agent still reads it but
        # warns that it is deprecated in favour of builder.destination (which is what build_launch_config writes).
        reg = doc["registry"]
        if not isinstance(reg, Mapping):
            raise LaunchConfigError("registry must be a mapping with type and uri")
        want = {"aws": "ecr", "gcp": "gcr", "azure": "acr"}[etype]
        if reg.get("type") != want:
            raise LaunchConfigError(f"registry.type must be {want!r} for environment {etype}, got {reg.get('type')!r}")
        uri = val(reg.get("uri"), "registry.uri")
        regex, shape = _DESTINATIONS[etype]
        if not regex.match(uri):
            raise LaunchConfigError(f"registry.uri must look like {shape} for environment {etype}, got {uri!r}")
        if "destination" in builder:
            raise LaunchConfigError("set builder.destination or the deprecated registry block, not both")
    if btype == "kaniko":
        if "build-context-store" not in builder:
            raise LaunchConfigError("builder.build-context-store is required for the kaniko builder")
        store = val(builder["build-context-store"], "builder.build-context-store")
        regex, shape = _CONTEXT_STORES[etype]
        if not regex.match(store):
            raise LaunchConfigError(f"builder.build-context-store must look like {shape} for environment {etype}, got {store!r}")
    elif "build-context-store" in builder:
        raise LaunchConfigError(f"builder.build-context-store is only used by the kaniko builder, not {btype}")
    for key in ("build-job-name", "secret-name", "secret-key"):
        if key in builder and btype != "kaniko":
            raise LaunchConfigError(f"builder.{key} is only used by the kaniko builder, not {btype}")
    if ("secret-name" in builder) != ("secret-key" in builder):
        raise LaunchConfigError("builder.secret-name and builder.secret-key go together (the secret and its key)")
    if "queues" in doc and (not isinstance(doc["queues"], list) or not all(isinstance(q, str) and q for q in doc["queues"])):
        raise LaunchConfigError("queues must be a list of queue names")
    if "max_jobs" in doc and (not isinstance(doc["max_jobs"], int) or isinstance(doc["max_jobs"], bool)):
        raise LaunchConfigError("max_jobs must be an integer")


def render_yaml(doc: Mapping[str, Any], indent: int = 0) -> str:
    """Block-style YAML with every string double-quoted on one line (token-safe, round-trips with yaml.safe_load)."""
    lines: list[str] = []
    _emit(doc, indent, lines)
    return "\n".join(lines) + "\n"


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid YAML double-quoted scalar
    raise TypeError(f"cannot render {type(value).__name__} in launch-config")


def _key(key: str) -> str:
    return key if re.match(r"^[A-Za-z_][A-Za-z0-9_./-]*$", key) else json.dumps(key)


def _emit(node: Any, indent: int, lines: list[str]) -> None:
    pad = " " * indent
    if isinstance(node, Mapping):
        for k, item in node.items():
            if (isinstance(item, Mapping) and item) or (isinstance(item, list) and item):
                lines.append(f"{pad}{_key(k)}:")
                _emit(item, indent + 2, lines)
            elif isinstance(item, (Mapping, list)):
                lines.append(f"{pad}{_key(k)}: {'{}' if isinstance(item, Mapping) else '[]'}")
            else:
                lines.append(f"{pad}{_key(k)}: {_scalar(item)}")
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, (Mapping, list)):
                raise TypeError("nested collections in lists are not used in launch-config")
            lines.append(f"{pad}- {_scalar(item)}")
    else:
        raise TypeError(f"cannot render {type(node).__name__} at top level")


def helm_values(
    launch_config_yaml: str,
    *,
    namespace: str,
    base_url: str,
    service_account_annotations: Mapping[str, str],
    agent_labels: Mapping[str, str] | None = None,
) -> str:
    """Values for the ``wandb/launch-agent`` chart: namespace, baseUrl, identity annotations/labels, launchConfig.

    The API key is deliberately absent: pass it with ``--set agent.apiKey=...`` or
    ``agent.useExternalWandbSecret``.
    """
    head: dict[str, Any] = {"namespace": namespace, "baseUrl": base_url}
    if agent_labels:
        head["agent"] = {"labels": dict(agent_labels)}
    head["serviceAccount"] = {"annotations": dict(service_account_annotations)}
    body = render_yaml(head)
    block = "".join(f"  {line}\n" if line else "\n" for line in launch_config_yaml.rstrip("\n").split("\n"))
    return body + "launchConfig: |\n" + block


if __name__ == "__main__":  # python -m wandb_cdktf.launch_config: the same as `wandb-cdktf launch-config`
    import sys

    from .cli import main

    sys.exit(main(["launch-config", *sys.argv[1:]]))
