"""main.py end to end, and lazy provider loading (an AWS-only user never pays for Google or Azure)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _run_main(tmp_path: Path, config: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JSII_", "WANDB_CDKTF_CONFIG"))}
    env["CDKTF_OUTDIR"] = str(tmp_path / "out")
    if config:
        env["WANDB_CDKTF_CONFIG"] = config
    return subprocess.run([sys.executable, str(REPO / "main.py")], env=env, capture_output=True, text=True, cwd=tmp_path)


def test_main_synthesizes_the_embedded_example(tmp_path):
    proc = _run_main(tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "", proc.stderr  # no jsii Node end-of-life banner, no warnings
    assert "wandb-infra" in proc.stdout and "wandb-operator" in proc.stdout and "resources" in proc.stdout
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert set(manifest["stacks"]) == {"wandb-infra", "wandb-operator"}
    # Nothing but the output directory was created next to it (staging dirs are cleaned up).
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_summary_prints_deploy_commands_cdktf_accepts(tmp_path):
    """cdktf-cli refuses to deploy a stack without the stacks it depends on ("The following dependencies are
    not included in the stacks to run", cdktf-cli 0.21 checkIfAllDependenciesAreIncluded), so the operator
    stack's command names the infra stack too (the manifest records the dependency)."""
    proc = _run_main(tmp_path)
    assert "(cdktf deploy wandb-infra)" in proc.stdout
    assert "(cdktf deploy wandb-infra wandb-operator)" in proc.stdout
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["stacks"]["wandb-operator"]["dependencies"] == ["wandb-infra"]


def test_private_endpoint_is_announced(tmp_path):
    """With a private-only EKS endpoint the app/operator stack can be applied only from inside the VPC; the
    user hears it when synthesizing, not as a timeout during deploy."""
    proc = _run_main(tmp_path, str(REPO / "examples" / "private-only.yaml"))
    assert proc.returncode == 0, proc.stderr
    assert "note: the EKS API endpoint is private" in proc.stderr and "wandb-private-operator" in proc.stderr
    public = _run_main(tmp_path, str(REPO / "examples" / "standard-public-dns.yaml"))
    assert public.returncode == 0 and "EKS API endpoint is private" not in public.stderr


def test_resynthesis_replaces_output_atomically(tmp_path):
    assert _run_main(tmp_path).returncode == 0
    stale = tmp_path / "out" / "stacks" / "stale-stack"
    stale.mkdir()
    assert _run_main(tmp_path).returncode == 0
    assert not stale.exists()


PROBE = r"""
import json, sys
sys.path.insert(0, sys.argv[2])
from wandb_cdktf.config import load_config
from wandb_cdktf.testing import synth_to_dir
synth_to_dir(load_config(sys.argv[1]), sys.argv[3])
loaded = sorted(m for m in sys.modules if m.startswith("cdktf_cdktf_provider_"))
print(json.dumps(loaded))
"""


def _loaded_modules(tmp_path: Path, config: Path) -> list[str]:
    proc = subprocess.run([sys.executable, "-c", PROBE, str(config), str(REPO / "src"), str(tmp_path / "o")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_aws_only_deployment_loads_no_google_or_azure_submodules(tmp_path):
    loaded = _loaded_modules(tmp_path, REPO / "examples" / "standard-public-dns.yaml")
    packages = {m.split(".")[0] for m in loaded}
    # the operator stack also manages the gp3 StorageClass and the weave-worker-auth secret
    assert packages == {"cdktf_cdktf_provider_aws", "cdktf_cdktf_provider_helm", "cdktf_cdktf_provider_kubernetes"}
    aws = [m for m in loaded if m.startswith("cdktf_cdktf_provider_aws.")]
    # ~2,200 submodules exist; a deployment touches a few dozen.
    assert 20 < len(aws) < 150, len(aws)
    assert "cdktf_cdktf_provider_aws.wafv2_web_acl" not in loaded


@pytest.mark.parametrize("example", ["byob-aws.yaml", "launch-aws.yaml"])
def test_aws_only_byob_and_launch_load_only_the_aws_bindings(tmp_path, example):
    """An AWS-only user never pays for Google or Azure (brief: all five providers take 43 s and 1.7 GB)."""
    loaded = _loaded_modules(tmp_path, REPO / "examples" / example)
    assert {m.split(".")[0] for m in loaded} == {"cdktf_cdktf_provider_aws"}
