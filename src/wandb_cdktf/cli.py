"""Command line entry point: load the configuration, synthesize, summarize.

    wandb-cdktf                  synthesize (config from $WANDB_CDKTF_CONFIG, output to $CDKTF_OUTDIR or cdktf.out)
    wandb-cdktf license FILE     print the license (`license` or `wandb_license`) of a terraform-aws-wandb .tfvars, for
                                 export TF_VAR_wandb_license="$(wandb-cdktf license terraform.tfvars)"
    wandb-cdktf adopt --state SHOW.json --tfvars terraform.tfvars --out DIR
                                 take over a terraform-aws-wandb workspace (see `wandb-cdktf adopt --help`)

`python main.py` takes the same arguments. Exit codes: 0 success; 2 bad configuration (one line on stderr, output untouched);
1 an unexpected internal error (set WANDB_CDKTF_DEBUG=1 for the traceback).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import NoReturn

from ._providers import MissingExtraError
from .config import CONFIG_ENV, LICENSE_ENV, ConfigError, WandbConfig, load_config
from .config.base import one_line
from .config.loader import tfvars_license

OUTDIR_ENV = "CDKTF_OUTDIR"
DEFAULT_OUTDIR = "cdktf.out"


def synthesize(config_path: str | None = None, outdir: str | None = None) -> dict[str, dict[str, int]]:
    """Synthesize into ``outdir`` atomically; returns {stack id: {resource type: count}}.

    The app is synthesized into a temporary sibling directory that replaces
    ``outdir`` only when synthesis succeeded, so a failure never leaves a
    half-written output behind.
    """
    return synthesize_config(_load(config_path), outdir)


def _load(config_path: str | None = None) -> WandbConfig:
    config = load_config(config_path)
    path = config_path or os.environ.get(CONFIG_ENV, "").strip() or None
    _license_notice(path)
    _tfvars_notes(path)
    return config


def synthesize_config(config: WandbConfig, outdir: str | None = None) -> dict[str, dict[str, int]]:
    """``synthesize`` for an already loaded configuration."""
    check_extras(config)
    check_emulator_endpoint(config)
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


def check_extras(config: WandbConfig) -> None:
    """A configuration with GCP/Azure stacks needs the ``gcp``/``azure`` extra: say so before anything is built."""
    from ._providers import EXTRAS, installed

    for role in config.stack_ids:
        section, _, cloud = role.partition("-")
        for package, (extra, name) in EXTRAS.items():
            if cloud == extra and not installed(package):  # the extras are named after the clouds
                raise ConfigError(f"{section}.{cloud}", f"needs the {name} provider bindings, which are not installed: "
                                  f"pip install 'wandb-cdktf[{extra}]'")


def check_emulator_endpoint(config: WandbConfig, environ: Mapping[str, str] = os.environ) -> None:
    """``aws_endpoints`` without ``url`` leaves the emulator's URL to ``AWS_ENDPOINT_URL``: without it the stacks
    would talk to real AWS with the emulator profile's checks skipped, so refuse before anything is written."""
    if config.aws_endpoints is None or config.aws_endpoints.url is not None:
        return
    if not any(k == "AWS_ENDPOINT_URL" or k.startswith("AWS_ENDPOINT_URL_") for k, v in environ.items() if v):
        raise ConfigError("aws_endpoints.url", "not set and AWS_ENDPOINT_URL is not exported: give the emulator's URL "
                          "in one of them (e.g. http://127.0.0.1:5000)")


def silence_node_banner() -> None:
    """jsii's Node runtime prints a large end-of-life banner on Node 20. It is not actionable for a user of the
    CLI (the Node version comes from their machine), so the CLI silences it by listing the Node major versions,
    which is what jsii reads. The library does not: that is its host application's decision."""
    majors = ",".join(str(v) for v in range(14, 41))
    for kind in ("END_OF_LIFE", "DEPRECATED", "UNTESTED"):
        os.environ.setdefault(f"JSII_SILENCE_WARNING_{kind}_NODE_VERSION", majors)


def _license_notice(config_path: str | None) -> None:
    """A v8 tfvars carries the license, which is never synthesized: say how it reaches Terraform."""
    if not config_path or Path(config_path).suffix.lower() not in {".tfvars", ".hcl"} or os.environ.get(LICENSE_ENV):
        return
    if tfvars_license(config_path) is not None:
        print(f"note: the license in {Path(config_path).name} is not written to the output; before cdktf deploy run "
              f'export {LICENSE_ENV}="$(wandb-cdktf license {config_path})"', file=sys.stderr)


