"""Build the takeover of a terraform-aws-wandb workspace from its ``terraform show -json``.

Everything is computed and checked before anything is written: a bad input raises
:class:`~wandb_cdktf.config.ConfigError` (one line, exit code 2 on the command line).
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import ConfigError, config_from_mapping
from ..config import v8 as v8_table
from ..config.loader import _parse
from . import mapping

# Objects every terraform-aws-wandb deployment has (v1.16.10 to v8), each with its alternative addresses:
# v1.16.10 and v4.7.2 count module.file_storage (create_bucket).
REQUIRED = (("module.kms.aws_kms_key.key",), ("module.app_eks.module.eks.aws_eks_cluster.this[0]",),
            ("module.database.module.aurora.aws_rds_cluster.this[0]",),
            ("module.file_storage.aws_s3_bucket.file_storage", "module.file_storage[0].aws_s3_bucket.file_storage"))


@dataclass
class Takeover:
    """What ``wandb-cdktf adopt`` writes: a config for our stacks and a report."""

    config: dict[str, Any]
    generation: str
    adopted: list[tuple[str, str, str]] = field(default_factory=list)
    """(old address, our address, import id)."""
    replaced: list[tuple[str, str]] = field(default_factory=list)
    released: list[tuple[str, str]] = field(default_factory=list)
    """(old address, why): ``terraform state rm`` in the old workspace, never destroy."""
    stays: list[tuple[str, str]] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    """Our stateful resources with no old counterpart (created new)."""


def read_show_json(path: Path) -> list[dict[str, Any]]:
    """Managed resources of a ``terraform show -json`` document, flattened over modules."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("--state", f"file not found: {path}") from None
    except (OSError, UnicodeDecodeError, ValueError):
        raise ConfigError("--state", f"{path.name} is not the JSON of `terraform show -json`") from None
    root = doc.get("values", {}).get("root_module") if isinstance(doc, dict) and "format_version" in doc else None
    if not isinstance(root, dict):
        raise ConfigError("--state", f"{path.name} is not `terraform show -json` of an applied workspace (no values.root_module)")
    out: list[dict[str, Any]] = []

    def walk(module: dict[str, Any]) -> None:
        for res in module.get("resources", []) or []:
            if res.get("mode") == "managed":
                out.append(res)
        for child in module.get("child_modules", []) or []:
            walk(child)

    walk(root)
    return out


