"""Command line entry point: ``wandb-cdktf [COMMAND]`` (``python main.py`` takes the same arguments).

Commands (``wandb-cdktf --help`` lists them with an example each; ``COMMAND --help`` explains one):
synth (the default), diagram, storage, launch-config, license, adopt, deployer-policy; ``--version``. Exit
codes: 0 success; 2 bad input (one line on stderr, output untouched); 1 an unexpected internal error (set
WANDB_CDKTF_DEBUG=1 for the traceback).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NoReturn

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
    target = check_outdir(outdir or os.environ.get(OUTDIR_ENV) or DEFAULT_OUTDIR)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as exc:
        raise ConfigError(OUTDIR_ENV, f"cannot create {target}: {exc.strerror or type(exc).__name__}; name a "
                          "directory you can write") from None
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


def check_outdir(outdir: str | os.PathLike[str]) -> Path:
    """The output directory, resolved, if it can be replaced as a whole; else a ConfigError naming CDKTF_OUTDIR
    (before anything is written: an existing file is never hidden or replaced)."""
    target = Path(outdir).resolve()
    if target.exists() and not target.is_dir():
        raise ConfigError(OUTDIR_ENV, f"{target} is a file, not a directory; name a directory (it is replaced as a "
                          "whole by each synthesis)")
    parent = target.parent
    while not parent.exists():  # the nearest existing ancestor is where the new directories would go
        parent = parent.parent
    if not parent.is_dir():
        raise ConfigError(OUTDIR_ENV, f"{parent} is a file, so {target} cannot be created; name a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ConfigError(OUTDIR_ENV, f"{parent} is not writable, so {target} cannot be written; name a directory "
                          "you can write")
    return target


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
    _silence_cdktf_deprecation()


# cdktf 0.21.0, its final release (the project is archived), calls util.isArray in TerraformOutput
# (lib/terraform-output.js), which Node 22 deprecates at run time: every synthesis with an output printed
# "[DEP0044] DeprecationWarning: The `util.isArray` API is deprecated". Nothing a user can act on. Only that one
# warning is silenced, and only on a Node that has --disable-warning (20.11+, 21.3+), which refuses it otherwise.
_CDKTF_DEPRECATION = "--disable-warning=DEP0044"


def _silence_cdktf_deprecation() -> None:
    options = os.environ.get("NODE_OPTIONS", "")
    node = shutil.which(os.environ.get("JSII_NODE") or "node")
    if _CDKTF_DEPRECATION in options or node is None:
        return
    import re
    import subprocess

    try:
        version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return
    found = re.match(r"v(\d+)\.(\d+)", version.strip())
    if found and ((20, 11) <= (int(found[1]), int(found[2])) < (21, 0) or (int(found[1]), int(found[2])) >= (21, 3)):
        os.environ["NODE_OPTIONS"] = f"{options} {_CDKTF_DEPRECATION}".strip()


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


COMMANDS: dict[str, tuple[str, str]] = {
    # name: (what it does, an example)
    "synth": ("synthesize the stacks into $CDKTF_OUTDIR (default cdktf.out) and print a deploy command per stack; "
              "the default command", "WANDB_CDKTF_CONFIG=examples/standard-public-dns.yaml wandb-cdktf synth"),
    "diagram": ("print a Mermaid diagram of what the configuration deploys: stacks, main resources, who reaches "
                "what, and the cross-stack references", "wandb-cdktf diagram > architecture.md"),
    "storage": ("print a W&B storage address for GORILLA_SUPPORTED_FILE_STORES (team-level BYOB)",
                'export TF_VAR_wandb_supported_file_stores="$(wandb-cdktf storage)"'),
    "launch-config": ("print the W&B Launch agent's launch-config.yaml for one cloud of `launch` (values only known "
                      "after deploy shown as Terraform expressions)", "wandb-cdktf launch-config --cloud aws"),
    "license": ("print the license of a terraform-aws-wandb .tfvars, for TF_VAR_wandb_license",
                'export TF_VAR_wandb_license="$(wandb-cdktf license terraform.tfvars)"'),
    "adopt": ("take over a terraform-aws-wandb workspace: import blocks and a report",
              "wandb-cdktf adopt --state show.json --tfvars terraform.tfvars --out takeover/"),
    "deployer-policy": ("print the IAM policy the principal running `cdktf deploy` needs, per stack (plan, apply, "
                        "upgrade, destroy), scoped to the deployment's names", "wandb-cdktf deployer-policy --stack "
                        "wandb-infra --account-id 123456789012 --out policies/"),
}


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("wandb-cdktf")
    except PackageNotFoundError:  # a source checkout run as python main.py without pip install
        return "unknown (not installed)"


def usage() -> str:
    lines = [f"wandb-cdktf {version()}: Weights & Biases self-managed infrastructure as CDKTF stacks", "",
             "usage: wandb-cdktf [COMMAND] [--help]    (python main.py takes the same arguments)", "", "commands:"]
    for name, (what, example) in COMMANDS.items():
        lines += [f"  {name:<14} {what}", f"  {'':<14} e.g. {example}"]
    lines += ["", "options:", "  -h, --help     this text (COMMAND --help: that command's)",
              "  --version      print the version", "",
              "The configuration is the file named by WANDB_CDKTF_CONFIG (.yaml, .json or a terraform-aws-wandb",
              ".tfvars); unset, the embedded example. Exit codes: 0 success; 2 bad input (one line on stderr, nothing",
              "written); 1 an unexpected internal error (set WANDB_CDKTF_DEBUG=1 for the traceback)."]
    return "\n".join(lines)


def command_help(name: str, body: str) -> str:
    what, example = COMMANDS[name]
    return f"usage: wandb-cdktf {name} {body}\n\n{what}.\n\nexample:\n  {example}"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    silence_node_banner()
    if args and args[0] in {"-h", "--help", "help"}:
        print(usage())
        return 0
    if args and args[0] == "--version":
        print(f"wandb-cdktf {version()}")
        return 0
    if args and args[0] == "license":
        return _license_command(args[1:])
    if args and args[0] == "adopt":
        return _adopt_command(args[1:])
    if args and args[0] == "storage":
        from .storage.__main__ import main as storage_main

        return storage_main(args[1:], prog="wandb-cdktf storage")
    if args and args[0] == "deployer-policy":
        return _guarded(lambda: _deployer_policy_command(args[1:]))
    if args and args[0] in {"diagram", "launch-config"}:
        return _guarded(lambda: _diagram_command(args[1:]) if args[0] == "diagram" else _launch_config_command(args[1:]))
    if args and args[0] == "synth":
        args = args[1:]
        if args in (["-h"], ["--help"]):
            print(command_help("synth", "") + "\n\n" + SYNTH_HELP)
            return 0
        if args:
            print(f"error: synth: takes no arguments, got {args[0]!r} (see wandb-cdktf synth --help)", file=sys.stderr)
            return 2
    if args:
        print(f"error: unknown command {args[0]!r}; commands: {', '.join(COMMANDS)} (see wandb-cdktf --help)",
              file=sys.stderr)
        return 2
    return _guarded(_synth_command)


SYNTH_HELP = """Reads the configuration named by WANDB_CDKTF_CONFIG (unset: the embedded example) and writes the
stacks to CDKTF_OUTDIR (default cdktf.out), replacing it only when synthesis succeeds. Prints the configuration
used, the region, each stack with its resource count and the `cdktf deploy` command cdktf accepts for it."""


def _guarded(run: Callable[[], int]) -> int:
    """Run a command with the CLI's error contract: bad input is one line and exit 2, anything else exit 1."""
    try:
        return run()
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


