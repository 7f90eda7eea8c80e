"""Issue 28 (C): `wandb-cdktf diagram`, the architecture picture generated from the synthesized stacks.

The pictures in docs/architecture/ are checked against the examples as they synthesize now, so they cannot go
stale; the picture itself is checked for what it must show (the request path, IRSA roles, cross-stack references)
and for Mermaid that references only nodes it declares.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

from _support import synth_file
from wandb_cdktf import cli
from wandb_cdktf.config.model import OWN_TAGS_MAX
from wandb_cdktf.diagram import diagram_from_outdir, example_page, index_page

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p.name for p in (REPO / "examples").iterdir() if p.suffix in {".yaml", ".tfvars"})
pytestmark = pytest.mark.slow  # synthesizes every example (shared with the other modules through the run cache)

_NODE = re.compile(r"^\s+([A-Za-z0-9_]+)[\[(]")
_SUBGRAPH = re.compile(r"^\s+subgraph ([A-Za-z0-9_]+)\[")
_EDGE = re.compile(r"^\s+([A-Za-z0-9_]+) (?:-->|-\.->)(?:\|[^|]*\|)? ([A-Za-z0-9_]+)$")


def _diagram(example: str) -> str:
    return diagram_from_outdir(synth_file(REPO / "examples" / example).outdir)


def _parts(diagram: str) -> tuple[set[str], list[tuple[str, str]], list[str]]:
    """(declared ids, edges, edge lines) of a diagram; fails on a line that is none of Mermaid's forms we use."""
    lines = diagram.splitlines()
    assert lines[0] == "```mermaid" and lines[1] == "flowchart LR" and lines[-1] == "```"
    declared: set[str] = set()
    edges: list[tuple[str, str]] = []
    edge_lines = []
    for line in lines[2:-1]:
        if m := _SUBGRAPH.match(line):
            declared.add(m.group(1))
        elif m := _EDGE.match(line):
            edges.append((m.group(1), m.group(2)))
            edge_lines.append(line)
        elif m := _NODE.match(line):
            declared.add(m.group(1))
        else:
            assert line.strip() == "end", f"unexpected Mermaid line {line!r}"
    return declared, edges, edge_lines


@pytest.mark.parametrize("example", EXAMPLES)
def test_docs_show_the_current_picture(example):
    page = REPO / "docs" / "architecture" / f"{example.rsplit('.', 1)[0]}.md"
    assert page.is_file(), f"{page.relative_to(REPO)} is missing: run python scripts/gen_diagrams.py"
    assert page.read_text() == example_page(example, _diagram(example)), \
        f"{page.relative_to(REPO)} is stale: run python scripts/gen_diagrams.py"


def test_docs_index_lists_every_example():
    assert (REPO / "docs" / "architecture" / "index.md").read_text() == index_page(EXAMPLES)


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_edge_joins_declared_nodes(example):
    declared, edges, _ = _parts(_diagram(example))
    for a, b in edges:
        assert a in declared and b in declared, (a, b)


def _label(diagram: str, node_id: str) -> str:
    m = re.search(rf"^\s+{node_id}[\[(]+\"(.*?)\"", diagram, re.M)
    assert m, node_id
    return m.group(1)


def test_post_operator_request_path_and_irsa():
    diagram = _diagram("standard-public-dns.yaml")
    _, edges, lines = _parts(diagram)
    labels = {node: _label(diagram, node) for edge in edges for node in edge if not node.startswith(("s_", "users"))}
    hops = {(labels.get(a, a), labels.get(b, b)) for a, b in edges}
    alb = next(label for label in labels.values() if label.startswith("ALB (made by aws-load-balancer-controller"))
    pods = next(label for label in labels.values() if label.startswith("W&B pods"))
    assert ("users", alb) in hops and (alb, pods) in hops
    for target in ("Aurora MySQL", "ElastiCache Redis", "S3 bucket<br/>file-storage", "SQS queue", "EFS (Weave)"):
        assert (pods, target) in hops, target
    irsa = [label for label in labels.values() if label.startswith("IRSA role")]
    assert any("kube-system/aws-load-balancer-controller" in label for label in irsa), irsa
    assert any("default/wandb-yace" in label for label in irsa), irsa
    cross = [line for line in lines if line.endswith("s_wandb_operator")]
    assert any("EKS cluster" in labels.get(line.split()[0], "") and "endpoint" in line for line in cross), cross


def test_pre_operator_alb_reaches_the_deployment():
    diagram = _diagram("pre-operator.tfvars")
    _, edges, _ = _parts(diagram)
    hops = {(_label(diagram, a) if not a.startswith(("s_", "users")) else a,
             _label(diagram, b) if not b.startswith("s_") else b) for a, b in edges}
    assert ("ALB internet-facing", "W&B pods (Deployment)") in hops or ("ALB internal", "W&B pods (Deployment)") in hops


def test_byob_and_launch_cross_stack_references():
    diagram = _diagram("regulated.yaml")
    assert "|team bucket|" in diagram
    assert re.search(r"_aws_iam_openid_connect_provider_0 -\.->\|arn\| s_regulated_launch_aws$", diagram, re.M)


def test_cli_diagram_matches(tmp_path):
    outdir = synth_file(REPO / "examples" / "byob-aws.yaml").outdir
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["diagram", "--from", str(outdir)]) == 0
    assert out.getvalue() == diagram_from_outdir(outdir)


def test_cli_diagram_synthesizes_the_configuration(monkeypatch):
    monkeypatch.setenv("WANDB_CDKTF_CONFIG", str(REPO / "examples" / "byob-aws.yaml"))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["diagram"]) == 0
    assert out.getvalue() == _diagram("byob-aws.yaml")


def test_own_tags_cover_every_example():
    """config.model.OWN_TAGS_MAX: `tags` leaves room for the tags our resources set themselves plus managed-by,
    so no resource passes AWS's 50 (AWS General Reference, "Tag naming limits and requirements")."""
    most = 0
    for example in EXAMPLES:
        for doc_path in synth_file(REPO / "examples" / example).outdir.glob("stacks/*/cdk.tf.json"):
            for items in json.loads(doc_path.read_text()).get("resource", {}).values():
                for body in items.values():
                    if isinstance(body.get("tags"), dict):
                        most = max(most, len(set(body["tags"]) - {"managed-by"}) + 1)
    assert 1 < most <= OWN_TAGS_MAX


def test_readme_diagram_command_as_written():
    """The README's "What it deploys" command, run as shown (from the repository root)."""
    import os
    import subprocess
    import sys

    readme = (REPO / "README.md").read_text()
    command = next(line for block in readme.split("```bash")[1:] for line in block.split("```", 1)[0].splitlines()
                   if "wandb-cdktf diagram" in line)
    assert command.startswith("WANDB_CDKTF_CONFIG=examples/standard-public-dns.yaml .venv/bin/wandb-cdktf diagram")
    venv_bin = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANDB_CDKTF_", "CDKTF_OUTDIR"))}
    # `.venv/bin/` is this clone's virtualenv; a test run from another environment points it at its own.
    proc = subprocess.run(["bash", "-c", command.replace(".venv/bin/", f"{venv_bin}/")], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout == _diagram("standard-public-dns.yaml")