def _get(values: dict[str, Any], dotted: str) -> Any:
    value: Any = values
    for part in dotted.split("."):
        if isinstance(value, list):  # a nested block is a one-item list in state
            value = value[0] if value else None
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _tfvars(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise ConfigError("--tfvars", f"cannot read {path}") from None
    data = _parse(text, "tfvars", path.name)
    data.pop("license", None)  # passed as TF_VAR_wandb_license, never written
    # Unsupported v8 variables at values we honour anyway are dropped, as the loader does.
    for name in [k for k in data if k in v8_table.BY_NAME and v8_table.BY_NAME[k].fate == "unsupported"]:
        if v8_table.unsupported_message([name], data) is None:
            data.pop(name)
    return {k: v for k, v in data.items() if v is not None}


def _our_resources(config: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """construct path -> (resource type, Terraform address) of our infra stack for this config."""
    from ..testing import synth_to_dir

    cfg = config_from_mapping(config)
    with tempfile.TemporaryDirectory(prefix="wandb-cdktf-adopt-") as tmp:
        stacks = synth_to_dir(cfg, Path(tmp))
    doc = stacks[f"{cfg.namespace}-infra"]
    result = {}
    prefix = f"{cfg.namespace}-infra/"
    for rtype, items in doc.get("resource", {}).items():
        for logical_id, body in items.items():
            path = body.get("//", {}).get("metadata", {}).get("path", "")
            result[path.removeprefix(prefix)] = (rtype, f"{rtype}.{logical_id}")
    return result


STATEFUL_TYPES = {"aws_vpc", "aws_subnet", "aws_kms_key", "aws_s3_bucket", "aws_sqs_queue", "aws_rds_cluster",
                  "aws_rds_cluster_instance", "aws_elasticache_replication_group", "aws_eks_cluster", "aws_efs_file_system",
                  "aws_nat_gateway", "aws_eip", "aws_iam_openid_connect_provider"}


def plan_takeover(state_path: Path, tfvars_path: Path) -> Takeover:
    resources = read_show_json(state_path)
    by_address = {r["address"]: r for r in resources}
    missing = [alts[0] for alts in REQUIRED if not any(a in by_address for a in alts)]
    if missing:
        raise ConfigError("--state", f"not a terraform-aws-wandb workspace: missing {', '.join(missing)}")
    data = _tfvars(tfvars_path)
    namespace = data.get("namespace")
    cluster = by_address["module.app_eks.module.eks.aws_eks_cluster.this[0]"]["values"]
    if cluster.get("name") != namespace:
        raise ConfigError("namespace", f"{tfvars_path.name} says {namespace!r} but the workspace's EKS cluster is "
                          f"{cluster.get('name')!r}: use the tfvars of that workspace")
    gen = mapping.detect_generation(set(by_address))
    generation = gen.name
    region = str(cluster.get("arn", "")).split(":")[3] if str(cluster.get("arn", "")).count(":") >= 5 else None
    config: dict[str, Any] = {**data}
    config.setdefault("deployment", gen.deployment)
    # Aurora reports the full engine version (8.0.mysql_aurora.3.08.2); ours would ask for "8.0", which
    # ModifyDBCluster treats as a version change. Keep the running version unless the tfvars names one.
    aurora = by_address["module.database.module.aurora.aws_rds_cluster.this[0]"]["values"]
    running = str(aurora.get("engine_version_actual") or aurora.get("engine_version") or "")
    if re.fullmatch(r"8\.0\.mysql_aurora\.3\.\d{2}\.\d", running) and "." not in str(config.get("database_engine_version", "8.0"))[3:]:
        config["database_engine_version"] = running
    if region:
        config.setdefault("region", region)
    try:
        ours = _our_resources(config)
    except ConfigError as exc:
        raise ConfigError(exc.option, f"{tfvars_path.name}: {exc.message}") from None
    take = Takeover(config=config, generation=generation)
    entries = []
    claimed: set[str] = set()
    for res in resources:
        address = res["address"]
        hit = mapping.our_path(address, config)
        if hit is None:
            why = mapping.classify(address, mapping.STAYS_WITH_OLD)
            if why is not None:
                take.stays.append((address, why))
                continue
            why = mapping.classify(address, mapping.RELEASED)
            if why is not None and res.get("type") in {"aws_iam_role_policy_attachment", "aws_iam_policy_attachment"} and not re.match(
                    r"arn:aws[\w-]*:iam::aws:policy/", str((res.get("values") or {}).get("policy_arn") or "arn:aws:iam::aws:policy/")):
                # A customer-managed policy of the old workspace (v1.16.10 to v8 node_kms, node_s3, ...) is
                # destroyed there, and IAM refuses to delete a policy still attached (DeleteConflict): its
                # attachment goes with it. Ours grant the same through their own policy.
                take.replaced.append((address, "attachment of an old customer-managed policy: destroyed with that "
                                      "policy in the old workspace (IAM refuses DeletePolicy while it is attached)"))
                continue
            if why is not None:
                take.released.append((address, why))
                continue
            why = mapping.classify(address, mapping.REPLACED_ANYWAY)
            if why is not None:
                take.replaced.append((address, why))
            else:
                take.unmatched.append(address)
            continue
        rule, path = hit
        if path not in ours:
            take.stays.append((address, f"no counterpart in our stack for this configuration ({path})"))
            continue
        values = res.get("values", {}) or {}
        try:
            import_id = rule.import_id(values)
        except KeyError as exc:
            raise ConfigError("--state", f"{address} lacks {exc.args[0]!r}: is the state complete?") from None
        # An immutable attribute that is empty in state ("" / []: e.g. an EFS without a KMS key of its own)
        # cannot be carried as a value (the provider refuses "" where it wants an ARN or a CIDR): ours is
        # removed instead, so Terraform keeps what AWS has.
        carried: dict[str, Any] = {}
        unset = list(rule.drop)
        for attr in rule.carry:
            value = _get(values, attr)
            if value in ("", []):
                unset.append(attr)
            elif value is not None:
                carried[attr] = value
        carried.update(dict(rule.fixed))
        entry: dict[str, Any] = {"path": path, "import_id": import_id}
        if carried:
            entry["set"] = carried
        if unset:
            entry["unset"] = unset
        entries.append(entry)
        claimed.add(path)
        take.adopted.append((address, ours[path][1], import_id))
    take.created = sorted(addr for path, (rtype, addr) in ours.items() if rtype in STATEFUL_TYPES and path not in claimed)
    stateful_new = [a for a in take.created if a.split(".")[0] in {"aws_rds_cluster", "aws_eks_cluster", "aws_s3_bucket",
                                                                 "aws_kms_key", "aws_elasticache_replication_group"}]
    if stateful_new:
        raise ConfigError("--state", f"the workspace lacks a counterpart of {', '.join(stateful_new)}; a takeover would "
                          "create a second one: check that the tfvars and state belong together")
    config["adoption"] = {"source": f"terraform-aws-wandb {generation}", "resources": entries}
    config_from_mapping(config)  # the written config must load
    return take


def report(take: Takeover, state_name: str) -> str:
    ns = take.config["namespace"]
    lines = [
        f"# Taking over terraform-aws-wandb ({take.generation}) workspace `{ns}`",
        "",
        f"Generated by `wandb-cdktf adopt` from `{state_name}`. Nothing here has been applied.",
        "",
        "## Source version",
        "",
        f"Detected from the state's addresses: terraform-aws-wandb **{take.generation}**; our stacks deploy it "
        f"`deployment: {take.config['deployment']}`.",
        "",
        *(f"- {note}" for note in mapping.GENERATIONS[take.generation].notes),
        "",
        f"## Imported into `{ns}-infra` ({len(take.adopted)})",
        "",
        "| old address | our address | import id |",
        "|---|---|---|",
        *(f"| `{a}` | `{b}` | `{i}` |" for a, b, i in take.adopted),
        "",
        f"## Replaced anyway ({len(take.replaced)})",
        "",
        *(f"- `{a}`: {why}" for a, why in take.replaced),
        "",
        f"## Released by the old workspace without destroying ({len(take.released)})",
        "",
        *(f"- `{a}`: {why}" for a, why in take.released),
        "",
        f"## Stays with the old workspace ({len(take.stays) + len(take.unmatched)})",
        "",
        *(f"- `{a}`: {why}" for a, why in take.stays),
        *(f"- `{a}`: not known to wandb-cdktf; review it" for a in take.unmatched),
        "",
        f"## Created new by `{ns}-infra` (stateful types, {len(take.created)})",
        "",
        *(f"- `{a}`" for a in take.created),
        "",
        "## Cut-over",
        "",
        "1. In the old workspace: `terraform plan` must be clean (no pending changes), and take an Aurora snapshot.",
        "2. Here: `export WANDB_CDKTF_CONFIG=<this directory>/wandb-cdktf.yaml` and "
        "`export TF_VAR_wandb_license=\"$(wandb-cdktf license <your terraform.tfvars>)\"`.",
        f"3. `cdktf plan {ns}-infra`: every resource listed above under *Imported* shows as an import, "
        "possibly with in-place updates; no stateful resource may show as replaced or destroyed. Stop if one does.",
        f"4. `cdktf deploy {ns}-infra`.",
        "5. In the old workspace, stop managing what was imported (run from the old workspace directory):",
        "",
        "```bash",
        *(f"terraform state rm '{a}'" for a, _, _ in take.adopted),
        "# still needed in AWS (see *Released*): forget them, never destroy them",
        *(f"terraform state rm '{a}'" for a, _ in take.released),
        "```",
        "",
        "6. In the old workspace, `terraform plan` now shows only what stays there (see above). Remove the replaced "
        "node groups, old security group rules and Helm releases with `terraform destroy` once the new node groups "
        f"are Ready, then `cdktf deploy {ns}-{'app' if take.config['deployment'] == 'pre-operator' else 'operator'}`.",
        "7. Keep the `adoption` section in wandb-cdktf.yaml: its carried names keep our resources on the existing "
        "names (dropping it would replace them); its import blocks are no-ops once imported.",
        "",
    ]
    return "\n".join(lines)