def config_source() -> str:
    """Where the configuration comes from, in words: the file, or the embedded example."""
    path = os.environ.get(CONFIG_ENV, "").strip()
    return path if path else "the embedded example (WANDB_CDKTF_CONFIG is not set)"


def _synth_command() -> int:
    outdir = os.environ.get(OUTDIR_ENV) or DEFAULT_OUTDIR
    config = _load()
    summary = synthesize_config(config, outdir=outdir)
    dependencies = stack_dependencies(outdir)
    total = 0
    print(f"wandb-cdktf: synthesized {len(summary)} stack(s) into {outdir}")
    print(f"  configuration: {config_source()}; region: {config.region}")
    for stack, counts in summary.items():
        n = sum(counts.values())
        total += n
        print(f"  {stack:<28} {n:>4} resources  ({deploy_command(config, stack, dependencies)})")
    print(f"  total {total} resources")
    for note in deploy_notes(config):
        print(f"note: {note}", file=sys.stderr)
    return 0


def _synth_to_temp(config: WandbConfig, tmp: str) -> Path:
    """Synthesize ``config`` into ``tmp`` (for the commands that read the stacks, not keep them)."""
    check_extras(config)
    from .app import build_app

    built = build_app(config, outdir=tmp)
    built.app.synth()
    return Path(tmp)