def _tfvars_notes(config_path: str | None) -> None:
    """A terraform-aws-wandb tfvars: what became of older versions' variables, and which region is used."""
    if not config_path or Path(config_path).suffix.lower() not in {".tfvars", ".hcl"}:
        return
    from .config.loader import _parse, tfvars_notes

    for note in tfvars_notes(_parse(Path(config_path).read_text(encoding="utf-8"), "tfvars", Path(config_path).name),
                             Path(config_path).name):
        print(f"config note: {note}", file=sys.stderr)


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
    silence_node_banner()
    if args and args[0] in {"-h", "--help"}:
        print(__doc__.strip())
        return 0
    if args and args[0] == "license":
        return _license_command(args[1:])
    if args and args[0] == "adopt":
        return _adopt_command(args[1:])
    if args:
        print(f"error: unknown command {args[0]!r}; see wandb-cdktf --help", file=sys.stderr)
        return 2
    outdir = os.environ.get(OUTDIR_ENV) or DEFAULT_OUTDIR
    try:
        config = _load()
        summary = synthesize_config(config, outdir=outdir)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except MissingExtraError as exc:  # a binding used outside what check_extras knows
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; output left unchanged", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("WANDB_CDKTF_DEBUG"):
            raise
        print(f"error: {type(exc).__name__}: {one_line(str(exc), 400)} (set WANDB_CDKTF_DEBUG=1 for details)", file=sys.stderr)
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
        print(f"config error: license: {Path(args[0]).name} has no `license` (nor `wandb_license`)", file=sys.stderr)
        return 2
    print(value)
    return 0


ADOPT_HELP = """usage: wandb-cdktf adopt --state SHOW.json --tfvars terraform.tfvars --out DIR

Take over the AWS objects of a terraform-aws-wandb workspace without replacing them. Supported:
v8.x, v7.x, v4.7.2 and v1.16.10 (pre-operator); the version is read from the state's addresses and
reported in ADOPTION.md, with `deployment: pre-operator` for v1.16.10.

  --state   the old workspace's `terraform show -json > SHOW.json`
  --tfvars  that workspace's terraform.tfvars (its license is not copied)
  --out     a new or empty directory; receives wandb-cdktf.yaml (your configuration plus an
            `adoption` section: import blocks and the existing immutable names) and ADOPTION.md
            (what is imported, replaced anyway, left with the old workspace, and the cut-over steps
            including `terraform state rm`)

Bad input (not such a workspace, a namespace mismatch, a tfvars we cannot load) prints one line,
exits 2 and writes nothing. Then: export WANDB_CDKTF_CONFIG=DIR/wandb-cdktf.yaml and follow ADOPTION.md."""


def _adopt_command(args: list[str]) -> int:
    import argparse

    if any(a in {"-h", "--help"} for a in args):
        print(ADOPT_HELP)
        return 0

    class _Parser(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:  # one line, exit 2
            print(f"error: adopt: {message} (see wandb-cdktf adopt --help)", file=sys.stderr)
            raise SystemExit(2)

    parser = _Parser(prog="wandb-cdktf adopt", add_help=False)
    for name in ("--state", "--tfvars", "--out"):
        parser.add_argument(name, required=True)
    try:
        ns = parser.parse_args(args)
    except SystemExit as exc:
        return int(exc.code or 0)
    out = Path(ns.out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        print(f"config error: --out: {out} exists and is not an empty directory", file=sys.stderr)
        return 2
    try:
        from .adopt import plan_takeover, report

        take = plan_takeover(Path(ns.state), Path(ns.tfvars))
        text = report(take, Path(ns.state).name)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    import yaml

    out.mkdir(parents=True, exist_ok=True)
    (out / "wandb-cdktf.yaml").write_text(
        "# Written by wandb-cdktf adopt from " + Path(ns.tfvars).name + "; the license is not here (see ADOPTION.md).\n"
        + yaml.safe_dump(take.config, sort_keys=False))
    (out / "ADOPTION.md").write_text(text)
    print(f"wandb-cdktf: {len(take.adopted)} resources to import, {len(take.replaced)} replaced anyway, "
          f"{len(take.stays) + len(take.unmatched)} left with the old workspace; read {out / 'ADOPTION.md'}")
    return 0
