"""Deletion-protected resources that a configuration change takes out of the configuration.

Terraform's ``prevent_destroy`` guards a resource only while its block is in the configuration: when a change removes
the block (switching to ``kms_key_arn`` drops the created key; the rollback to pre-operator drops the Weave EFS),
Terraform destroys the object without a word (Terraform docs, "The lifecycle Meta-Argument": "this setting does not
prevent the remote object from being destroyed if the resource block were removed from configuration entirely").
With ``deletion_protection`` those shapes carry a ``removed`` block (Terraform >= 1.7) for the address the resource
has when it exists, with ``destroy = false``: Terraform forgets the object and AWS keeps it. A ``removed`` block
whose address has no state does nothing, so a deployment that never had the resource is unaffected.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cdktf import TerraformStack
from constructs import Construct

from .security_groups import logical_id


def keep_when_removed(scope: Construct, resources: Sequence[tuple[str, Sequence[str]]]) -> None:
    """Add ``removed { from = <type>.<address>; lifecycle { destroy = false } }`` to ``scope``'s stack for each
    ``(resource type, construct ids below scope)``: the address a resource at that construct path has."""
    stack = TerraformStack.of(scope)
    path = [c.node.id for c in scope.node.scopes[scope.node.scopes.index(stack) + 1:]]
    blocks: list[dict[str, Any]] = getattr(stack, "_wandb_removed_blocks", [])
    for rtype, below in resources:
        blocks.append({"from": f"{rtype}.{logical_id([*path, *below])}", "lifecycle": {"destroy": False}})
    stack._wandb_removed_blocks = blocks  # type: ignore[attr-defined]
    stack.add_override("removed", blocks)