def _diagram_command(args: list[str]) -> int:
    if any(a in {"-h", "--help"} for a in args):
        print(command_help("diagram", "[--from DIR]") + "\n\n" + DIAGRAM_HELP)
        return 0
    parser = _one_line_parser("diagram")
    parser.add_argument("--from", dest="source")
    ns = parser.parse_args(args)
    from .diagram import diagram_from_outdir

    if ns.source:
        if not (Path(ns.source) / "manifest.json").is_file():
            raise ConfigError("--from", f"{ns.source} holds no synthesized stacks (no manifest.json); run wandb-cdktf "
                              "synth first or leave --from out")
        print(diagram_from_outdir(Path(ns.source)), end="")
        return 0
    config = _load()
    with tempfile.TemporaryDirectory(prefix="wandb-cdktf-diagram-") as tmp:
        print(diagram_from_outdir(_synth_to_temp(config, tmp)), end="")
    return 0


DIAGRAM_HELP = """Synthesizes the configuration (WANDB_CDKTF_CONFIG) in a temporary directory, or reads stacks already
synthesized (--from cdktf.out), and prints a Mermaid flowchart in a ```mermaid block (GitHub and the docs site
render it): one box per stack, its main resources, the path of a request (ALB -> W&B pods -> database, Redis,
bucket, queue), the IRSA roles and which service account assumes them, and the cross-stack references."""


def _launch_config_command(args: list[str]) -> int:
    if any(a in {"-h", "--help"} for a in args):
        print(command_help("launch-config", "[--cloud aws|gcp|azure]") + "\n\n" + LAUNCH_CONFIG_HELP)
        return 0
    parser = _one_line_parser("launch-config")
    parser.add_argument("--cloud", choices=("aws", "gcp", "azure"))
    ns = parser.parse_args(args)
    config = _load()
    clouds = config.launch.clouds() if config.launch is not None else []
    if not clouds:
        raise ConfigError("launch", f"is not configured in {config_source()}; add a launch section (docs/launch.md)")
    cloud = ns.cloud or clouds[0]
    if cloud not in clouds:
        raise ConfigError("--cloud", f"launch.{cloud} is not configured; configured: {', '.join(clouds)}")
    if ns.cloud is None and len(clouds) > 1:
        raise ConfigError("--cloud", f"launch configures {', '.join(clouds)}: say which with --cloud")
    stack = config.stack_ids[f"launch-{cloud}"]
    with tempfile.TemporaryDirectory(prefix="wandb-cdktf-launch-") as tmp:
        doc = json.loads((_synth_to_temp(config, tmp) / "stacks" / stack / "cdk.tf.json").read_text())
    print(doc["output"]["launch_config"]["value"], end="")
    print(f"note: ${{...}} values are known after `cdktf deploy {stack}`; then `cdktf output {stack}` prints the "
          "document with them (launch_config, helm_values)", file=sys.stderr)
    return 0


LAUNCH_CONFIG_HELP = """Prints the launch-config.yaml that the <namespace>-launch-<cloud> stack outputs, before anything is
deployed: the repository and build-context bucket appear as Terraform expressions (${...}) until deployed.
--cloud is needed only when launch configures more than one cloud."""


DEPLOYER_POLICY_HELP = """Synthesizes the configuration in a temporary directory (nothing is written to cdktf.out) and prints, as
one JSON object, the IAM policy document(s) of each AWS stack: what the principal that runs `cdktf deploy` needs to
plan, apply, upgrade and destroy it. A stack whose policy is over a managed policy's 6,144 characters is split into
<stack>-1, <stack>-2, ... (attach them all). Why each Resource "*" remains is printed on stderr; GCP and Azure stacks
get a note instead (IAM policies do not apply). See docs/deployer-policy.md.

  --config FILE      the configuration (default: WANDB_CDKTF_CONFIG, else the embedded example)
  --stack ID         only this stack (default: every stack)
  --account-id ID    the 12-digit AWS account in the ARNs (default: *)
  --out DIR          write <policy name>.json files into DIR instead of printing"""


