"""The test environment installs from locks (tools/README.md): each lock matches its input, every package is
pinned with a hash, and the suite runs on a Node.js LTS that jsii supports."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from _support import REPO, skip_or_fail

TOOLS = REPO / "tools"


def _uv() -> str:
    for candidate in (os.environ.get("WANDB_CDKTF_UV"), str(REPO / ".venv-uv" / "bin" / "uv"), shutil.which("uv")):
        if candidate and Path(candidate).is_file():
            return candidate
    skip_or_fail("no uv: bash scripts/test.sh installs it into .venv-uv")
    raise AssertionError("unreachable")


def _uv_lock_check(project: Path) -> subprocess.CompletedProcess[str]:
    # --offline: the check compares uv.lock with pyproject.toml; it needs no index when they agree.
    return subprocess.run([_uv(), "lock", "--check", "--offline", "--project", str(project)],
                          capture_output=True, text=True, timeout=120)


def test_uv_lock_matches_pyproject():
    """scripts/test.sh installs with `uv sync --locked`; a pyproject.toml edited without `bash scripts/lock.sh`
    would fail there. This names the cause first."""
    result = _uv_lock_check(REPO)
    assert result.returncode == 0, f"uv.lock is out of date: run `bash scripts/lock.sh`\n{result.stderr}"


def test_uv_lock_check_refuses_a_changed_pyproject(tmp_path):
    """The check above can fail: a dependency added to pyproject.toml without re-locking is caught."""
    shutil.copy(REPO / "uv.lock", tmp_path / "uv.lock")
    pyproject = (REPO / "pyproject.toml").read_text()
    assert '"PyYAML>=6",' in pyproject
    (tmp_path / "pyproject.toml").write_text(pyproject.replace('"PyYAML>=6",', '"PyYAML>=6",\n    "six>=1.16",'))
    result = _uv_lock_check(tmp_path)
    assert result.returncode != 0, result.stdout + result.stderr


def _pins(lock: Path) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) of a `uv pip compile --generate-hashes` file."""
    pins: dict[str, tuple[str, list[str]]] = {}
    name = ""
    for line in lock.read_text().splitlines():
        if m := re.match(r"^([A-Za-z0-9_.\-\[\]]+)==(\S+)", line):
            name = re.sub(r"\[.*\]", "", m[1]).lower().replace("_", "-")
            pins[name] = (m[2], [])
        elif m := re.search(r"--hash=sha256:([0-9a-f]{64})", line):
            pins[name][1].append(m[1])
    return pins


@pytest.mark.parametrize("tool", ["uv", "checkov"])
def test_tool_lock_satisfies_its_input_with_hashes(tool):
    """tools/<tool>.txt pins, with sha256 hashes, a version its input tools/<tool>.in allows (pip and uv
    `--require-hashes` refuse a file without them)."""
    pins = _pins(TOOLS / f"{tool}.txt")
    inputs = [Requirement(line) for line in (TOOLS / f"{tool}.in").read_text().splitlines()
              if line.strip() and not line.startswith("#")]
    assert inputs
    for requirement in inputs:
        key = requirement.name.lower().replace("_", "-")
        assert key in pins, f"{requirement.name} is not in tools/{tool}.txt: run `bash scripts/lock.sh`"
        assert requirement.specifier.contains(pins[key][0]), (
            f"tools/{tool}.txt pins {requirement.name}=={pins[key][0]}, outside {requirement}: run `bash scripts/lock.sh`")
    assert all(hashes for _, hashes in pins.values()), [n for n, (_, h) in pins.items() if not h]


@pytest.mark.parametrize("tool", ["node", "cdktf-cli"])
def test_npm_lock_matches_its_package_json(tool):
    """`npm ci` (scripts/install-<tool>.sh) installs tools/<tool>/package-lock.json; every package in it carries
    its integrity hash, and its root records exactly the package.json dependencies."""
    package = json.loads((TOOLS / tool / "package.json").read_text())
    lock = json.loads((TOOLS / tool / "package-lock.json").read_text())
    root = lock["packages"][""]
    for field in ("dependencies", "optionalDependencies"):
        assert root.get(field, {}) == package.get(field, {}), f"tools/{tool}: run `bash scripts/lock.sh`"
    packages = {path: meta for path, meta in lock["packages"].items() if path}
    # A package bundled inside another (inBundle) comes in its parent's tarball, checked by the parent's hash.
    assert packages and all(meta.get("integrity", "").startswith("sha512-") or meta.get("inBundle")
                            for meta in packages.values())
    if tool == "cdktf-cli":  # the CLI's version is the cdktf library's (pyproject.toml pins cdktf==0.21.0)
        assert package["dependencies"]["cdktf-cli"] == lock["packages"]["node_modules/cdktf-cli"]["version"]
        assert f'"cdktf=={package["dependencies"]["cdktf-cli"]}"' in (REPO / "pyproject.toml").read_text()


@pytest.mark.slow
def test_jsii_runs_on_a_node_it_supports(tmp_path):
    """jsii (every synthesis) prints a warning box on a Node.js release it no longer supports (Node 20 since
    2026-10-30) or has not tested; scripts/test.sh puts the locked Node 22 LTS (tools/node) first on PATH. Run
    where jsii prints nothing, rather than hiding its warnings."""
    node = shutil.which("node")
    assert node, "no node on PATH"
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    locked = json.loads((TOOLS / "node" / "package-lock.json").read_text())["packages"]
    assert any(meta.get("version") == version.lstrip("v") for meta in locked.values()), (
        f"node {version} on PATH is not the locked one (bash scripts/test.sh puts .node/node_modules/.bin first)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("JSII_SILENCE_WARNING")}
    result = subprocess.run([sys.executable, "-c", f"import cdktf; cdktf.App(outdir={str(tmp_path)!r}).synth()"],
                            capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr
    assert "!!" not in result.stderr and "node" not in result.stderr.lower(), result.stderr
