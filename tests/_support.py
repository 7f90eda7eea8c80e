"""Helpers the test modules import (conftest only turns some of them into fixtures).

- :data:`BASE_CONFIG` / :func:`make_config`: the platform configuration most tests start from.
- :func:`synth_mapping` / :func:`synth_file`: synthesize a configuration once per *test run*, shared by
  every module and every pytest-xdist worker. Synthesis is most of the suite's CPU (jsii + Node per
  configuration), and the same configurations are used by the snapshot, validate, checkov, IAM and
  secret-scan tests, which xdist runs in different processes.
- :func:`validate_once` / :func:`validate_stacks`: ``terraform init`` + ``validate`` of stack directories,
  once per run, several in one Terraform run.

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
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest

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


# scripts/test.sh starts pytest while checkov and cdktf-cli are still installing: it names a directory
# holding ``<tool>.pending`` until that install has finished (README "Tests").
PENDING_ENV = "WANDB_CDKTF_PENDING_INSTALLS"
CDKTF_CLI_ENV = "WANDB_CDKTF_CDKTF_CLI"
REPO = Path(__file__).resolve().parents[1]


def wait_for_install(tool: str, timeout: float = 900) -> None:
    """Return once ``tool`` (``checkov`` or ``cdktf-cli``) is not being installed any more."""
    pending = os.environ.get(PENDING_ENV)
    if not pending:
        return
    marker = Path(pending) / f"{tool}.pending"
    deadline = time.monotonic() + timeout
    while marker.exists() and time.monotonic() < deadline:
        time.sleep(0.5)


@contextmanager
def environ(values: dict[str, str]) -> Iterator[None]:
    """``os.environ`` with ``values`` set for the block, each variable restored (or removed) after it."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def find_cdktf_cli() -> str | None:
    """$WANDB_CDKTF_CDKTF_CLI, else <repo>/.cdktf-cli (scripts/install-cdktf-cli.sh), else cdktf on PATH."""
    wait_for_install("cdktf-cli")
    env = os.environ.get(CDKTF_CLI_ENV)
    if env:
        return env if Path(env).is_file() else None
    local = REPO / ".cdktf-cli" / "node_modules" / ".bin" / "cdktf"
    if local.is_file():
        return str(local)
    return shutil.which("cdktf")


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


def validate_once(env: TerraformEnv, stack_dir: Path, *together: Path) -> tuple[bool, str]:
    """(ok, Terraform's diagnostics) of ``terraform validate`` for ``stack_dir``, once per run.

    ``together``: other stack directories the caller will ask about too (the other parameters of the
    same test); those not validated yet are validated in the same Terraform run (see
    :func:`validate_stacks`)."""
    return validate_stacks(env, [stack_dir, *together])[stack_dir.resolve()]


# Root-only blocks: a stack with one is validated as a root module of its own.
_ROOT_ONLY_BLOCKS = ("import",)
_IGNORED_IN_A_BATCH = "Backend configuration ignored"  # every stack has a backend; a child's is ignored


def validate_stacks(env: TerraformEnv, stack_dirs: list[Path]) -> dict[Path, tuple[bool, str]]:
    """{resolved stack directory: (ok, Terraform's diagnostics)}, each directory validated once per run.

    Terraform's CPU for ``validate`` is almost all fixed cost (the hashicorp/aws schema, built by the
    provider and decoded by Terraform: ~5-8 s of CPU on these machines), so the directories not validated
    yet are validated in *one* run: a root module whose child modules are the stack directories
    (``terraform init -backend=false`` + ``validate -json``; six infra stacks took 9.5 s of CPU that way
    and ~45 s one by one). Terraform validates a child module's resources, references, outputs and
    provider configuration as it does a root's; the differences are the backend block (ignored, as
    ``-backend=false`` ignores it in a root) and root-only blocks (a stack with an ``import`` block is
    validated alone, as a root). Each diagnostic names the file it is about, so it is given to that stack
    (one without a file is given to every stack of the run).

    Verdicts are stored beside each stack directory under its lock (taken in sorted order, so two
    workers asking for overlapping sets cannot deadlock); another worker or module asking for the same
    directory reads the verdict instead of running Terraform again."""
    dirs = sorted({Path(d).resolve() for d in stack_dirs})
    verdicts: dict[Path, tuple[bool, str]] = {}
    with ExitStack() as locks:
        pending = []
        for stack_dir in dirs:
            locks.enter_context(file_lock(stack_dir.parent / f"{stack_dir.name}.validate.lock"))
            marker = stack_dir.parent / f"{stack_dir.name}.validated"
            if marker.exists():
                verdict = json.loads(marker.read_text())
                verdicts[stack_dir] = (verdict["ok"], verdict["detail"])
            else:
                pending.append(stack_dir)
        alone = [d for d in pending if _has_root_only_blocks(d)]
        batch = [d for d in pending if d not in alone]
        for group in [[d] for d in alone] + ([batch] if batch else []):
            for stack_dir, verdict in _validate_group(env, group).items():
                (stack_dir.parent / f"{stack_dir.name}.validated").write_text(
                    json.dumps({"ok": verdict[0], "detail": verdict[1]}))
                verdicts[stack_dir] = verdict
    return verdicts


