"""terraform-aws-wandb resource addresses -> our ``<namespace>-infra`` construct paths.

Addresses are those of terraform-aws-wandb v8.0.0 (modules kms, file_storage, networking with
terraform-aws-modules/vpc 4.x, database with rds-aurora 7.7.1, redis, app_eks with
terraform-aws-modules/eks 20.x) and, where they differ, v1.16.10 (eks 17.x). They were read from the
module sources; the construct paths are ours (a public contract, see stacks/infra.py).

Each rule says how to import the existing object (the Terraform import ID, from the old state's
values) and which of its attributes are immutable (``ForceNew`` in the AWS provider): those values are
carried over into our resource, and a ``name_prefix``/``bucket_prefix`` of ours is dropped, so the
plan is an import plus in-place updates rather than a replacement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable


def _id(values: dict[str, Any]) -> str:
    return str(values["id"])


def _route(values: dict[str, Any]) -> str:
    # aws_route import ID: ROUTETABLEID_DESTINATION (provider docs, aws_route "Import").
    return f"{values['route_table_id']}_{values['destination_cidr_block']}"


def _sg_rule(values: dict[str, Any]) -> str:
    # aws_vpc_security_group_*_rule import ID: the rule id (sgr-...), which AWS provider 5.x keeps in the
    # state of the old aws_security_group_rule as security_group_rule_id.
    return str(values["security_group_rule_id"])


def _rta(values: dict[str, Any]) -> str:
    # aws_route_table_association import ID: SUBNETID/ROUTETABLEID.
    return f"{values['subnet_id']}/{values['route_table_id']}"


@dataclass(frozen=True)
class Rule:
    """One old address pattern and the construct of ours that takes the object over."""

    pattern: str
    """Regex over the old address; groups fill ``path``'s ``{0}``."""
    path: str
    """Our construct path under the infra stack, e.g. ``network/public-{0}``."""
    carry: tuple[str, ...] = ()
    """Immutable attributes copied from the old state. Default: ()."""
    drop: tuple[str, ...] = ()
    """Our attributes removed so they cannot force a replacement (name prefixes). Default: ()."""
    import_id: Callable[[dict[str, Any]], str] = _id
    """Terraform import ID from the old values. Default: the ``id`` attribute."""
    fixed: tuple[tuple[str, Any], ...] = ()
    """Overrides that do not depend on the old values (e.g. a lifecycle). Default: ()."""

    dashes: bool = False
    """Write the captured names with dashes (v8's ``vpc_cni`` is our ``addon-vpc-cni``). Default: False."""

    def match(self, address: str) -> str | None:
        m = re.fullmatch(self.pattern, address)
        if m is None:
            return None
        groups = [g.replace("_", "-") for g in m.groups()] if self.dashes else list(m.groups())
        return self.path.format(*groups)


_VPC = r"module\.networking\.module\.vpc\."
_EKS = r"module\.app_eks\.module\.eks\."
_DB = r"module\.database\."
_FS = r"module\.file_storage\."
_REDIS = r"module\.redis(?:\[0\])?\."
_SG = ("name", "description")
_PREFIX = ("name_prefix",)

