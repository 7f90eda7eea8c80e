"""Helpers for the bare-stack construct tests (tests/test_construct_*.py).

Each test module builds its constructs the way a user importing them would: a plain
``cdktf.App`` holding one plain ``cdktf.TerraformStack`` per variant, an AWS provider,
and the construct with literal props. All variants of a module share one ``App`` and
one ``synth()`` (each jsii synth costs seconds), through :func:`build_bare_stacks`.

Logical ids in a bare stack carry a hash suffix (``storage_bucket_6AF501AE``), so
resources are looked up by their construct path (``"storage/bucket"``), which the
synthesized JSON records in each block's ``//`` metadata.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cdktf import App, TerraformOutput, TerraformStack

from _support import validate_once
from wandb_cdktf._providers import aws
from wandb_cdktf.testing import load_stacks

KEY_ARN = "arn:aws:kms:us-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
CERT_ARN = "arn:aws:acm:us-west-2:123456789012:certificate/11111111-2222-3333-4444-555555555555"
VPC_ID = "vpc-0123456789abcdef0"
SUBNETS = ["subnet-0000000000000000a", "subnet-0000000000000000b"]
SG_ID = "sg-0123456789abcdef0"
ZONE_ID = "Z0123456789EXAMPLE00"
ROLE_ARN = "arn:aws:iam::123456789012:role/example"

Builder = Callable[[TerraformStack], Any]


class BareStacks:
    """Synthesized bare stacks of one test module: JSON per stack, and what each builder returned."""

    def __init__(self, outdir: Path, docs: dict[str, dict[str, Any]], handles: dict[str, Any]) -> None:
        self.outdir = outdir
        self.docs = docs
        self.handles = handles

    def __getitem__(self, stack_id: str) -> dict[str, Any]:
        return self.docs[stack_id]

    def stack_dir(self, stack_id: str) -> Path:
        return self.outdir / "stacks" / stack_id


def aws_stack(app: App, stack_id: str) -> TerraformStack:
    stack = TerraformStack(app, stack_id)
    aws.provider.AwsProvider(stack, "aws", region="us-west-2")
    return stack


def build_bare_stacks(outdir: Path, builders: dict[str, Builder], *, with_aws_provider: bool = True) -> BareStacks:
    """One App, one bare TerraformStack per builder (``builder(stack)`` adds the constructs), one synth."""
    app = App(outdir=str(outdir))
    handles: dict[str, Any] = {}
    for stack_id, build in builders.items():
        stack = aws_stack(app, stack_id) if with_aws_provider else TerraformStack(app, stack_id)
        handles[stack_id] = build(stack)
    app.synth()
    return BareStacks(outdir, load_stacks(outdir), handles)


def output(stack: TerraformStack, name: str, value: Any) -> None:
    """Expose a construct attribute (usually a token) so its resolved expression lands in the JSON."""
    TerraformOutput(stack, name, value=value)


def _path_of(block: dict[str, Any]) -> str:
    return block.get("//", {}).get("metadata", {}).get("path", "")


def _match(blocks: dict[str, dict[str, Any]], path: str) -> dict[str, dict[str, Any]]:
    # metadata path is "<stack id>/<construct path>"
    return {lid: b for lid, b in blocks.items() if _path_of(b).split("/", 1)[-1] == path}


def all_of(doc: dict[str, Any], rtype: str, *, kind: str = "resource") -> dict[str, dict[str, Any]]:
    """Every block of one type, keyed by construct path relative to the stack."""
    return {_path_of(b).split("/", 1)[-1]: b for b in doc.get(kind, {}).get(rtype, {}).values()}


def under(doc: dict[str, Any], rtype: str, prefix: str) -> dict[str, dict[str, Any]]:
    """Blocks of one type whose construct path starts with ``prefix`` (e.g. "net/public-")."""
    return {p: b for p, b in all_of(doc, rtype).items() if p.startswith(prefix)}


def at(doc: dict[str, Any], rtype: str, path: str, *, kind: str = "resource") -> dict[str, Any]:
    """The one block of ``rtype`` at construct path ``path`` (relative to the stack)."""
    found = _match(doc.get(kind, {}).get(rtype, {}), path)
    if len(found) != 1:
        raise AssertionError(f"expected one {kind} {rtype} at {path!r}, found {sorted(found)} in {sorted(all_of(doc, rtype, kind=kind))}")
    return next(iter(found.values()))


def address(doc: dict[str, Any], rtype: str, path: str, *, kind: str = "resource") -> str:
    """The Terraform address (``rtype.<logical id>``, ``data.`` prefixed for data sources) of the block at ``path``."""
    found = _match(doc.get(kind, {}).get(rtype, {}), path)
    if len(found) != 1:
        raise AssertionError(f"expected one {kind} {rtype} at {path!r}, found {sorted(found)}")
    (lid,) = found
    prefix = "data." if kind == "data" else ""
    return f"{prefix}{rtype}.{lid}"


def ref(doc: dict[str, Any], rtype: str, path: str, attr: str, *, kind: str = "resource") -> str:
    """The Terraform expression ``${rtype.<logical id>.attr}`` for the block at ``path``."""
    return f"${{{address(doc, rtype, path, kind=kind)}.{attr}}}"


def types(doc: dict[str, Any], kind: str = "resource") -> set[str]:
    return set(doc.get(kind, {}))


def policy(block: dict[str, Any], field: str = "policy") -> dict[str, Any]:
    return json.loads(block[field])


def statements(block: dict[str, Any], field: str = "policy") -> dict[str, dict[str, Any]]:
    """Policy statements keyed by Sid (unnamed ones by position)."""
    return {s.get("Sid", str(i)): s for i, s in enumerate(policy(block, field)["Statement"])}


def assert_validates(tf_env: Any, stack_dir: Path) -> None:
    """terraform init+validate in ``stack_dir``; fail with Terraform's diagnostics."""
    ok, detail = validate_once(tf_env, stack_dir)
    assert ok, f"terraform validate failed in {stack_dir.name}:\n{detail}"
