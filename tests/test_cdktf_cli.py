"""`cdktf synth` (pinned cdktf-cli 0.21.0, driven by cdktf.json) produces the same stacks as `python main.py`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from _support import synth_file
from wandb_cdktf.testing import load_stacks, normalize

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow  # Node.js cdktf-cli runs main.py in a fresh interpreter


@pytest.mark.parametrize("config", [None, "examples/pre-operator.tfvars"])
def test_cdktf_synth_matches_python_main(cdktf_bin, tmp_path, config):
    rc = tmp_path / "terraform.rc"
    rc.write_text("disable_checkpoint = true\n")
    env = {k: v for k, v in os.environ.items() if k not in {"WANDB_CDKTF_CONFIG", "CDKTF_OUTDIR"}}
    env.update(TF_CLI_CONFIG_FILE=str(rc), CHECKPOINT_DISABLE="1", CI="1",
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}")
    if config:
        env["WANDB_CDKTF_CONFIG"] = str(REPO / config)
    cli = subprocess.run([cdktf_bin, "synth", "--output", str(tmp_path / "cli")], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=300)
    assert cli.returncode == 0, cli.stdout[-2000:] + cli.stderr[-2000:]
    # What main.py writes for the same configuration: the run-wide synthesis (main.py's own loader and
    # synth_to_dir, in this process; tests/test_cli_and_loading.py runs main.py itself).
    py = synth_file(REPO / (config or "src/wandb_cdktf/config/example.yaml")).outdir
    from_cli, from_py = load_stacks(tmp_path / "cli"), load_stacks(py)
    assert sorted(from_cli) == sorted(from_py) and len(from_cli) == 2
    for stack_id in from_py:
        assert normalize(from_cli[stack_id]) == normalize(from_py[stack_id]), stack_id
