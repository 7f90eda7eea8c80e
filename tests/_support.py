"""Helpers the test modules import (conftest only turns some of them into fixtures).

- :data:`BASE_CONFIG` / :func:`make_config`: the platform configuration most tests start from.
- :func:`synth_mapping` / :func:`synth_file`: synthesize a configuration once per *test run*, shared by
  every module and every pytest-xdist worker. Synthesis is most of the suite's CPU (jsii + Node per
  configuration), and the same configurations are used by the snapshot, validate, checkov, IAM and
  secret-scan tests, which xdist runs in different processes.
- :func:`validate_once`: ``terraform init`` + ``validate`` of a stack directory, once per run.

The cache lives under ``$WANDB_CDKTF_TEST_CACHE`` (conftest creates one per run in the controller
process, before xdist starts its workers, so all workers see the same directory). Entries are keyed by
the configuration's content and guarded by a file lock, so two workers never synthesize the same
configuration at once and a reader never sees a half-written directory.
"""

from __future__ import annotations

import copy
import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from wandb_cdktf.testing import TerraformEnv, load_stacks

CACHE_ENV = "WANDB_CDKTF_TEST_CACHE"

# The base platform configuration most tests start from (post-operator, new VPC).
BASE_CONFIG: dict[str, Any] = {
    "namespace": "wbtest",
    "region": "us-west-2",
    "domain_name": "example.com",
    "subdomain": "wandb",
    "zone_id": "Z0123456789EXAMPLE00",
    "allowed_inbound_cidr": ["0.0.0.0/0"],
    "allowed_inbound_ipv6_cidr": ["::/0"],
    "eks_cluster_version": "1.32",
}


def make_config(**overrides: Any) -> dict[str, Any]:
    """A deep copy of :data:`BASE_CONFIG` with ``overrides`` applied (top-level keys)."""
    data = copy.deepcopy(BASE_CONFIG)
    data.update(overrides)
    return data


class Synth:
    """The result of synthesizing one configuration: stack JSON and output directory."""

    def __init__(self, outdir: Path, stacks: dict[str, dict[str, Any]]) -> None:
        self.outdir = outdir
        self.stacks = stacks

    def stack(self, stack_id: str) -> dict[str, Any]:
        return self.stacks[stack_id]

    def stack_dir(self, stack_id: str) -> Path:
        return self.outdir / "stacks" / stack_id


def in_ci() -> bool:
    """``CI`` is set to a true value (as CI services and ``.ci/run`` callers do)."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    """Skip a test whose tool is missing, printing why; under ``CI=true`` fail instead.

    Only for tools this project installs or requires (Terraform, the hashicorp/aws mirror, moto,
    checkov, cdktf-cli): a CI run without them is a broken install, not a pass."""
    import pytest

    print(f"SKIP: {reason}")
    if in_ci():
        pytest.fail(f"CI=true and a required tool is missing: {reason}", pytrace=False)
    pytest.skip(reason)


def cache_root() -> Path:
    """The run's shared cache directory (created on first use when conftest did not set one)."""
    root = os.environ.get(CACHE_ENV)
    if not root:
        root = tempfile.mkdtemp(prefix="wandb-cdktf-tests-")
        os.environ[CACHE_ENV] = root
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive advisory lock on ``path`` (created if missing), across processes."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_IN_PROCESS: dict[str, Synth] = {}


def _cached(key: str, build: Any) -> Synth:
    """Synth for ``key``: from this process, else from disk, else ``build(outdir)`` under the lock."""
    if key in _IN_PROCESS:
        return _IN_PROCESS[key]
    root = cache_root() / "synth"
    root.mkdir(exist_ok=True)
    outdir, done = root / key, root / f"{key}.done"
    with file_lock(root / f"{key}.lock"):
        if not done.exists():
            build(outdir)
            done.touch()
    result = Synth(outdir, load_stacks(outdir))
    _IN_PROCESS[key] = result
    return result


def _key(kind: str, payload: str) -> str:
    return f"{kind}-{hashlib.sha256(payload.encode()).hexdigest()[:20]}"


def synth_mapping(data: dict[str, Any], source: str = "<test>") -> Synth:
    """Synthesize a configuration mapping (validated by the model) once per test run."""
    from wandb_cdktf.config import config_from_mapping
    from wandb_cdktf.testing import synth_to_dir

    frozen = copy.deepcopy(data)

    def build(outdir: Path) -> None:
        synth_to_dir(config_from_mapping(copy.deepcopy(frozen), source=source), outdir)

    return _cached(_key("map", json.dumps(frozen, sort_keys=True, default=str)), build)


def synth_file(path: Path) -> Synth:
    """Synthesize a configuration file (YAML, JSON or tfvars, as ``main.py`` loads it) once per run."""
    from wandb_cdktf.config import load_config
    from wandb_cdktf.testing import synth_to_dir

    path = Path(path).resolve()

    def build(outdir: Path) -> None:
        synth_to_dir(load_config(path), outdir)

    return _cached(_key("file", f"{path}\0{path.read_text()}"), build)


def validate_once(env: TerraformEnv, stack_dir: Path) -> tuple[bool, str]:
    """``terraform init -backend=false`` + ``validate -json`` of ``stack_dir``, once per run.

    Returns (ok, Terraform's diagnostics). The verdict is stored beside the stack directory, so another
    worker (or module) asking for the same directory waits for it instead of running Terraform again
    in the same ``.terraform`` directory."""
    marker = stack_dir.parent / f"{stack_dir.name}.validated"
    with file_lock(stack_dir.parent / f"{stack_dir.name}.validate.lock"):
        if marker.exists():
            verdict = json.loads(marker.read_text())
            return verdict["ok"], verdict["detail"]
        result = env.validate(stack_dir)
        detail = result.stdout + result.stderr
        if result.returncode != 0:
            try:
                diags = json.loads(result.stdout).get("diagnostics", [])
                detail = "\n".join(
                    f"{d['severity']}: {d['summary']}: {d.get('detail', '')} @ {d.get('address', '')}" for d in diags
                )
            except (ValueError, AttributeError):
                pass
        marker.write_text(json.dumps({"ok": result.returncode == 0, "detail": detail}))
        return result.returncode == 0, detail