RULES: tuple[Rule, ...] = (
    # --- network (terraform-aws-modules/vpc 4.x inside module.networking) ---------------------------------
    Rule(_VPC + r"aws_vpc\.this\[0\]", "network/vpc"),
    Rule(_VPC + r"aws_subnet\.public\[(\d+)\]", "network/public-{0}", carry=("availability_zone",)),
    Rule(_VPC + r"aws_subnet\.private\[(\d+)\]", "network/private-{0}", carry=("availability_zone",)),
    Rule(_VPC + r"aws_subnet\.database\[(\d+)\]", "network/database-{0}", carry=("availability_zone",)),
    Rule(_VPC + r"aws_subnet\.elasticache\[(\d+)\]", "network/elasticache-{0}", carry=("availability_zone",)),
    Rule(_VPC + r"aws_internet_gateway\.this\[0\]", "network/igw"),
    Rule(_VPC + r"aws_eip\.nat\[(\d+)\]", "network/nat-eip-{0}"),
    Rule(_VPC + r"aws_nat_gateway\.this\[(\d+)\]", "network/nat-{0}"),
    Rule(_VPC + r"aws_route_table\.public\[0\]", "network/public-rt"),
    Rule(_VPC + r"aws_route_table\.private\[(\d+)\]", "network/private-rt-{0}"),
    Rule(_VPC + r"aws_route\.public_internet_gateway\[0\]", "network/public-default-route", import_id=_route),
    Rule(_VPC + r"aws_route\.private_nat_gateway\[(\d+)\]", "network/private-default-route-{0}", import_id=_route),
    Rule(_VPC + r"aws_route_table_association\.public\[(\d+)\]", "network/public-rta-{0}", import_id=_rta),
    Rule(_VPC + r"aws_route_table_association\.private\[(\d+)\]", "network/private-rta-{0}", import_id=_rta),
    Rule(_VPC + r"aws_route_table_association\.database\[(\d+)\]", "network/database-rta-{0}", import_id=_rta),
    Rule(_VPC + r"aws_route_table_association\.elasticache\[(\d+)\]", "network/elasticache-rta-{0}", import_id=_rta),
    Rule(_VPC + r"aws_default_security_group\.this\[0\]", "network/default-sg"),
    # v8 keeps the DB subnet group in the vpc module (database_subnet_group); ours is in the database construct.
    Rule(_VPC + r"aws_db_subnet_group\.database\[0\]", "database/subnet-group", carry=("name", "description"), drop=_PREFIX),
    Rule(_VPC + r"aws_elasticache_subnet_group\.elasticache\[0\]", "redis/subnet-group", carry=("name",)),
    # --- KMS -------------------------------------------------------------------------------------------------
    Rule(r"module\.kms\.aws_kms_key\.key", "kms/key"),
    Rule(r"module\.kms\.aws_kms_alias\.key", "kms/alias", carry=("name",)),
    # --- file storage ----------------------------------------------------------------------------------------
    Rule(_FS + r"aws_s3_bucket\.file_storage", "file-storage/bucket", carry=("bucket",), drop=("bucket_prefix",)),
    Rule(_FS + r"aws_s3_bucket_cors_configuration\.file_storage", "file-storage/cors"),
    Rule(_FS + r"aws_s3_bucket_ownership_controls\.file_storage", "file-storage/ownership"),
    Rule(_FS + r"aws_s3_bucket_public_access_block\.file_storage", "file-storage/public-access-block"),
    Rule(_FS + r"aws_s3_bucket_server_side_encryption_configuration\.file_storage", "file-storage/encryption"),
    Rule(_FS + r"aws_s3_bucket_policy\.https_only\[0\]", "file-storage/policy"),
    Rule(_FS + r"aws_s3_bucket_notification\.file_storage(?:\[0\])?", "file-storage/notification"),
    Rule(_FS + r"aws_sqs_queue\.file_storage(?:\[0\])?", "file-storage/queue", carry=("name", "fifo_queue"), drop=_PREFIX),
    Rule(_FS + r"aws_sqs_queue_policy\.file_storage(?:\[0\])?", "file-storage/queue-policy"),
    # --- database (rds-aurora 7.7.1 inside module.database) ---------------------------------------------------
    Rule(_DB + r"aws_db_parameter_group\.default", "database/instance-parameters", carry=("name", "description"), drop=_PREFIX),
    Rule(_DB + r"aws_rds_cluster_parameter_group\.default", "database/cluster-parameters", carry=("name", "description"), drop=_PREFIX),
    Rule(_DB + r"module\.aurora\.aws_rds_cluster\.this\[0\]", "database/cluster",
         carry=("cluster_identifier", "database_name", "master_username", "engine", "storage_encrypted", "kms_key_id",
                "availability_zones")),
    Rule(_DB + r"module\.aurora\.aws_rds_cluster_instance\.this\[\"1\"\]", "database/writer",
         carry=("identifier", "engine", "performance_insights_kms_key_id")),
    Rule(_DB + r"module\.aurora\.aws_security_group\.this\[0\]", "database/security-group", carry=_SG, drop=_PREFIX),
    Rule(_DB + r"module\.aurora\.aws_iam_role\.rds_enhanced_monitoring\[0\]", "database/monitoring-role",
         carry=("name", "path"), drop=_PREFIX),
    # --- Redis -----------------------------------------------------------------------------------------------
    Rule(_REDIS + r"aws_elasticache_replication_group\.default", "redis/replication-group",
         carry=("replication_group_id", "at_rest_encryption_enabled", "kms_key_id", "subnet_group_name", "engine")),
    Rule(_REDIS + r"aws_elasticache_subnet_group\.default\[0\]", "redis/subnet-group", carry=("name",)),
    Rule(_REDIS + r"aws_security_group\.redis", "redis/security-group", carry=_SG, drop=_PREFIX),
    # --- EKS (terraform-aws-modules/eks 20.x in v8, 17.x in v1.16.10: same cluster address) --------------------
    Rule(_EKS + r"aws_eks_cluster\.this\[0\]", "eks/cluster",
         carry=("name", "role_arn", "vpc_config.security_group_ids", "kubernetes_network_config.ip_family",
                "kubernetes_network_config.service_ipv4_cidr",
                "access_config.bootstrap_cluster_creator_admin_permissions"),
         # bootstrap_self_managed_addons is create-only (ForceNew) and DescribeCluster does not report it
         # (terraform-aws-wandb v8 FAQ; the provider reads false after an import), so any value we set
         # would replace the cluster: the adopted cluster ignores it, as ours ignores the bootstrap flag.
         fixed=(("lifecycle.ignore_changes", ["access_config[0].bootstrap_cluster_creator_admin_permissions",
                                               "bootstrap_self_managed_addons"]),)),
    Rule(_EKS + r"aws_iam_role\.this\[0\]", "eks/cluster-role", carry=("name", "path"), drop=_PREFIX),
    Rule(_EKS + r"aws_iam_role\.cluster\[0\]", "eks/cluster-role", carry=("name", "path"), drop=_PREFIX),  # eks 17.x (v1.16.10)
    Rule(_EKS + r"aws_cloudwatch_log_group\.this\[0\]", "eks/control-plane-logs", carry=("name",)),
    Rule(_EKS + r"aws_eks_addon\.this\[\"(coredns|kube-proxy|vpc-cni|aws-ebs-csi-driver|aws-efs-csi-driver)\"\]",
         "eks/addon-{0}"),
    # v8 app_eks/add-ons.tf: one resource per addon, named after it with underscores.
    Rule(r"module\.app_eks\.aws_eks_addon\.(coredns|kube_proxy|vpc_cni|aws_ebs_csi_driver|aws_efs_csi_driver|metrics_server)",
         "eks/addon-{0}", dashes=True),
    # eks 20.x access entry of the cluster creator (v8 with kubernetes_legacy_cluster_creator_admin = false).
    # EKS refuses a second entry for one principal (ResourceInUseException), so ours must import it.
    Rule(_EKS + r"aws_eks_access_entry\.this\[\"cluster_creator\"\]", "eks/creator-access-entry"),
    Rule(_EKS + r"aws_eks_access_policy_association\.this\[\"cluster_creator_admin\"\]", "eks/creator-access-admin"),
    # Rules of ours that AWS already has from v8 (same group, source group, protocol and port): creating
    # them again fails with InvalidPermission.Duplicate, so ours import the existing rule.
    Rule(r"module\.app_eks\.aws_security_group_rule\.database", "database/ingress-sg-0", import_id=_sg_rule),
    Rule(r"module\.app_eks\.aws_security_group_rule\.nfs_ingress", "weave-efs/ingress-sg-0", import_id=_sg_rule),
    # url is not carried: state holds it without the https:// the argument requires; ours is the same
    # cluster's issuer (the provider compares them without the scheme).
    Rule(r"module\.app_eks\.aws_iam_openid_connect_provider\.eks", "eks/oidc-provider"),
    Rule(r"module\.app_eks\.aws_iam_role\.node", "eks/node-role", carry=("name", "path"), drop=_PREFIX),
    Rule(r"module\.app_eks\.aws_security_group\.primary_workers", "eks/node-security-group", carry=_SG, drop=_PREFIX),
    Rule(r"module\.app_eks\.aws_efs_file_system\.storage_class", "weave-efs/file-system",
         carry=("creation_token", "encrypted", "kms_key_id")),
    # v8 efs.tf: for_each over { index => subnet }, so the keys are strings: storage_class["0"].
    Rule(r"module\.app_eks\.aws_efs_mount_target\.storage_class\[\"?(\d+)\"?\]", "weave-efs/mount-target-{0}",
         carry=("subnet_id",)),
    Rule(r"module\.app_eks\.aws_security_group\.storage_class_nfs", "weave-efs/security-group", carry=_SG, drop=_PREFIX),
    # --- ACM ---------------------------------------------------------------------------------------------
    Rule(r"module\.acm\.aws_acm_certificate\.this\[0\]", "dns/certificate", carry=("domain_name",)),
)