def _has_root_only_blocks(stack_dir: Path) -> bool:
    doc = json.loads((stack_dir / "cdk.tf.json").read_text())
    return any(doc.get(block) for block in _ROOT_ONLY_BLOCKS)


def _validate_group(env: TerraformEnv, dirs: list[Path]) -> dict[Path, tuple[bool, str]]:
    if len(dirs) == 1 and _has_root_only_blocks(dirs[0]):
        root = dirs[0]
    else:
        digest = hashlib.sha256("\0".join(map(str, dirs)).encode()).hexdigest()[:20]
        root = cache_root() / "validate" / digest
        root.mkdir(parents=True, exist_ok=True)
        modules = {}
        for i, stack_dir in enumerate(dirs):
            link = root / f"stack{i}"
            if not link.is_symlink():
                link.symlink_to(stack_dir, target_is_directory=True)
            modules[link.name] = {"source": f"./{link.name}"}
        (root / "main.tf.json").write_text(json.dumps({"module": modules}, indent=2))
    result = env.validate(root)
    try:
        diagnostics = json.loads(result.stdout).get("diagnostics", [])
    except ValueError:  # init failed: no JSON; the whole output is every stack's problem
        return {d: (False, result.stdout + result.stderr) for d in dirs}
    found: dict[Path, list[tuple[str, str]]] = {d: [] for d in dirs}
    for diag in diagnostics:
        if diag["severity"] != "error" and diag["summary"] == _IGNORED_IN_A_BATCH:
            continue
        filename = diag.get("range", {}).get("filename")
        owners = [d for d in dirs if filename and Path(filename).resolve().is_relative_to(d)] or dirs
        line = (f"{diag['severity']}: {diag['summary']}: {diag.get('detail', '')} "
                f"@ {diag.get('snippet', {}).get('context') or diag.get('address', '')}")
        for owner in owners:
            found[owner].append((diag["severity"], line))
    # A failed run with no error diagnostic at all fails every stack, with Terraform's whole output.
    explained = result.returncode == 0 or any(sev == "error" for lines in found.values() for sev, _ in lines)
    verdicts = {}
    for stack_dir, lines in found.items():
        ok = explained and not any(severity == "error" for severity, _ in lines)
        verdicts[stack_dir] = (ok, "\n".join(line for _, line in lines) or ("" if ok else result.stdout + result.stderr))
    return verdicts


# --- scheduling (tests/conftest.py) ------------------------------------------------------------------


def schedule_order(items: list[pytest.Item], workers: int) -> list[list[pytest.Item]]:
    """Work units (a scenario of an emulator module, or a whole other module) in the order xdist should hand
    them out. xdist deals the first ``2 * workers`` units round-robin, each worker's second unit queued behind
    its first; then a worker gets the next unit whenever one finishes.

    The emulator scenarios mostly wait on the AWS provider's waiters (~30% of a core each), the other modules
    are CPU-bound. So: the ``long`` scenarios start at once (on all workers but one at most), with the other
    scenarios (``medium`` ones first) queued behind them; the remaining workers start on the CPU-bound modules (``long``, then ``slow``
    ones first, as they take longest); after these two rounds scenarios and modules alternate. Measured on 2 cores: the CPU is busy
    from the first minute instead of after the first scenarios finish. A module's tests keep their order."""
    scenarios = sorted(([i] for i in items if i.get_closest_marker("emulator")),
                       key=lambda unit: (unit[0].get_closest_marker("long") is None,
                                         unit[0].get_closest_marker("medium") is None))
    grouped: dict[str, list[pytest.Item]] = {}
    for item in items:
        if not item.get_closest_marker("emulator"):
            grouped.setdefault(item.nodeid.split("::", 1)[0], []).append(item)
    modules = sorted(grouped.values(), key=lambda module: (not any(i.get_closest_marker("long") for i in module),
                                                           not any(i.get_closest_marker("slow") for i in module)))
    long = sum(1 for unit in scenarios if unit[0].get_closest_marker("long"))
    lead = max(1, min(long, workers - 1))  # workers that start on a scenario
    order: list[list[pytest.Item]] = []
    for _ in range(2):  # the two rounds dealt at the start
        order += scenarios[:lead] + modules[:workers - lead]
        del scenarios[:lead], modules[:workers - lead]
    while scenarios or modules:
        order += scenarios[:1] + modules[:1]
        del scenarios[:1], modules[:1]
    return order
