"""Command line entry point: load the configuration, synthesize, summarize.

    wandb-cdktf                  synthesize (config from $WANDB_CDKTF_CONFIG, output to $CDKTF_OUTDIR or cdktf.out)
    wandb-cdktf license FILE     print the `license` of a terraform-aws-wandb .tfvars, for
                                 export TF_VAR_wandb_license="$(wandb-cdktf license terraform.tfvars)"

`python main.py` takes the same arguments. Exit codes: 0 success; 2 bad configuration (one line on stderr, output untouched);
1 an unexpected internal error (set WANDB_CDKTF_DEBUG=1 for the traceback).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from .config import CONFIG_ENV, LICENSE_ENV, ConfigError, load_config
from .config.loader import tfvars_license

OUTDIR_ENV = "CDKTF_OUTDIR"
DEFAULT_OUTDIR = "cdktf.out"


def synthesize(config_path: str | None = None, outdir: str | None = None) -> dict[str, dict[str, int]]:
    """Synthesize into ``outdir`` atomically; returns {stack id: {resource type: count}}.

    The app is synthesized into a temporary sibling directory that replaces
    ``outdir`` only when synthesis succeeded, so a failure never leaves a
    half-written output behind.
    """
    config = load_config(config_path)
    _license_notice(config_path or os.environ.get(CONFIG_ENV, "").strip() or None)
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


def _license_notice(config_path: str | None) -> None:
    """A v8 tfvars carries the license, which is never synthesized: say how it reaches Terraform."""
    if not config_path or Path(config_path).suffix.lower() not in {".tfvars", ".hcl"} or os.environ.get(LICENSE_ENV):
        return
    if tfvars_license(config_path) is not None:
        print(f"note: the license in {Path(config_path).name} is not written to the output; before cdktf deploy run "
              f'export {LICENSE_ENV}="$(wandb-cdktf license {config_path})"', file=sys.stderr)


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
        return 0
    if args and args[0] == "license":
        return _license_command(args[1:])
    if args:
        print(f"error: unknown command {args[0]!r}; see wandb-cdktf --help", file=sys.stderr)
        return 2
    outdir = os.environ.get(OUTDIR_ENV) or DEFAULT_OUTDIR
    try:
        summary = synthesize(outdir=outdir)
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
        print(f"  {stack:<28} {n:>4} resources  (cdktf deploy {stack})")
    print(f"  total {total} resources")
    return 0


def _license_command(args: list[str]) -> int:
    usage = (f'usage: wandb-cdktf license FILE.tfvars   (prints its `license`, for export {LICENSE_ENV}='
             '"$(wandb-cdktf license FILE.tfvars)")')
    if args in (["-h"], ["--help"]):
        print(usage)
        return 0
    if len(args) != 1:
        print(usage, file=sys.stderr)
        return 2
    try:
        value = tfvars_license(args[0])
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if value is None:
        print(f"config error: license: {Path(args[0]).name} has no `license`", file=sys.stderr)
        return 2
    print(value)
    return 0
