"""Issue 28 (B1): every `cdktf deploy|destroy` command we print or document is one cdktf-cli accepts.

cdktf-cli 0.21 refuses a deploy whose stacks depend on stacks not named ("The following dependencies are not
included in the stacks to run") and a destroy that leaves out stacks depending on the named ones ("The following
dependant stacks are not included"), reading the dependencies from the synthesized manifest. Each command runs
with the real, pinned cdktf-cli against the synthesized stacks of an example; Terraform is a stub that answers
``version`` and fails every other call with a marker, so an accepted command stops at ``terraform init`` and
nothing is deployed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from _support import synth_file
from wandb_cdktf.cli import deploy_command, stack_dependencies
from wandb_cdktf.config import load_config

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow  # cdktf-cli (Node.js) per command, synthesis of several examples

# The examples whose stacks the documented commands name (namespace -> example).
EXAMPLES = ["standard-public-dns.yaml", "pre-operator.tfvars", "team-buckets.yaml", "regulated.yaml",
            "launch-aws.yaml", "launch-gcp.yaml", "launch-azure.yaml", "byob-aws.yaml"]
_ROLE = re.compile(r"^[a-z0-9<>-]+?-(infra|app|operator|byob-[a-z]+|launch-[a-z]+)$")
FAKE_TERRAFORM = """#!/bin/sh
case "$1" in version|-version|--version|-v) echo "Terraform v1.11.4"; exit 0;; esac
echo "FAKE-TERRAFORM $*" >&2
exit 1
"""
REFUSED = ("dependencies are not included", "dependant stacks are not included", "Usage Error")
_COMMAND = re.compile(r"cdktf (deploy|destroy)((?: +(?:--ignore-missing-stack-dependencies|<?[a-z][a-z0-9<>-]*-[a-z0-9<>-]+))+)")


@pytest.fixture(scope="module")
def examples() -> dict[str, tuple[str, Path]]:
    """example file -> (namespace, synthesized output directory)."""
    return {name: (load_config(REPO / "examples" / name).namespace, synth_file(REPO / "examples" / name).outdir)
            for name in EXAMPLES}


@pytest.fixture(scope="module")
def run_cdktf(cdktf_bin, tmp_path_factory):
    root = tmp_path_factory.mktemp("cdktf-commands")
    bin_dir = root / "bin"
    bin_dir.mkdir()
    (bin_dir / "terraform").write_text(FAKE_TERRAFORM)
    (bin_dir / "terraform").chmod(0o755)
    node = REPO / ".node" / "node_modules" / ".bin"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANDB_CDKTF_CONFIG", "CDKTF_OUTDIR"))}
    env.update(CI="1", CHECKPOINT_DISABLE="1", PATH=os.pathsep.join([str(bin_dir), str(node), env.get("PATH", "")]))
    projects: dict[Path, Path] = {}

    def run(outdir: Path, verb: str, args: list[str]) -> str:
        if outdir not in projects:  # a copy: the synthesized directory is shared by the whole run
            project = root / f"p{len(projects)}"
            shutil.copytree(outdir, project / "out")
            (project / "cdktf.json").write_text(json.dumps({"language": "python", "app": "false", "output": "out"}))
            projects[outdir] = project
        proc = subprocess.run([cdktf_bin, verb, *args, "--skip-synth", "--auto-approve"], cwd=projects[outdir],
                              env=env, capture_output=True, text=True, timeout=300)
        return proc.stdout + proc.stderr

    return run


def _assert_accepted(output: str, command: str) -> None:
    assert not any(r in output for r in REFUSED), f"cdktf refused `{command}`:\n{output[-1500:]}"
    assert "FAKE-TERRAFORM init" in output, f"`{command}` did not reach terraform init:\n{output[-1500:]}"


def test_the_stub_sees_a_refusal(run_cdktf, examples):
    """The check can fail: cdktf refuses the operator stack alone, as the field review found."""
    _, outdir = examples["team-buckets.yaml"]
    output = run_cdktf(outdir, "deploy", ["teams-byob-aws"])
    assert "dependencies are not included" in output and "teams-infra" in output


@pytest.mark.parametrize("example", ["team-buckets.yaml", "regulated.yaml", "pre-operator.tfvars"])
def test_printed_deploy_commands_are_accepted(run_cdktf, examples, example):
    """Field review finding 4: with a BYOB or Launch stack beside the platform the printed commands were refused.
    Each stack's command is computed from the manifest's dependencies (what cdktf reads)."""
    _, outdir = examples[example]
    config = load_config(REPO / "examples" / example)
    dependencies = stack_dependencies(outdir)
    assert len(dependencies) >= 2
    for stack in dependencies:
        command = deploy_command(config, stack, dependencies)
        verb, *args = command.split()[1:]
        _assert_accepted(run_cdktf(outdir, verb, args), command)


def test_main_py_prints_those_commands(tmp_path):
    """What python main.py prints is what the test above runs, plus the configuration source and region."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANDB_CDKTF_", "CDKTF_OUTDIR"))}
    env.update(WANDB_CDKTF_CONFIG=str(REPO / "examples" / "team-buckets.yaml"), CDKTF_OUTDIR=str(tmp_path / "out"))
    proc = subprocess.run([sys.executable, str(REPO / "main.py")], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "(cdktf deploy teams-infra teams-byob-aws)" in proc.stdout
    assert "(cdktf deploy teams-infra teams-byob-aws teams-operator)" in proc.stdout
    assert f"configuration: {REPO / 'examples' / 'team-buckets.yaml'}; region: us-west-2" in proc.stdout


def _documented() -> list[tuple[str, str, list[str]]]:
    """(where, verb, words) of every `cdktf deploy|destroy <stacks>` in README, docs/ and examples/."""
    found = []
    files = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md")), *sorted((REPO / "examples").iterdir())]
    for path in files:
        if not path.is_file() or path.name == "options.md":
            continue
        for lineno, line in enumerate(path.read_text().splitlines(), 1):
            for m in _COMMAND.finditer(line.replace("\\", " ")):
                if "refused" in line[m.end():m.end() + 30]:
                    continue  # shown as what cdktf refuses ("`cdktf deploy <ns>-operator` alone is refused")
                words = m.group(2).split()
                if any(w in ("<stack>",) or "<cloud>" in w for w in words):
                    continue  # a pattern, not a command
                found.append((f"{path.relative_to(REPO)}:{lineno}", m.group(1), words))
    return found


def test_documented_commands_are_found():
    where = {w.split(":")[0] for w, _, _ in _documented()}
    assert {"docs/deploy.md", "docs/operate.md", "docs/byob.md"} <= where, where


def test_documented_commands_are_accepted(run_cdktf, examples):
    """Every documented command, run on the smallest example that has every stack it names: a stack id is read
    as <namespace>-<role> (wandb-operator, <ns>-operator and teams-operator all name an operator stack), so
    `cdktf deploy <ns>-infra <ns>-operator` is checked where there is no BYOB stack, as it is meant."""
    seen: dict[tuple[str, ...], str] = {}
    failures = []
    by_size = sorted(examples.values(), key=lambda item: (len(stack_dependencies(item[1])), item[0]))
    for where, verb, words in _documented():
        roles = [_ROLE.sub(r"<ns>-\1", w) for w in words]
        for namespace, outdir in by_size:
            named = [w.replace("<ns>", namespace) for w in roles]
            present = set(stack_dependencies(outdir))
            if all(w in present for w in named if not w.startswith("--")):
                break
        else:
            failures.append(f"{where}: no example has the stacks of `cdktf {verb} {' '.join(words)}`")
            continue
        key = (str(outdir), verb, *named)
        if key in seen:
            continue
        seen[key] = where
        output = run_cdktf(outdir, verb, named)
        if any(r in output for r in REFUSED) or "FAKE-TERRAFORM init" not in output:
            failures.append(f"{where}: cdktf {verb} {' '.join(named)}: " + " ".join(
                line for line in output.splitlines() if "Error" in line)[:300])
    assert not failures, "\n".join(failures)
