"""main.py end to end, and lazy provider loading (an AWS-only user never pays for Google or Azure)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow  # fresh interpreters: each pays the jsii runtime and the bindings


# main.py with the Google and Azure bindings unimportable: the README's main command (``pip install -e .``
# then ``python main.py``) installs no extra, so the embedded example must not need them.
WITHOUT_EXTRAS = ("import runpy, sys\n"
                  "sys.modules['cdktf_cdktf_provider_google'] = sys.modules['cdktf_cdktf_provider_azurerm'] = None\n"
                  "sys.argv = [sys.argv[1]]\nrunpy.run_path(sys.argv[0], run_name='__main__')\n")


def _run_main(cwd: Path, config: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JSII_", "WANDB_CDKTF_CONFIG"))}
    env["CDKTF_OUTDIR"] = str(cwd / "out")
    if config:
        env["WANDB_CDKTF_CONFIG"] = config
    return subprocess.run([sys.executable, "-c", WITHOUT_EXTRAS, str(REPO / "main.py")], env=env,
                          capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """``python main.py`` on the embedded example, once for this module: (process, its working directory)."""
    cwd = tmp_path_factory.mktemp("main")
    return _run_main(cwd), cwd


def test_main_synthesizes_the_embedded_example(embedded):
    proc, cwd = embedded
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "", proc.stderr  # no jsii Node end-of-life banner, no warnings, no extra needed
    assert "wandb-infra" in proc.stdout and "wandb-operator" in proc.stdout and "resources" in proc.stdout
    manifest = json.loads((cwd / "out" / "manifest.json").read_text())
    assert set(manifest["stacks"]) == {"wandb-infra", "wandb-operator"}
    # Nothing but the output directory was created next to it (staging dirs are cleaned up).
    assert sorted(p.name for p in cwd.iterdir()) == ["out"]


def test_summary_prints_deploy_commands_cdktf_accepts(embedded):
    """cdktf-cli refuses to deploy a stack without the stacks it depends on ("The following dependencies are
    not included in the stacks to run", cdktf-cli 0.21 checkIfAllDependenciesAreIncluded), so the operator
    stack's command names the infra stack too (the manifest records the dependency)."""
    proc, cwd = embedded
    assert "(cdktf deploy wandb-infra)" in proc.stdout
    assert "(cdktf deploy wandb-infra wandb-operator)" in proc.stdout
    manifest = json.loads((cwd / "out" / "manifest.json").read_text())
    assert manifest["stacks"]["wandb-operator"]["dependencies"] == ["wandb-infra"]


def test_private_endpoint_is_announced(tmp_path, embedded):
    """With a private-only EKS endpoint the app/operator stack can be applied only from inside the VPC; the
    user hears it when synthesizing, not as a timeout during deploy (and not for the public default)."""
    proc = _run_main(tmp_path, str(REPO / "examples" / "private-only.yaml"))
    assert proc.returncode == 0, proc.stderr
    assert "note: the EKS API endpoint is private" in proc.stderr and "wandb-private-operator" in proc.stderr
    public, _ = embedded
    assert public.returncode == 0 and "EKS API endpoint is private" not in public.stderr


def test_resynthesis_replaces_output_atomically(tmp_path, embedded):
    _, cwd = embedded
    shutil.copytree(cwd / "out", tmp_path / "out")
    stale = tmp_path / "out" / "stacks" / "stale-stack"
    stale.mkdir()
    assert _run_main(tmp_path).returncode == 0
    assert not stale.exists()
    assert json.loads((tmp_path / "out" / "manifest.json").read_text()) == json.loads(
        (cwd / "out" / "manifest.json").read_text())


# One fresh interpreter synthesizes the AWS-only configurations first, then the platform: the bindings loaded
# after each step (cumulative, so the AWS-only steps are proven before anything else loads).
PROBE = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from wandb_cdktf.config import load_config
from wandb_cdktf.testing import synth_to_dir
steps = {}
for i, config in enumerate(sys.argv[3:]):
    synth_to_dir(load_config(config), f"{sys.argv[2]}/{i}")
    steps[config] = sorted(m for m in sys.modules if m.startswith("cdktf_cdktf_provider_"))
print(json.dumps(steps))
"""
PROBED = ("byob-aws.yaml", "launch-aws.yaml", "standard-public-dns.yaml")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """example -> provider binding modules imported once it (and the examples before it) synthesized."""
    configs = [str(REPO / "examples" / name) for name in PROBED]
    proc = subprocess.run([sys.executable, "-c", PROBE, str(REPO / "src"), str(tmp_path_factory.mktemp("probe")),
                           *configs], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    steps = json.loads(proc.stdout.strip().splitlines()[-1])
    return {Path(config).name: modules for config, modules in steps.items()}


def test_aws_only_deployment_loads_no_google_or_azure_submodules(loaded):
    modules = loaded["standard-public-dns.yaml"]
    packages = {m.split(".")[0] for m in modules}
    # the operator stack also manages the gp3 StorageClass and the weave-worker-auth secret
    assert packages == {"cdktf_cdktf_provider_aws", "cdktf_cdktf_provider_helm", "cdktf_cdktf_provider_kubernetes"}
    aws = [m for m in modules if m.startswith("cdktf_cdktf_provider_aws.")]
    # ~2,200 submodules exist; these three deployments touch a few dozen.
    assert 20 < len(aws) < 150, len(aws)
    assert "cdktf_cdktf_provider_aws.wafv2_web_acl" not in modules


@pytest.mark.parametrize("example", ["byob-aws.yaml", "launch-aws.yaml"])
def test_aws_only_byob_and_launch_load_only_the_aws_bindings(loaded, example):
    """An AWS-only user never pays for Google or Azure (brief: all five providers take 43 s and 1.7 GB)."""
    assert {m.split(".")[0] for m in loaded[example]} == {"cdktf_cdktf_provider_aws"}