RELEASED: tuple[tuple[str, str], ...] = (
    # Objects the old workspace must forget (terraform state rm) but never destroy: AWS still needs them.
    (r".*aws_iam_role_policy_attachment\..*|.*aws_iam_policy_attachment\..*",
     "policy attachment: ours attach the same managed policies to the adopted roles; destroying the old one "
     "would detach them (IAM keeps one attachment per role and policy)"),
    (_EKS + r"aws_security_group\.cluster\[0\]|" + _EKS + r"aws_security_group_rule\.cluster\[.*\]",
     "EKS cluster security group: the adopted cluster keeps it in vpc_config (immutable)"),
)

REPLACED_ANYWAY: tuple[tuple[str, str], ...] = (
    (r".*aws_eks_node_group\..*", "node group: ours differ in name, AMI type, launch template and subnets (immutable); "
     "new node groups join the adopted cluster and the old ones are drained and removed from the old workspace"),
    (r".*aws_launch_template\..*", "launch template of the old node groups"),
    (r".*aws_security_group_rule\..*", "security group rule: ours are aws_vpc_security_group_*_rule resources on the "
     "adopted groups; the old rules stay in AWS until the old workspace removes them (see cut-over step 6)"),
    (r".*aws_iam_policy\..*|.*aws_iam_role_policy\..*", "IAM policy: recreated by us on the adopted roles"),
    (r".*aws_route53_record\..*", "Route53 record: ours are created (validation records upsert; the app record "
     "is replaced at cut-over)"),
    (r".*aws_acm_certificate_validation\..*", "certificate validation (no AWS object)"),
    (r"module\.app_lb\..*", "pre-operator ALB and its listeners/target groups (stateless; ours replace them)"),
    (r".*aws_secretsmanager_secret.*", "secret: ours is a new secret (W&B reads it through the operator)"),
    (r".*aws_eks_access_entry\..*|.*aws_eks_access_policy_association\..*", "EKS access entry: recreated by us "
     "(the cluster creator's is imported)"),
)

STAYS_WITH_OLD: tuple[tuple[str, str], ...] = (
    (r"(.*\.)?(helm_release|kubernetes_[a-z0-9_]+)\..*", "Helm release / Kubernetes object: managed by the old "
     "workspace until our app/operator stack takes over"),
    (r"(.*\.)?(random_[a-z_]+|time_sleep|tls_[a-z_]+|null_resource|terraform_data)\..*", "helper with no AWS object"),
    (r".*aws_flow_log\..*|module\.networking\.aws_s3_bucket.*", "flow logs and their bucket"),
    (r".*aws_kms_grant\..*", "KMS grant"),
    (r".*(clickhouse|yace|private_link|s3_endpoint|cluster_autoscaler).*", "feature not supported by wandb-cdktf"),
)


def our_path(address: str) -> tuple[Rule, str] | None:
    for rule in RULES:
        path = rule.match(address)
        if path is not None:
            return rule, path
    return None


def classify(address: str, table: tuple[tuple[str, str], ...]) -> str | None:
    for pattern, why in table:
        if re.fullmatch(pattern, address):
            return why
    return None
