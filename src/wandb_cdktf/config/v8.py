"""The fate of every terraform-aws-wandb v8.0.0 root variable here: one table, one source of truth.

The loader uses it to accept a v8 ``terraform.tfvars`` as is (or to name each variable it cannot
honour with what to do instead), and ``scripts/gen_options_doc.py`` renders it into
docs/options.md. A test checks that every name marked supported is a field of
:class:`~wandb_cdktf.config.model.WandbConfig` and that no other name is.

Fates:

* ``supported``: same name, same meaning (the option's description says the default).
* ``different``: same name, accepted, but the behaviour differs from v8 in the way ``note`` says.
* ``unsupported``: not an option here. The loader rejects it, naming ``note`` (what to do
  instead), unless the value is one of ``inert``: values that ask for what wandb-cdktf does anyway
  (typically v8's own default), which are accepted and dropped so a tfvars that spells out
  defaults still loads.
* ``license``: accepted in a ``.tfvars`` file only, never stored in the configuration or the
  synthesized JSON; it reaches Terraform as ``TF_VAR_wandb_license`` (README "Coming from
  terraform-aws-wandb").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Fate = Literal["supported", "different", "unsupported", "license"]

V8_VERSION = "8.0.0"


@dataclass(frozen=True)
class V8Variable:
    """One v8 root variable and what wandb-cdktf does with it."""

    name: str
    fate: Fate
    note: str = ""
    """``different``: how the meaning differs. ``unsupported``: what to do instead. Default: ''."""
    inert: tuple[Any, ...] = ()
    """``unsupported`` only: values accepted (and dropped) because wandb-cdktf does that anyway. Default: ()."""


def _s(name: str) -> V8Variable:
    return V8Variable(name, "supported")


def _d(name: str, note: str) -> V8Variable:
    return V8Variable(name, "different", note)


def _u(name: str, note: str, *inert: Any) -> V8Variable:
    return V8Variable(name, "unsupported", note, tuple(inert))


_IMAGES = ("this library installs the chart's own image; pin the chart with {chart} instead")
_CLICKHOUSE = "ClickHouse (Weave) resources are not created here; remove it and provision ClickHouse outside wandb-cdktf"
_REDIS = ("v8's in-cluster Redis variants are not supported: use ElastiCache created here (create_elasticache: true) "
          "or an existing Redis (use_external_redis: true with external_redis_host); remove it (post-operator "
          "without either, W&B gets the operator-wandb chart's own Redis, with a warning)")

V8_VARIABLES: tuple[V8Variable, ...] = (
    _s("namespace"),
    _d("deletion_protection", "also protects the KMS key and bucket (no force_destroy), takes a final DB snapshot and "
       "sets Terraform's prevent_destroy on the cluster, the bucket, the created KMS key and the Weave EFS (a destroy "
       "fails at plan time); v8 only sets "
       "RDS deletion protection and S3 force_destroy"),
    _s("use_internal_queue"),
    _s("size"),
    _d("operator_chart_version", "same meaning; default 1.4.8 here (v8: 1.4.2), the chart newer controllers need "
       "(README \"Upgrades\"); a 2.x chart is refused"),
    _d("controller_image_tag", "same meaning; default 1.21.3 here (v8: 1.20.0, which keeps every Helm release "
       "revision and has a 600 ns uninstall timeout; README \"Upgrades\")"),
    _s("enable_helm_operator"),
    _s("enable_helm_wandb"),
    _s("database_engine_version"),
    _s("database_instance_class"),
    _s("database_snapshot_identifier"),
    _s("database_sort_buffer_size"),
    _s("database_name"),
    _s("database_master_username"),
    _d("database_performance_insights_kms_key_arn", "'' means unset as in v8; unset, Performance Insights uses "
       "database_kms_key_arn if set, else the deployment key (v8: the deployment key)"),
    _d("database_kms_key_arn", "'' means unset as in v8; encrypts Aurora, its password secret and Redis (as v8)"),
    _d("public_access", "pre-operator: internet-facing ALB, else internal (as v1.16.10); post-operator: the scheme "
       "follows kubernetes_alb_internet_facing (as v8). A certificate is issued whenever acm_certificate_arn is "
       "unset (v8: only with public_access), DNS-validated in zone_id, which must then be public"),
    _u("preserve_aws_auth_configmap", "it only eases v8's own EKS module v17->v20 upgrade; wandb-cdktf uses access "
       "entries only: remove it", False),
    _s("external_dns"),
    _s("custom_domain_filter"),
    _s("zone_id"),
    _s("domain_name"),
    _s("subdomain"),
    _d("extra_fqdn", "added to the certificate; pre-operator gives each an alias record to the ALB (as v1.16.10)"),
    _s("acm_certificate_arn"),
    _d("allowed_inbound_cidr", "[] admits no one in both shapes (v8 post-operator: [] leaves the ALB open to "
       "0.0.0.0/0); the rules live in a Terraform-managed security group the ALB uses"),
    _d("allowed_inbound_ipv6_cidr", "security-group rules only: the ALB stays IPv4 (as v8) because the VPC has no "
       "IPv6 subnets"),
    _s("kms_key_alias"),
    _s("kms_key_deletion_window"),
    _s("kms_key_policy"),
    _s("kms_key_policy_administrator_arn"),
    _u("kms_clickhouse_key_alias", _CLICKHOUSE),
    _u("kms_clickhouse_key_policy", _CLICKHOUSE, ""),
    _s("create_vpc"),
    _s("enable_flow_log"),
    _u("keep_flow_log_bucket", "the flow-log bucket exists only with enable_flow_log: true (and is kept by "
       "deletion_protection); remove it"),
    _s("network_id"),
    _s("network_private_subnets"),
    _s("network_database_subnets"),
    _s("network_elasticache_subnets"),
    _s("network_cidr"),
    _s("network_public_subnet_cidrs"),
    _s("network_private_subnet_cidrs"),
    _s("network_database_subnet_cidrs"),
    _s("network_elasticache_subnet_cidrs"),
    _d("private_link_allowed_account_ids", "also post-operator without a second apply: the controller-made ALB is "
       "registered once it exists; the NLB always has a security group that admits only PrivateLink traffic (v8: "
       "none unless private_only_traffic, so anything in the VPC could use the NLB)"),
    _d("allowed_private_endpoint_cidr", "HTTPS (443) only, the one port the NLB forwards (v8 also opens 80); "
       "requires private_only_traffic: true"),
    _d("private_only_traffic", "requires private_link_allowed_account_ids, allowed_private_endpoint_cidr, an internal "
       "ALB and an explicit certificate source (acm_certificate_arn or certificate_validation_zone_id); v8 accepts "
       "it without PrivateLink, where it does nothing"),
    _s("eks_cluster_version"),
    _u("eks_addons_preroll_version", "addons are not staged ahead of the cluster; remove it and raise "
       "eks_cluster_version (pin eks_addon_*_version where you need a specific addon)"),
    _s("eks_cluster_tags"),
    _s("kubernetes_alb_internet_facing"),
    _s("kubernetes_alb_subnets"),
    _s("kubernetes_public_access"),
    _d("kubernetes_public_access_cidrs", "must list the CIDRs when kubernetes_public_access is true (v8's [] means "
       "EKS's 0.0.0.0/0; write [\"0.0.0.0/0\"] deliberately)"),
    _u("kubernetes_map_accounts", "removed in v8 too (access entries need one ARN per principal): list the roles "
       "and users in kubernetes_map_roles / kubernetes_map_users", []),
    _s("kubernetes_map_roles"),
    _s("kubernetes_map_users"),
    _s("kubernetes_legacy_cluster_creator_admin"),
    _s("kubernetes_instance_types"),
    _s("kubernetes_min_nodes_per_az"),
    _s("kubernetes_max_nodes_per_az"),
    _s("kubernetes_node_disk_size_gb"),
    _s("eks_policy_arns"),
    _s("system_reserved_cpu_millicores"),
    _s("system_reserved_memory_megabytes"),
    _s("system_reserved_ephemeral_megabytes"),
    _s("system_reserved_pid"),
    _u("aws_loadbalancer_controller_tags", "not configurable separately; `tags` (wandb-cdktf) tags every AWS resource "
       "the stacks create; remove it", {}),
    _s("eks_addon_efs_csi_driver_version"),
    _s("eks_addon_ebs_csi_driver_version"),
    _s("eks_addon_coredns_version"),
    _s("eks_addon_kube_proxy_version"),
    _s("eks_addon_vpc_cni_version"),
    _s("eks_addon_metrics_server_version"),
    _d("enable_s3_https_only", "default true here (v8: false): the bucket denies non-TLS access unless set false"),
    _d("bucket_name", "'' means unset as in v8; an existing bucket is used as W&B's only bucket (v8 still creates "
       "its own default bucket beside it)"),
    _s("bucket_kms_key_arn"),
    _u("bucket_permissions_mode", "cross-account buckets: create them with the `byob` section (docs/byob.md), which "
       "grants the node role access; remove it", "strict"),
    _u("bucket_restricted_accounts", "cross-account buckets: use the `byob` section (docs/byob.md); remove it", []),
    _s("bucket_path"),
    _s("create_elasticache"),
    _s("elasticache_node_type"),
    _d("use_external_redis", "turns ElastiCache off (create_elasticache: true beside it is an error; v8 still creates "
       "the unused ElastiCache while create_elasticache keeps its default true); global.redis.external stays false, "
       "which operator-wandb reserves for W&B's own use (v8: true)"),
    _s("external_redis_host"),
    _d("external_redis_port", "a number (v8: a string; \"6379\" is accepted); default 6379 (v8: null)"),
    _d("external_redis_params", "a map of parameter name to string, number or bool; ttlInSeconds defaults to "
       "604800 in both shapes, as the operator-wandb chart does (v8 passes the object to the chart only)"),
    _u("use_ctrlplane_redis", _REDIS, False),
    _u("use_chainguard_redis", _REDIS, False),
    V8Variable("license", "license"),
    _d("other_wandb_env", "values must be strings (v8: map(any)); LICENSE is refused"),
    _u("weave_wandb_env", "no separate Weave environment; put the variables in other_wandb_env (every W&B service "
       "gets it); remove it", {}),
    _u("parquet_wandb_env", "no separate parquet environment; put the variables in other_wandb_env; remove it", {}),
    _s("enable_yace"),
    _s("yace_sa_name"),
    _u("enable_clickhouse", _CLICKHOUSE, False),
    _u("clickhouse_endpoint_service_id", _CLICKHOUSE, ""),
    _u("external_dns_image_repository", _IMAGES.format(chart="external_dns_chart_version"),
       "registry.k8s.io/external-dns/external-dns"),
    _u("external_dns_image_tag", _IMAGES.format(chart="external_dns_chart_version")),
    _u("aws_loadbalancer_controller_image_repository",
       _IMAGES.format(chart="aws_loadbalancer_controller_chart_version"), "public.ecr.aws/eks/aws-load-balancer-controller"),
    _u("aws_loadbalancer_controller_image_tag", _IMAGES.format(chart="aws_loadbalancer_controller_chart_version")),
    _u("cluster_autoscaler_image_repository", "the post-operator cluster autoscaler uses the chart's registry; pin "
       "the chart with cluster_autoscaler_chart_version and the release with cluster_autoscaler_image_tag",
       "registry.k8s.io/autoscaling/cluster-autoscaler"),
    _d("cluster_autoscaler_image_tag", "default v<eks_cluster_version>.0 (the autoscaler minor must match the "
       "cluster's; v8: the chart's image)"),
    _s("k8s_namespace"),
)

BY_NAME: dict[str, V8Variable] = {var.name: var for var in V8_VARIABLES}

EMPTY_MEANS_UNSET: tuple[str, ...] = (
    "database_performance_insights_kms_key_arn", "database_kms_key_arn", "kms_key_policy_administrator_arn",
    "network_id", "bucket_name", "bucket_kms_key_arn", "custom_domain_filter",
)
"""Supported v8 strings whose ``""`` means unset in v8 (``length(x) > 0`` / ``x != ""`` tests in v8 main.tf).
``kms_key_policy`` and ``bucket_path`` default to ``""`` here as well, so they need no mapping."""


def unsupported_message(names: list[str], values: dict[str, Any]) -> tuple[str, str] | None:
    """(option, message) for the first v8 variable that cannot be honoured, or None.

    ``names`` are keys of the input that are v8 variables marked unsupported; a value in the
    variable's ``inert`` set is fine.
    """
    bad = [n for n in names if not _is_inert(BY_NAME[n], values[n])]
    if not bad:
        return None
    first = BY_NAME[bad[0]]
    allowed = ""
    if first.inert:
        allowed = " (accepted only as " + " or ".join(_hcl(x) for x in first.inert) + ")"
    rest = f" (also unsupported: {', '.join(bad[1:])})" if len(bad) > 1 else ""
    return first.name, (f"terraform-aws-wandb v{V8_VERSION} variable not supported by wandb-cdktf{allowed}: "
                        f"{first.note}{rest}; docs/options.md lists every v8 variable's fate")


def _is_inert(var: V8Variable, value: Any) -> bool:
    # Strict on type: HCL's true is not 1, and 0 is not false.
    return any(type(x) is type(value) and x == value for x in var.inert)


def _hcl(value: Any) -> str:
    import json

    return json.dumps(value)
