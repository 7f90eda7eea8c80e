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

from ..config import ConfigError, config_from_mapping, legacy
from ..config import v8 as v8_table
from ..config.loader import _parse, _tfvars_license_value, tfvars_notes
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
    module: str = ""
    """The module that encloses terraform-aws-wandb in the old workspace (``module.wandb_infra``), or "" (root)."""
    settings: list[tuple[str, Any, Any, str]] = field(default_factory=list)
    """(option, tfvars value or None, value used, where the state says so): what the running deployment has."""
    notes: list[str] = field(default_factory=list)
    """One line per variable of an older version in the tfvars (and what became of it)."""


def read_show_json(path: Path, mode: str = "managed") -> list[dict[str, Any]]:
    """Managed resources (or, ``mode="data"``, data sources) of a ``terraform show -json`` document, flattened over
    modules."""
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
            if res.get("mode") == mode:
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
    if not isinstance(data, dict):
        raise ConfigError("--tfvars", f"{path.name} must contain variable assignments")
    _tfvars_license_value(data)
    for key in ("license", "wandb_license"):  # passed as TF_VAR_wandb_license, never written
        data.pop(key, None)
    data, _ = legacy.take_legacy({k: v for k, v in data.items() if v is not None})
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


# The anchor of a terraform-aws-wandb deployment: its EKS cluster, at the root of the workspace or inside
# one enclosing module (W&B's docs and examples call it `module "wandb_infra"`, private-access-only
# `module "standard"`), so every address of the deployment starts with that module's address.
_ANCHOR = re.compile(r"((?:module\.[A-Za-z0-9_-]+(?:\[[^\]]+\])?\.)*)module\.app_eks\.module\.eks\.aws_eks_cluster\.this\[0\]")


def _enclosing(resources: list[dict[str, Any]]) -> str:
    """The address prefix of the one terraform-aws-wandb deployment in the state ("" at the root)."""
    prefixes = sorted({m.group(1) for r in resources if (m := _ANCHOR.fullmatch(r["address"]))})
    if len(prefixes) > 1:
        names = ", ".join(p.rstrip(".") or "the root module" for p in prefixes)
        raise ConfigError("--state", f"holds {len(prefixes)} terraform-aws-wandb deployments ({names}); adopt takes "
                          "over one: give it the state of a workspace with one deployment")
    return prefixes[0] if prefixes else ""


def _norm(value: Any) -> Any:
    return sorted(value) if isinstance(value, list) else value


def _ingress_cidrs(sg: dict[str, Any], port: int) -> tuple[list[str], list[str]] | None:
    rules = [r for r in sg.get("ingress") or [] if isinstance(r, dict) and r.get("from_port") == port]
    if not rules:
        return None
    v4 = sorted({c for r in rules for c in r.get("cidr_blocks") or []})
    v6 = sorted({c for r in rules for c in r.get("ipv6_cidr_blocks") or []})
    return v4, v6