def _deployer_policy_command(args: list[str]) -> int:
    if any(a in {"-h", "--help"} for a in args):
        print(command_help("deployer-policy", "[--config FILE] [--stack ID] [--account-id ID] [--out DIR]") + "\n\n"
              + DEPLOYER_POLICY_HELP)
        return 0
    import re

    parser = _one_line_parser("deployer-policy")
    for option in ("--config", "--stack", "--account-id", "--out"):
        parser.add_argument(option)
    ns = parser.parse_args(args)
    if ns.account_id is not None and not re.fullmatch(r"\d{12}", ns.account_id):
        raise ConfigError("--account-id", f"{ns.account_id!r} is not an AWS account id: give its 12 digits")
    if ns.config is not None and not Path(ns.config).is_file():
        raise ConfigError("--config", f"{ns.config} is not a file; give a .yaml, .json or .tfvars configuration")
    out = Path(ns.out) if ns.out else None
    if out is not None and out.exists() and not out.is_dir():
        raise ConfigError("--out", f"{out} is a file; name a directory (new or existing) for the <stack>.json files")
    from .testing import load_stacks

    config = _load(ns.config)
    with tempfile.TemporaryDirectory(prefix="wandb-cdktf-deployer-") as tmp:
        stacks = load_stacks(_synth_to_temp(config, tmp))
    if ns.stack is not None:
        if ns.stack not in stacks:
            raise ConfigError("--stack", f"{ns.stack!r} is not a stack of this configuration; stacks: "
                              f"{', '.join(stacks)}")
        stacks = {ns.stack: stacks[ns.stack]}
    from .deployer_policy import describe, split_policy

    documents: dict[str, dict[str, Any]] = {}
    for name, found in describe(stacks, account_id=ns.account_id).items():
        for note in found.notes:
            print(f"note: {name}: {note}" if not note.startswith(name) else f"note: {note}", file=sys.stderr)
        if not found.policy["Statement"]:
            continue
        parts = split_policy(found.policy)
        for i, part in enumerate(parts, 1):
            documents[name if len(parts) == 1 else f"{name}-{i}"] = part
        if len(parts) > 1:
            print(f"note: {name}: {len(parts)} managed policies ({', '.join(f'{name}-{i}' for i in range(1, len(parts) + 1))}"
                  "): one is at most 6,144 characters; attach them all", file=sys.stderr)
        for sid, reason in found.reasons.items():
            scope = next((s["Resource"] for s in found.policy["Statement"] if s["Sid"] == sid), "*")
            print(f"note: {name}: {sid} is Resource {json.dumps(scope)}: {reason}", file=sys.stderr)
    if out is None:
        print(json.dumps(documents, indent=2))
        return 0
    try:
        out.mkdir(parents=True, exist_ok=True)
        for policy_name, document in documents.items():
            (out / f"{policy_name}.json").write_text(json.dumps(document, indent=2) + "\n")
    except OSError as exc:
        raise ConfigError("--out", f"cannot write {out}: {exc.strerror or type(exc).__name__}; name a directory you "
                          "can write") from None
    print(f"wandb-cdktf: wrote {len(documents)} policy document(s) to {out}: "
          f"{', '.join(f'{n}.json' for n in documents)}")
    return 0


def _one_line_parser(command: str) -> Any:
    import argparse

    class _Parser(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:  # one line, exit 2
            raise ConfigError(command, f"{message} (see wandb-cdktf {command} --help)")

    return _Parser(prog=f"wandb-cdktf {command}", add_help=False)


def deploy_command(config: WandbConfig, stack: str, dependencies: Mapping[str, list[str]] | None = None) -> str:
    """The command that deploys ``stack``. cdktf refuses to deploy a stack without the stacks it
    depends on ("The following dependencies are not included in the stacks to run"), so the command names
    every stack ``stack`` depends on, directly or not, first (``dependencies``: the synthesized manifest's,
    :func:`stack_dependencies`; without it, the platform's own infra -> app/operator dependency)."""
    if dependencies is None:
        ids = config.stack_ids
        dependencies = {k: [ids["infra"]] for k in (ids.get("app"), ids.get("operator")) if k and "infra" in ids}
    return "cdktf deploy " + " ".join([*deploy_order(stack, dependencies), stack])


def deploy_order(stack: str, dependencies: Mapping[str, list[str]]) -> list[str]:
    """The stacks ``stack`` depends on, directly or through others, each after its own dependencies."""
    order: list[str] = []

    def visit(name: str) -> None:
        for dep in dependencies.get(name, []):
            if dep not in order and dep != stack:
                visit(dep)
                order.append(dep)

    visit(stack)
    return order


def stack_dependencies(outdir: str | os.PathLike[str]) -> dict[str, list[str]]:
    """{stack id: the stack ids it references} from a synthesized ``manifest.json`` (what cdktf checks)."""
    manifest = json.loads((Path(outdir) / "manifest.json").read_text())
    return {name: list(entry.get("dependencies", [])) for name, entry in manifest.get("stacks", {}).items()}


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
    if ids.get("operator") and not config.external_dns:
        # Post-operator the ALB is made by the load balancer controller from the W&B Ingress; only external-dns
        # (v8 external_dns, default false) writes a record for it. Nothing else creates one.
        notes.append(
            f"nothing creates the DNS record of {config.fqdn} (external_dns: false): after `{ids['operator']}` is "
            f"deployed, point it at the ALB {config.namespace}-alb-k8s (Route53 alias; `aws elbv2 describe-load-balancers "
            f"--names {config.namespace}-alb-k8s`), or set external_dns: true to have external-dns write it in zone_id"
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
