"""Fixtures and run-wide hooks. Helpers live in tests/_support.py (import them from there).

- One synthesis cache per test run, shared by all pytest-xdist workers (``_support.synth_mapping``).
- ``CI=true``: a gate whose tool is missing (Terraform, the provider mirror, moto, checkov, cdktf-cli)
  fails instead of skipping, so a broken install can never pass CI green.
- Distribution (pytest-xdist, ``pytest_xdist_make_scheduler``): a module is one work unit (its module
  fixtures are built once), except in the emulator modules, where each scenario is one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# jsii (every synthesis) and cdktf-cli run on the first `node` on PATH: the locked Node.js LTS
# (tools/node, scripts/install-node.sh) when this clone has it, also for a plain `.venv/bin/pytest` run. Before
# anything imports cdktf, so jsii's runtime starts on it. jsii's warnings are not silenced here: a Node it does
# not support shows (tests/test_locks.py fails on one).
_LOCKED_NODE = Path(__file__).resolve().parents[1] / ".node" / "node_modules" / ".bin"
if (_LOCKED_NODE / "node").is_file() and not os.environ.get("PATH", "").startswith(str(_LOCKED_NODE)):
    os.environ["PATH"] = f"{_LOCKED_NODE}{os.pathsep}{os.environ.get('PATH', '')}"

from _emulator_support import Moto, skip_missing, start_moto, start_shared_provider, stop_moto, stop_shared_provider  # noqa: E402
from _support import CACHE_ENV, Synth, find_cdktf_cli, in_ci, schedule_order, skip_or_fail, synth_mapping, validate_once  # noqa: E402
from wandb_cdktf.testing import TerraformEnv  # noqa: E402

_OWNED_CACHE: list[str] = []
TERRAFORM_FIXTURES = {"tf_env", "tf_validate", "emulator_tf"}
"""A test that uses one of these runs Terraform: it is marked ``terraform`` (so not ``fast``)."""


def pytest_configure(config: pytest.Config) -> None:
    # The controller (or a plain run) creates the run's cache before xdist starts its workers,
    # which inherit the environment; a worker only reads it.
    if not hasattr(config, "workerinput") and not os.environ.get(CACHE_ENV):
        root = tempfile.mkdtemp(prefix="wandb-cdktf-tests-")
        os.environ[CACHE_ENV] = root
        _OWNED_CACHE.append(root)


def pytest_unconfigure(config: pytest.Config) -> None:
    for root in _OWNED_CACHE:
        shutil.rmtree(root, ignore_errors=True)
        os.environ.pop(CACHE_ENV, None)


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects, so `-m fast` sees the marker set here
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the fast tier, and order the work units for the xdist workers (``--no-loadscope-reorder`` makes
    xdist hand them out in this order): see :func:`schedule_order`."""
    for item in items:
        if TERRAFORM_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.terraform)  # runs Terraform, whichever module it is in
        if not any(item.get_closest_marker(m) for m in ("slow", "terraform", "emulator")):
            item.add_marker(pytest.mark.fast)
    workers = getattr(config, "workerinput", {}).get("workercount")
    if workers:
        items[:] = [item for unit in schedule_order(items, int(workers)) for item in unit]


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """One work unit per test module (its module fixtures, e.g. the checkov scans, are built once), except
    in the emulator modules (``*emulator.py``), where each scenario is a unit of its own with its own moto
    server: they mostly wait on the AWS provider's polling, so they overlap well.

    (``--dist loadgroup`` would express this with markers, but pytest-xdist 3.8 appends the group to
    ``item._nodeid``, which pytest 9 no longer reads: every test became its own unit.)"""
    from xdist.scheduler import LoadScopeScheduling

    class ModuleOrScenario(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return nodeid if module.endswith("emulator.py") else module

    return ModuleOrScenario(config, log)


@pytest.fixture(scope="session")
def synth() -> Callable[..., Synth]:
    """synth(config_dict) -> Synth, synthesized once per distinct configuration per test run."""
    return synth_mapping


@pytest.fixture(scope="session")
def tf_env(tmp_path_factory: pytest.TempPathFactory) -> TerraformEnv:
    """Terraform CLI + local hashicorp/aws 5.100.0 mirror, or skip (CI: fail) with the reason printed."""
    env = TerraformEnv.discover(tmp_path_factory.mktemp("tfcli"))
    if isinstance(env, str):
        skip_or_fail(f"terraform tests: {env}")
    assert isinstance(env, TerraformEnv)
    return env


@pytest.fixture(scope="session")
def tf_validate(tf_env: TerraformEnv) -> Callable[..., None]:
    """tf_validate(stack_dir, *together): terraform init+validate (once per run) and fail with Terraform's own
    messages. ``together``: the stack directories of the test's other parameters, validated in the same
    Terraform run (``_support.validate_stacks``)."""

    def _validate(stack_dir: Path, *together: Path) -> None:
        ok, detail = validate_once(tf_env, stack_dir, *together)
        if not ok:
            pytest.fail(f"terraform validate failed in {stack_dir.name}:\n{detail}")

    return _validate


def pytest_report_header(config: pytest.Config) -> list[str]:
    del config
    return [f"wandb-cdktf: CI={'true' if in_ci() else 'false'} (missing tools {'fail' if in_ci() else 'skip'})"]


# --- emulator (tests/_emulator_support.py) ---------------------------------------------------------


@pytest.fixture(scope="module")
def emulator_tf(tf_env: TerraformEnv) -> TerraformEnv:
    """Terraform + mirror (``tf_env`` skips with the reason) and moto importable."""
    try:
        import boto3  # noqa: F401
        import moto.server  # noqa: F401
    except ImportError as exc:
        skip_missing(f"moto[server] and boto3 are needed ({exc}); pip install -e '.[dev]'")
    return tf_env


@pytest.fixture(scope="module")
def moto(emulator_tf: TerraformEnv, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Moto]:
    server = start_moto(tmp_path_factory.mktemp("moto") / "moto.log")
    print(f"moto server at {server.url} (log {server.log})")
    provider = start_shared_provider(emulator_tf, tmp_path_factory.mktemp("provider") / "provider.log", server)
    try:
        yield server
    finally:
        if provider is not None:
            stop_shared_provider(provider)
        stop_moto(server)


@pytest.fixture(scope="session")
def cdktf_bin() -> str:
    """The cdktf-cli (scripts/install-cdktf-cli.sh), or skip (CI: fail)."""
    found = find_cdktf_cli()
    if not found:
        skip_or_fail("no cdktf-cli: run scripts/install-cdktf-cli.sh or set WANDB_CDKTF_CDKTF_CLI")
    return found
