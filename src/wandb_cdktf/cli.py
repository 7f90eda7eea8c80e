"""Command line entry point: load the configuration, synthesize, summarize.

Exit codes: 0 success; 2 bad configuration (one line on stderr, output untouched);
1 an unexpected internal error (set WANDB_CDKTF_DEBUG=1 for the traceback).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from .config import ConfigError, WandbConfig, load_config

OUTDIR_ENV = "CDKTF_OUTDIR"
DEFAULT_OUTDIR = "cdktf.out"


def synthesize(config_path: str | None = None, outdir: str | None = None) -> dict[str, dict[str, int]]:
    """Synthesize into ``outdir`` atomically; returns {stack id: {resource type: count}}.

    The app is synthesized into a temporary sibling directory that replaces
    ``outdir`` only when synthesis succeeded, so a failure never leaves a
    half-written output behind.
    """
    return synthesize_config(load_config(config_path), outdir)


def synthesize_config(config: WandbConfig, outdir: str | None = None) -> dict[str, dict[str, int]]:
    """``synthesize`` for an already loaded configuration."""
    for warning in config.warnings():  # accepted, but against the W&B/cloud docs: say so, once per synth
        print(f"config warning: {warning}", file=sys.stderr)
    target = Path(outdir or os.environ.get(OUTDIR_ENV) or DEFAULT_OUTDIR).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        from .app import build_app

        built = build_app(config, outdir=str(staging))
        built.app.synth()
        summary = summarize(staging)
        _replace_dir(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return summary


def _replace_dir(new: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        target.rename(old)
    new.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def summarize(outdir: Path) -> dict[str, dict[str, int]]:
    result: dict[str, dict[str, int]] = {}
    stacks_dir = outdir / "stacks"
    for stack_dir in sorted(p for p in stacks_dir.iterdir() if p.is_dir()) if stacks_dir.exists() else []:
        doc = json.loads((stack_dir / "cdk.tf.json").read_text())
        result[stack_dir.name] = {rtype: len(items) for rtype, items in sorted(doc.get("resource", {}).items())}
    return result


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in {"-h", "--help"}:
        print(__doc__.strip())
        print("\nUsage: python main.py   (config from $WANDB_CDKTF_CONFIG, output to $CDKTF_OUTDIR or cdktf.out)")
        return 0
    outdir = os.environ.get(OUTDIR_ENV) or DEFAULT_OUTDIR
    try:
        config = load_config()
        summary = synthesize_config(config, outdir=outdir)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; output left unchanged", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the one place that turns surprises into a message
        if os.environ.get("WANDB_CDKTF_DEBUG"):
            raise
        first = " ".join(str(exc).split())[:400]
        print(f"error: {type(exc).__name__}: {first} (set WANDB_CDKTF_DEBUG=1 for details)", file=sys.stderr)
        return 1
    total = 0
    print(f"wandb-cdktf: synthesized {len(summary)} stack(s) into {outdir}")
    for stack, counts in summary.items():
        n = sum(counts.values())
        total += n
        print(f"  {stack:<28} {n:>4} resources  ({deploy_command(config, stack)})")
    print(f"  total {total} resources")
    for note in deploy_notes(config):
        print(f"note: {note}", file=sys.stderr)
    return 0


def deploy_command(config: WandbConfig, stack: str) -> str:
    """The command that deploys ``stack``. cdktf refuses to deploy a stack without the stacks it
    depends on ("The following dependencies are not included in the stacks to run"), so the
    app/operator stack is named together with the infra stack."""
    ids = config.stack_ids
    if stack in (ids.get("app"), ids.get("operator")):
        return f"cdktf deploy {ids['infra']} {stack}"
    return f"cdktf deploy {stack}"


def deploy_notes(config: WandbConfig) -> list[str]:
    """What the user must know before deploying this configuration."""
    notes = []
    ids = config.stack_ids
    k8s_stack = ids.get("app") or ids.get("operator")
    if k8s_stack and not config.kubernetes_public_access:
        notes.append(
            f"the EKS API endpoint is private (kubernetes_public_access: false), so `{k8s_stack}` can only be "
            "deployed from inside the VPC (VPN, bastion, or a CI runner there); to deploy from elsewhere set "
            "kubernetes_public_access: true and kubernetes_public_access_cidrs to your runners' CIDRs"
        )
    return notes