def _state_settings(by_address: dict[str, dict[str, Any]], gen: mapping.Generation,
                    tfvars: dict[str, Any], data: dict[str, dict[str, Any]] | None = None) -> dict[str, tuple[Any, str]]:
    """What the running deployment has, option -> (value, the old address that says so).

    Only settings the takeover would otherwise change: the cluster's version and endpoint exposure, the
    region, the Aurora engine version and instance class, the Redis node type, the ALB scheme and inbound
    CIDRs, the node instance types and sizes, a bring-your-own VPC (create_vpc and the network's ids). Many
    example roots set them in main.tf, not in the tfvars, so the tfvars alone would lose them. ``data``: the
    state's data sources (PrivateLink's ``data.aws_lb.alb`` is the controller-made ALB).
    """
    def values(address: str) -> dict[str, Any]:
        return (by_address.get(address) or {}).get("values") or {}

    out: dict[str, tuple[Any, str]] = {}
    eks_addr = "module.app_eks.module.eks.aws_eks_cluster.this[0]"
    cluster = values(eks_addr)
    arn = str(cluster.get("arn") or "")
    if arn.count(":") >= 5 and arn.split(":")[3]:
        out["region"] = (arn.split(":")[3], eks_addr + " (arn)")
    if cluster.get("version"):
        out["eks_cluster_version"] = (str(cluster["version"]), eks_addr)
    vpc = cluster.get("vpc_config")
    vpc = vpc[0] if isinstance(vpc, list) and vpc else vpc
    if isinstance(vpc, dict) and vpc.get("endpoint_public_access") is not None:
        public = bool(vpc["endpoint_public_access"])
        out["kubernetes_public_access"] = (public, eks_addr + " (endpoint_public_access)")
        if public:  # EKS's own default when none were given: the whole internet
            out["kubernetes_public_access_cidrs"] = (sorted(vpc.get("public_access_cidrs") or ["0.0.0.0/0"]),
                                                     eks_addr + " (public_access_cidrs)")
    # Bring your own VPC (create_vpc = false, often set in main.tf, as terraform-aws-wandb's examples/byo-vpc
    # does): vpc 4.x made no VPC. The network stays the user's (never imported); the cluster's VPC and subnets
    # (v8 passes network_private_subnets), the Aurora module's subnet group (network_database_subnets) and Redis's
    # (network_elasticache_subnets), pre-operator the ALB (network_public_subnets) say which. The tfvars' order is
    # kept when it lists the same subnets.
    if isinstance(vpc, dict) and vpc.get("vpc_id") and not any(
            a.startswith("module.networking.module.vpc.aws_vpc.") for a in by_address):
        out["create_vpc"] = (False, "module.networking.module.vpc.aws_vpc.this[0] (absent)")
        out["network_id"] = (str(vpc["vpc_id"]), eks_addr + " (vpc_config.vpc_id)")
        for option, addrs, attr in (
                ("network_private_subnets", (eks_addr,), "vpc_config.subnet_ids"),
                ("network_database_subnets", ("module.database.module.aurora.aws_db_subnet_group.this[0]",), "subnet_ids"),
                ("network_elasticache_subnets", ("module.redis[0].aws_elasticache_subnet_group.default[0]",
                                                 "module.redis.aws_elasticache_subnet_group.default[0]"), "subnet_ids"),
                # pre-operator (v1.16.10): our ALB is the adopted one, in its subnets.
                *((("network_public_subnets", ("module.app_lb.aws_lb.alb",), "subnets"),)
                  if gen.deployment == "pre-operator" else ())):
            for addr in addrs:
                found = _get(values(addr), attr)
                if isinstance(found, list) and found:
                    said = tfvars.get(option)
                    keep = said if isinstance(said, list) and sorted(said) == sorted(found) else sorted(found)
                    out[option] = (keep, f"{addr} ({attr})")
                    break
    # EKS creator access: with eks 17.x (v1.16.10 to v7) the cluster was created with CONFIG_MAP authentication;
    # the switch to API_AND_CONFIG_MAP makes AWS create the creator's access entry itself (terraform-aws-wandb
    # v8.0.0 modules/app_eks/main.tf, `enable_cluster_creator_admin_permissions`), so ours must not create a
    # second one (EKS allows one per principal). eks 20.x: the entry is ours to import when the state has it;
    # without one, a cluster created with bootstrap_cluster_creator_admin_permissions has AWS's.
    creator = 'module.app_eks.module.eks.aws_eks_access_entry.this["cluster_creator"]'
    if gen.name != "v8":
        out["kubernetes_legacy_cluster_creator_admin"] = (True, eks_addr + " (eks 17.x: CONFIG_MAP authentication)")
    else:
        bootstrap = bool(_get(cluster, "access_config.bootstrap_cluster_creator_admin_permissions"))
        out["kubernetes_legacy_cluster_creator_admin"] = (
            creator not in by_address and bootstrap,
            creator if creator in by_address else eks_addr + " (access_config)")
    aurora_addr = "module.database.module.aurora.aws_rds_cluster.this[0]"
    aurora = values(aurora_addr)
    running = str(aurora.get("engine_version_actual") or aurora.get("engine_version") or "")
    # Aurora reports the full engine version (8.0.mysql_aurora.3.08.2); ours would ask for "8.0", which
    # ModifyDBCluster treats as a version change.
    if re.fullmatch(r"8\.0\.mysql_aurora\.3\.\d{2}\.\d", running):
        out["database_engine_version"] = (running, aurora_addr)
    writer_addr = 'module.database.module.aurora.aws_rds_cluster_instance.this["1"]'
    if values(writer_addr).get("instance_class"):
        out["database_instance_class"] = (values(writer_addr)["instance_class"], writer_addr)
    for addr in ("module.redis[0].aws_elasticache_replication_group.default", "module.redis.aws_elasticache_replication_group.default"):
        if values(addr).get("node_type"):
            out["elasticache_node_type"] = (values(addr)["node_type"], addr)
    # Redis: v8 defaults create_elasticache to true (ours too); a workspace without module.redis had it false,
    # and a takeover must not create a replication group it never had.
    redis = [a for a in by_address if a.startswith(("module.redis.", "module.redis["))]
    if not tfvars.get("use_external_redis"):
        out["create_elasticache"] = (bool(redis), redis[0] if redis else "module.redis (absent)")
    # Who may reach W&B: the ALB security group's HTTPS rule (module.app_lb, every version).
    inbound_addr = "module.app_lb.aws_security_group.inbound"
    cidrs = _ingress_cidrs(values(inbound_addr), 443)
    if cidrs is not None:
        out["allowed_inbound_cidr"] = (cidrs[0], inbound_addr + " (port 443)")
        out["allowed_inbound_ipv6_cidr"] = (cidrs[1], inbound_addr + " (port 443)")
    alb_addr = "module.app_lb.aws_lb.alb"
    if gen.deployment == "pre-operator" and values(alb_addr).get("internal") is not None:
        out["public_access"] = (not values(alb_addr)["internal"], alb_addr + " (internal)")
    # The controller-made ALB (post-operator) is not a resource of the state. With PrivateLink (v4.7.2 to v8), its
    # data source `data.aws_lb.alb` (by the controller ALB's name, `<ns>-alb-k8s`) records what AWS has. v4.7.2's
    # Terraform ALB (`module.app_lb.aws_lb.alb`, scheme from public_access) is another load balancer: it says nothing
    # about the controller's (kubernetes_alb_internet_facing).
    alb_data = "module.private_link[0].data.aws_lb.alb"
    running_alb = ((data or {}).get(alb_data) or {}).get("values") or {}
    if gen.deployment == "post-operator" and isinstance(running_alb.get("internal"), bool):
        out["kubernetes_alb_internet_facing"] = (not running_alb["internal"], alb_data + " (internal)")
    elif gen.deployment == "post-operator":
        # Otherwise the W&B release's values hold the ingress scheme (v8: helm_release values; v4.7.2 to v7:
        # wandb/wandb/helm's `set { name = "spec" }`).
        for addr, res in by_address.items():
            if res.get("type") != "helm_release":
                continue
            text = json.dumps(res.get("values") or {})
            m = re.search(r"alb\.ingress\.kubernetes\.io/scheme\W+(internet-facing|internal)", text)
            if m:
                out["kubernetes_alb_internet_facing"] = (m.group(1) == "internet-facing", addr + " (ingress scheme)")
                break
    # external_dns: every version gives the certificate the FQDN with it and the bare domain without
    # (main.tf, module "acm": `domain_name = var.external_dns ? local.fqdn : var.domain_name`). Ours runs
    # external-dns post-operator only (pre-operator, the Route53 record is ours).
    acm_addr = "module.acm.aws_acm_certificate.this[0]"
    cert, domain, sub = values(acm_addr).get("domain_name"), tfvars.get("domain_name"), tfvars.get("subdomain")
    if gen.deployment == "post-operator" and cert and domain and sub and cert in (domain, f"{sub}.{domain}"):
        out["external_dns"] = (cert == f"{sub}.{domain}", acm_addr + " (domain_name)")
    # PrivateLink (v4.7.2 to v8, count = length(private_link_allowed_account_ids) > 0): the accounts whose
    # endpoints may connect are the endpoint service's allowed principals (arn:aws:iam::<id>:root).
    service_addr = "module.private_link[0].aws_vpc_endpoint_service.private_link"
    if service_addr in by_address:
        ids = sorted({m.group(1) for p in values(service_addr).get("allowed_principals") or []
                      if (m := re.fullmatch(r"arn:aws[\w-]*:iam::(\d{12}):root", str(p)))})
        out["private_link_allowed_account_ids"] = (ids, service_addr + " (allowed_principals)")
    # Node groups are replaced anyway; ours keep their instance types and sizes. Ours are one group per AZ, as
    # v8's (eks 20.x) and v7's (eks 17.x, `workers["ng-<i>"]`) are; v1.16.10's and v4.7.2's one group
    # `workers["primary"]` spans every private subnet, so its sizes are totals: per AZ, rounded up (never fewer
    # nodes than it had). desired_size is the autoscaler's: ours start at the minimum and it takes over.
    groups = [(a, r.get("values") or {}) for a, r in sorted(by_address.items()) if r.get("type") == "aws_eks_node_group"]
    types = sorted({t for _, v in groups for t in v.get("instance_types") or []})
    if types:
        out["kubernetes_instance_types"] = (types, groups[0][0])
    private = sum(1 for a in by_address if a.startswith("module.networking.module.vpc.aws_subnet.private["))
    mins, maxes, said = [], [], []
    for addr, v in groups:
        scaling = v.get("scaling_config")
        scaling = scaling[0] if isinstance(scaling, list) and scaling else None
        if not isinstance(scaling, dict):
            continue
        spans = len(v.get("subnet_ids") or []) or (max(private, 2) if addr.endswith('["primary"]') else 1)
        lo, hi, want = (int(scaling.get(k) or 0) for k in ("min_size", "max_size", "desired_size"))
        mins.append(-(-lo // spans))
        maxes.append(max(-(-hi // spans), 1))
        said.append(f"min {lo}, max {hi}, desired {want}" + (f" over {spans} AZs, per AZ rounded up" if spans > 1 else ""))
    if mins:
        where = f"{groups[0][0]} (scaling_config: {'; '.join(dict.fromkeys(said))}; ours start at the minimum)"
        out["kubernetes_min_nodes_per_az"] = (max(mins), where)
        out["kubernetes_max_nodes_per_az"] = (max(max(maxes), max(mins)), where)
    return out


def _state_access_principals(by_address: dict[str, dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """v8's kubernetes_map_roles / map_users as their eks 20.x access entries (``this["<username>"]``) hold them."""
    roles, users = [], []
    for addr, res in sorted(by_address.items()):
        m = re.fullmatch(r'module\.app_eks\.module\.eks\.aws_eks_access_entry\.this\["([^"]+)"\]', addr)
        if not m or m.group(1) == "cluster_creator":
            continue
        v = res.get("values") or {}
        arn = str(v.get("principal_arn") or "")
        item = {"username": m.group(1), "groups": list(v.get("kubernetes_groups") or [])}
        if ":user/" in arn:
            users.append({"userarn": arn, **item})
        elif arn:
            roles.append({"rolearn": arn, **item})
    return roles, users


def _keep_kubernetes_user_names(config: dict[str, Any], by_address: dict[str, dict[str, Any]],
                                settings: list[tuple[str, Any, Any, str]]) -> None:
    """Each taken-over access entry keeps the Kubernetes user name EKS gave it.

    v8 uses ``username`` only as the key of its access entry and sets no ``user_name``, so EKS chose one
    (CreateAccessEntry API reference: ``arn:aws:sts::<account>:assumed-role/<role>/{{SessionName}}`` for a
    role, the user's ARN for a user). Ours sends ``username`` as the Kubernetes user name (its meaning in v7's
    aws-auth ConfigMap): taken over as written, every entry would be renamed in place, and RBAC bindings to the
    old name would stop matching. The state wins: ``username`` becomes the name the entry has."""
    for option in ("kubernetes_map_roles", "kubernetes_map_users"):
        items = list(config.get(option) or [])
        kept, changed = [], False
        for item in items:
            entry = by_address.get(f'module.app_eks.module.eks.aws_eks_access_entry.this["{item.get("username")}"]')
            has = str(((entry or {}).get("values") or {}).get("user_name") or "")
            if has and has != item.get("username"):
                item, changed = {**item, "username": has}, True
            kept.append(item)
        if changed:
            settings.append((option, config.get(option), kept,
                             "module.app_eks.module.eks.aws_eks_access_entry.this[...].user_name"))
            config[option] = kept


def plan_takeover(state_path: Path, tfvars_path: Path) -> Takeover:
    everything = read_show_json(state_path)
    prefix = _enclosing(everything)
    data_sources = {r["address"][len(prefix):]: r for r in read_show_json(state_path, "data") if r["address"].startswith(prefix)}
    # Addresses relative to the enclosing module (what the mapping knows); the full ones for the report.
    resources = [{**r, "address": r["address"][len(prefix):], "full": r["address"]} for r in everything
                 if r["address"].startswith(prefix)]
    outside = [r["address"] for r in everything if not r["address"].startswith(prefix)]
    by_address = {r["address"]: r for r in resources}
    missing = [prefix + alts[0] for alts in REQUIRED if not any(a in by_address for a in alts)]
    if missing:
        raise ConfigError("--state", f"not a terraform-aws-wandb workspace: missing {', '.join(missing)}")
    gen = mapping.detect_generation(set(by_address))
    data = _tfvars(tfvars_path)
    namespace = data.get("namespace")
    cluster = by_address["module.app_eks.module.eks.aws_eks_cluster.this[0]"]["values"]
    if cluster.get("name") != namespace:
        raise ConfigError("namespace", f"{tfvars_path.name} says {namespace!r} but the workspace's EKS cluster is "
                          f"{cluster.get('name')!r}: use the tfvars of that workspace")
    generation = gen.name
    config: dict[str, Any] = {**data}
    if config.get("deployment", gen.deployment) != gen.deployment:
        raise ConfigError("deployment", f"{tfvars_path.name} says {config['deployment']!r} but a terraform-aws-wandb "
                          f"{generation} workspace is taken over as {gen.deployment!r}: remove it")
    config["deployment"] = gen.deployment
    # What the running deployment has wins over the tfvars (many roots set these in main.tf, not in the tfvars).
    settings: list[tuple[str, Any, Any, str]] = []
    for option, (value, where) in _state_settings(by_address, gen, data, data_sources).items():
        said = data.get(option)
        config[option] = value
        settings.append((option, said, value, where))
    roles, users = _state_access_principals(by_address)
    for option, found, key in (("kubernetes_map_roles", roles, "rolearn"), ("kubernetes_map_users", users, "userarn")):
        said = data.get(option)
        if found and sorted(str(x.get(key)) for x in said or []) != sorted(x[key] for x in found):
            config[option] = found
            settings.append((option, said, found, "module.app_eks.module.eks.aws_eks_access_entry.this[...]"))
    source = tfvars_path.name

    def blame(exc: ConfigError) -> ConfigError:
        """Name where the refused value came from: the state (a setting of the running deployment) or the tfvars."""
        where = next((w for o, said, used, w in settings if o == exc.option.split(".")[0]), None)
        origin = f"{state_path.name} ({where}, the running deployment)" if where else source
        # A takeover builds the platform: the way out of a plain synth ("or set create_platform: false") is none here.
        message = exc.message.replace(" (or set create_platform: false to build only BYOB/Launch stacks)", "")
        return ConfigError(exc.option, f"{origin}: {message}")

    try:
        ours = _our_resources(config)
    except ConfigError as exc:
        raise blame(exc) from None
    take = Takeover(config=config, generation=generation, module=prefix.rstrip("."), settings=settings,
                    notes=[n for n in tfvars_notes(_parse(tfvars_path.read_text(encoding="utf-8"), "tfvars", source), source)
                           if not n.startswith("region:")])
    # Access entries are keyed by username in v8 and by position (roles, then users) in ours.
    lookup = {**config, "_access_usernames": [x["username"] for x in list(config.get("kubernetes_map_roles") or [])
                                              + list(config.get("kubernetes_map_users") or [])]}
    _keep_kubernetes_user_names(config, by_address, settings)
    entries = []
    claimed: set[str] = set()
    for address in outside:
        take.stays.append((address, f"outside `{take.module}`, the terraform-aws-wandb module: not part of the deployment"))
    for res in resources:
        address, full = res["address"], res["full"]
        hit = mapping.our_path(address, lookup)
        if hit is None:
            why = mapping.classify(address, mapping.STAYS_WITH_OLD)
            if why is not None:
                take.stays.append((full, why))
                continue
            why = mapping.classify(address, mapping.RELEASED)
            if why is not None and res.get("type") in {"aws_iam_role_policy_attachment", "aws_iam_policy_attachment"} and not re.match(
                    r"arn:aws[\w-]*:iam::aws:policy/", str((res.get("values") or {}).get("policy_arn") or "arn:aws:iam::aws:policy/")):
                # A customer-managed policy of the old workspace (v1.16.10 to v8 node_kms, node_s3, ...) is
                # destroyed there, and IAM refuses to delete a policy still attached (DeleteConflict): its
                # attachment goes with it. Ours grant the same through their own policy.
                take.replaced.append((full, "attachment of an old customer-managed policy: destroyed with that "
                                      "policy in the old workspace (IAM refuses DeletePolicy while it is attached)"))
                continue
            if why is not None:
                take.released.append((full, why))
                continue
            why = mapping.classify(address, mapping.REPLACED_ANYWAY)
            if why is not None:
                take.replaced.append((full, why))
            else:
                take.unmatched.append(full)
            continue
        rule, path = hit
        if path not in ours:
            take.stays.append((full, f"no counterpart in our stack for this configuration ({path})"))
            continue
        values = res.get("values", {}) or {}
        try:
            import_id = rule.import_id(values)
        except KeyError as exc:
            raise ConfigError("--state", f"{full} lacks {exc.args[0]!r}: is the state complete?") from None
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
        take.adopted.append((full, ours[path][1], import_id))
    take.created = sorted(addr for path, (rtype, addr) in ours.items() if rtype in STATEFUL_TYPES and path not in claimed)
    stateful_new = [a for a in take.created if a.split(".")[0] in {"aws_rds_cluster", "aws_eks_cluster", "aws_s3_bucket",
                                                                 "aws_kms_key", "aws_elasticache_replication_group"}]
    if stateful_new:
        raise ConfigError("--state", f"the workspace lacks a counterpart of {', '.join(stateful_new)}; a takeover would "
                          "create a second one: check that the tfvars and state belong together")
    config["adoption"] = {"source": f"terraform-aws-wandb {generation}" + (f" in {take.module}" if take.module else ""),
                          "resources": entries}
    try:
        config_from_mapping(config, source=source)  # the written config must load
    except ConfigError as exc:
        raise blame(exc) from None
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
        "## Workspace",
        "",
        (f"- Enclosing module: terraform-aws-wandb is called as `{take.module}` in the old workspace; every old address "
         "below (and each `terraform state rm`) carries that prefix." if take.module else
         "- Enclosing module: none (terraform-aws-wandb's modules are at the root of the old workspace)."),
        f"- Region: `{take.config.get('region')}`"
        + (f" (from the state: {where})." if (where := _where(take, "region")) else " (the tfvars' `region`)."),
        *_exposure(take),
        "",
        f"## Settings taken from the running deployment ({len(take.settings)})",
        "",
        "The state wins over the tfvars: the takeover keeps the deployment as it runs. Change a setting after the "
        "takeover, in its own plan, if you mean to.",
        "",
        "| option | tfvars | running (used) | read from |",
        "|---|---|---|---|",
        *(f"| `{o}` | {_cell(said)} | {_cell(used)} | `{where}` |"
          + (" **differs**" if said is not None and _norm(said) != _norm(used) else "")
          for o, said, used, where in take.settings),
        "",
        *([f"## Variables of older terraform-aws-wandb versions ({len(take.notes)})", "",
           *(f"- {n}" for n in take.notes), ""] if take.notes else []),
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
        "are Ready, and the Kubernetes objects ours create under the same names"
        + (" (" + ", ".join(f"`{a}`" for a, why in take.stays if "creates one of the same name" in why) + ")"
           if any("creates one of the same name" in why for _, why in take.stays) else "")
        + f", then `cdktf deploy {ns}-{'app' if take.config['deployment'] == 'pre-operator' else 'operator'}`.",
        "7. Keep the `adoption` section in wandb-cdktf.yaml: its carried names keep our resources on the existing "
        "names (dropping it would replace them); its import blocks are no-ops once imported.",
        "",
    ]
    return "\n".join(lines)


def _where(take: Takeover, option: str) -> str | None:
    return next((where for o, _, _, where in take.settings if o == option), None)


def _cell(value: Any) -> str:
    if value is None:
        return "(not set)"
    return "`" + (json.dumps(value) if not isinstance(value, str) else value) + "`"


def _exposure(take: Takeover) -> list[str]:
    """Who can reach the cluster API and W&B after the takeover: said, never changed silently."""
    c = take.config
    api = (f"public to {', '.join(c.get('kubernetes_public_access_cidrs') or [])} and private"
           if c.get("kubernetes_public_access") else "private only")
    lines = [f"- EKS API endpoint: {api}" + (" (as the running cluster has it)." if _where(take, "kubernetes_public_access")
                                             else " (the tfvars / default: the state does not say; check it).")]
    if c.get("deployment") == "pre-operator":
        lines.append(f"- ALB: {'internet-facing' if c.get('public_access') else 'internal'}"
                     + (" (as the running ALB)." if _where(take, "public_access") else " (the tfvars / default)."))
    else:
        facing = c.get("kubernetes_alb_internet_facing", True)
        where = _where(take, "kubernetes_alb_internet_facing") or ""
        lines.append(f"- ALB (made by the load balancer controller): {'internet-facing' if facing else 'internal'}"
                     + (" (as the running ALB, read by PrivateLink's `data.aws_lb.alb`)." if "data.aws_lb" in where else
                        " (as the running release's ingress scheme)." if where
                        else " (kubernetes_alb_internet_facing from the tfvars or its default, true: the state does not "
                             "record the controller's ALB; set it to what yours is before deploying the operator stack)."))
    nlb = next((r for r in (c.get("adoption") or {}).get("resources", []) if r.get("path") == "private-link/nlb"), None)
    if nlb is not None and "security_groups" in nlb.get("unset", []):
        lines.append("- PrivateLink: the adopted NLB has no security group (AWS cannot add one to an existing NLB), so "
                     "ours keeps it without; its traffic reaches the ALB from the NLB's private addresses, not from our "
                     "NLB security group: check that the ALB admits the private subnets on 443 before the cut-over.")
    if c.get("allowed_inbound_cidr") is not None:
        lines.append(f"- W&B reachable from: {', '.join(c['allowed_inbound_cidr'] + list(c.get('allowed_inbound_ipv6_cidr') or [])) or 'no one'}.")
    return lines
