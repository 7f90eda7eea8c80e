"""Variables of the older terraform-aws-wandb versions ``adopt`` maps (v1.16.10, v4.7.2, v7.x) that v8 dropped.

A ``.tfvars`` of those versions (e.g. terraform-aws-wandb ``docs/operator-migration/pre-operator.tfvars`` /
``post-operator.tfvars``, the files of W&B's operator migration walk-through) still loads: each such
variable is either applied with its meaning (``apply``) or dropped with one line saying what wandb-cdktf's
migration does instead. Names read from the root ``variables.tf`` of terraform-aws-wandb v1.16.10, v4.7.2,
v7.0.0 and v7.18.2 and from ``docs/operator-migration/variables.tf``, minus every v8 variable and
wandb-cdktf option (a test checks the table against :mod:`wandb_cdktf.config.v8` and the model).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .base import ConfigError


@dataclass(frozen=True)
class LegacyVariable:
    name: str
    versions: str
    """The terraform-aws-wandb versions that had it."""
    note: str
    """What wandb-cdktf does instead (printed as one line)."""
    apply: Callable[[Any, dict[str, Any]], dict[str, Any]] | None = None
    """Returns the wandb-cdktf options that carry its meaning (merged unless already set). Default: None."""


def _create_bucket(value: Any, data: dict[str, Any]) -> dict[str, Any]:
    if value is False and not data.get("bucket_name"):
        raise ConfigError("create_bucket", "false needs bucket_name (the existing bucket W&B should use)")
    return {}


def _app_wandb_env(value: Any, data: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError("app_wandb_env", "must be a map of environment variable names to strings")
    return {"other_wandb_env": {**value, **(data.get("other_wandb_env") or {})}}


LEGACY_VARIABLES: tuple[LegacyVariable, ...] = (
    LegacyVariable("enable_dummy_dns", "v4.7.2", "kept the pre-operator ALB's record as `old.<fqdn>` during W&B's "
                   "v1.16.10 -> v4.7.2 migration; wandb-cdktf adopt leaves that ALB and its records with the old "
                   "workspace (destroy them there after the cut-over), so it is not needed: dropped"),
    LegacyVariable("enable_operator_alb", "v4.7.2", "moved W&B onto the operator's ALB; post-operator, wandb-cdktf always "
                   "serves W&B through the aws-load-balancer-controller's ALB (kubernetes_alb_internet_facing sets its "
                   "scheme): dropped"),
    LegacyVariable("create_bucket", "v1.16.10, v4.7.2", "wandb-cdktf creates the bucket unless bucket_name names an "
                   "existing one (adopt imports the workspace's bucket): dropped", _create_bucket),
    LegacyVariable("app_wandb_env", "v4.7.2", "applied as other_wandb_env (the extra W&B environment; its own entries "
                   "win)", _app_wandb_env),
    LegacyVariable("database_binlog_format", "v1.16.10, v4.7.2", "the cluster parameter group sets binlog_format ROW "
                   "(v8's value): dropped"),
    LegacyVariable("database_innodb_lru_scan_depth", "v1.16.10, v4.7.2", "the instance parameter group sets "
                   "innodb_lru_scan_depth 128 (v8's value): dropped"),
    LegacyVariable("ssl_policy", "v1.16.10, v4.7.2", "the HTTPS listener (pre-operator ALB, operator ingress) uses "
                   "wandb-cdktf's TLS 1.2/1.3 policy: dropped"),
    LegacyVariable("kubernetes_node_count", "v4.7.2", "node groups here are one per AZ, sized by size or "
                   "kubernetes_min_nodes_per_az / kubernetes_max_nodes_per_az (adopt takes them from the state): dropped"),
    LegacyVariable("enable_helm_release", "v7.0.0", "the operator's Helm release belongs to the `<namespace>-operator` "
                   "stack; deploy only `<namespace>-infra` to leave it out: dropped"),
    LegacyVariable("kubernetes_cluster_oidc_issuer_url", "v7.0.0", "the IAM OIDC provider is made from the cluster's "
                   "own issuer (adopt imports the existing provider): dropped"),
)

BY_NAME = {v.name: v for v in LEGACY_VARIABLES}


def take_legacy(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``data`` without the legacy variables (their meaning applied where there is one), and one note each."""
    out = {k: v for k, v in data.items() if k not in BY_NAME}
    notes = []
    for name in [k for k in data if k in BY_NAME]:
        var = BY_NAME[name]
        if var.apply is not None:
            for key, value in var.apply(data[name], data).items():
                out[key] = value
        notes.append(f"{name}: a terraform-aws-wandb {var.versions} variable; {var.note}")
    return out, notes
