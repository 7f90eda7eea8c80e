"""Issue 28 (B2, B3): one `wandb-cdktf` command line with subcommands, each with --help and an example; --version;
the storage command's config mode with only byob.aws team buckets; the launch-config command.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml

from wandb_cdktf import cli

REPO = Path(__file__).resolve().parents[1]


def _run(monkeypatch, args: list[str], config: str | None = None) -> tuple[int, str, str]:
    if config is None:
        monkeypatch.delenv("WANDB_CDKTF_CONFIG", raising=False)
    else:
        monkeypatch.setenv("WANDB_CDKTF_CONFIG", config)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = cli.main(args)
    return rc, out.getvalue(), err.getvalue()


def test_help_lists_every_command_with_an_example(monkeypatch):
    rc, out, _ = _run(monkeypatch, ["--help"])
    assert rc == 0 and out.startswith(f"wandb-cdktf {version('wandb-cdktf')}")
    for name in ("synth", "diagram", "storage", "launch-config", "license", "adopt"):
        line = next(i for i, text in enumerate(out.splitlines()) if text.startswith(f"  {name} "))
        assert out.splitlines()[line + 1].strip().startswith("e.g. "), name
    assert "--version" in out and "Exit codes" in out


def test_version(monkeypatch):
    rc, out, _ = _run(monkeypatch, ["--version"])
    assert rc == 0 and out.strip() == f"wandb-cdktf {version('wandb-cdktf')}"


@pytest.mark.parametrize("command", ["synth", "diagram", "storage", "launch-config", "license", "adopt"])
def test_each_command_has_help(monkeypatch, command):
    rc, out, err = _run(monkeypatch, [command, "--help"])
    assert rc == 0 and err == ""
    assert f"wandb-cdktf {command}" in out.splitlines()[0] or out.startswith(f"usage: wandb-cdktf {command}"), out[:200]
    if command in ("synth", "diagram", "launch-config", "storage"):
        assert "example" in out.lower(), out


def test_unknown_command_is_one_line(monkeypatch):
    rc, out, err = _run(monkeypatch, ["deploy"])
    assert rc == 2 and out == "" and len(err.splitlines()) == 1 and "synth, diagram, storage" in err


def test_storage_with_only_byob_aws_team_buckets_prints_nothing(monkeypatch):
    """Field review finding 19: `export TF_VAR_wandb_supported_file_stores="$(... storage)"` exited 2 for
    examples/team-buckets.yaml, whose byob.aws team buckets the stacks list themselves (no credentials)."""
    rc, out, err = _run(monkeypatch, ["storage"], str(REPO / "examples" / "team-buckets.yaml"))
    assert rc == 0 and out == "" and "listed in GORILLA_SUPPORTED_FILE_STORES by the stacks" in err


def test_storage_without_any_team_store_is_still_an_error(monkeypatch):
    rc, out, err = _run(monkeypatch, ["storage"], str(REPO / "examples" / "standard-public-dns.yaml"))
    assert rc == 2 and out == "" and err.startswith("config error: byob.file_stores: ")
    assert "wandb-cdktf storage --help" in err


def test_storage_usage_errors_are_one_line(monkeypatch):
    rc, out, err = _run(monkeypatch, ["storage", "s4"])
    assert rc == 2 and out == "" and len(err.splitlines()) == 1 and "invalid choice" in err


def test_launch_config_without_launch(monkeypatch):
    rc, out, err = _run(monkeypatch, ["launch-config"], str(REPO / "examples" / "standard-public-dns.yaml"))
    assert rc == 2 and out == "" and err.startswith("config error: launch: is not configured")


def test_diagram_from_a_directory_without_stacks(monkeypatch, tmp_path):
    rc, out, err = _run(monkeypatch, ["diagram", "--from", str(tmp_path)])
    assert rc == 2 and out == "" and err.startswith("config error: --from: ") and len(err.splitlines()) == 1


def test_synth_takes_no_arguments(monkeypatch):
    rc, out, err = _run(monkeypatch, ["synth", "extra"])
    assert rc == 2 and out == "" and len(err.splitlines()) == 1


@pytest.mark.slow
def test_launch_config_prints_the_document(monkeypatch):
    """The launch-config.yaml before deploying, valid YAML with the repository as a Terraform expression."""
    rc, out, err = _run(monkeypatch, ["launch-config"], str(REPO / "examples" / "launch-aws.yaml"))
    assert rc == 0, err
    doc = yaml.safe_load(out)
    assert doc["environment"] == {"type": "aws", "region": "us-west-2"} and doc["builder"]["type"] == "kaniko"
    assert doc["builder"]["destination"].startswith("${aws_ecr_repository.")
    assert "cdktf deploy wbdemo-launch-aws" in err


@pytest.mark.slow
def test_launch_config_module_is_not_silent():
    """Field review finding 22: `python -m wandb_cdktf.launch_config --help` printed nothing."""
    proc = subprocess.run([sys.executable, "-m", "wandb_cdktf.launch_config", "--help"], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.startswith("usage: wandb-cdktf launch-config")


@pytest.mark.slow
def test_console_script_help(tmp_path):
    """The installed `wandb-cdktf` entry point, not only cli.main."""
    script = Path(sys.executable).parent / "wandb-cdktf"
    proc = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "commands:" in proc.stdout and "diagram" in proc.stdout


@pytest.mark.slow
def test_documented_storage_commands_run_as_written(tmp_path):
    """docs/byob.md's `wandb-cdktf storage ...` lines, run with the console script as a user would (the `...`
    credentials filled in, the key file created)."""
    import json
    import os
    import shlex

    text = (REPO / "docs" / "byob.md").read_text()
    lines = [line for block in text.split("```bash")[1:] for line in block.split("```", 1)[0].splitlines()
             if "wandb-cdktf storage" in line and "$(" not in line]
    assert len(lines) >= 5, lines
    (tmp_path / "service-account.json").write_text(json.dumps({
        "client_email": "wandb@p.iam.gserviceaccount.com", "private_key": "-----BEGIN PRIVATE KEY-----\nk\n-----END"}))
    script = Path(sys.executable).parent / "wandb-cdktf"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("WANDB_CDKTF_", "AWS_", "AZURE_"))}
    for line in lines:
        words = shlex.split(line)
        env = dict(base)
        while "=" in words[0]:
            name, _ = words.pop(0).split("=", 1)
            env[name] = "key/with+special=chars"
        assert words[:2] == ["wandb-cdktf", "storage"], line
        proc = subprocess.run([str(script), *words[1:]], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=120)
        assert proc.returncode == 0, (line, proc.stderr)
        assert proc.stdout.startswith(("usage:", "s3://", "gs://", "az://")), (line, proc.stdout[:200])
