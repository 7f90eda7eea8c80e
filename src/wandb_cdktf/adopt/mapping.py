"""terraform-aws-wandb resource addresses -> our ``<namespace>-infra`` construct paths.

Addresses are those of terraform-aws-wandb v8.0.0 (modules kms, file_storage, networking with
terraform-aws-modules/vpc 4.x, database with rds-aurora 7.7.1, redis, app_eks with
terraform-aws-modules/eks 20.x) and, where they differ, of the older shapes (``GENERATIONS``):
v7.x (eks 17.x, add-ons one resource each as in v8), v4.7.2 (eks 17.x, ``module.file_storage[0]``,
add-ons ``aws_eks_addon.eks``/``.efs``, Terraform ALB in ``app_lb`` beside the operator) and
v1.16.10 (pre-operator: eks 17.x, vpc 3.x, rds-aurora 6.2.0, ``module.file_storage[0]`` with the
bucket's CORS/SSE inline, no OIDC provider, no EFS, the Terraform ALB in ``app_lb``). They were read
from the module sources at those tags; the construct paths are ours (a public contract, see
stacks/infra.py).

Each rule says how to import the existing object (the Terraform import ID, from the old state's
values) and which of its attributes are immutable (``ForceNew`` in the AWS provider): those values are
carried over into our resource, and a ``name_prefix``/``bucket_prefix`` of ours is dropped, so the
plan is an import plus in-place updates rather than a replacement.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def _id(values: dict[str, Any]) -> str:
    return str(values["id"])


def _route(values: dict[str, Any]) -> str:
    # aws_route import ID: ROUTETABLEID_DESTINATION (provider docs, aws_route "Import").
    return f"{values['route_table_id']}_{values['destination_cidr_block']}"


def _sg_rule(values: dict[str, Any]) -> str:
    # aws_vpc_security_group_*_rule import ID: the rule id (sgr-...), which AWS provider 5.x keeps in the
    # state of the old aws_security_group_rule as security_group_rule_id.
    return str(values["security_group_rule_id"])


def _route53(values: dict[str, Any]) -> str:
    # aws_route53_record import ID: ZONEID_RECORDNAME_TYPE (provider docs, aws_route53_record "Import").
    return f"{values['zone_id']}_{values['name']}_{values['type']}"


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
    index_in: str = ""
    """Config list option in which the captured key's position is ``{0}`` (v1.16.10 keys the extra alias
    records by name, ours by position in ``extra_fqdn``). Default: "" (the key is used as is)."""

    def match(self, address: str, config: dict[str, Any] | None = None) -> str | None:
        m = re.fullmatch(self.pattern, address)
        if m is None:
            return None
        groups = [g.replace("_", "-") for g in m.groups()] if self.dashes else list(m.groups())
        if self.index_in:
            listed = [str(v).rstrip(".").lower() for v in (config or {}).get(self.index_in) or []]
            key = groups[0].rstrip(".").lower()
            if key not in listed:
                return None
            groups = [str(listed.index(key))]
        return self.path.format(*groups)


_VPC = r"module\.networking\.module\.vpc\."
_EKS = r"module\.app_eks\.module\.eks\."
_DB = r"module\.database\."
_FS = r"module\.file_storage(?:\[0\])?\."  # count = var.create_bucket in v1.16.10 and v4.7.2
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
    # create_vpc = false (every version): the Aurora module makes the DB subnet group itself. Its name is
    # ForceNew on the cluster (db_subnet_group_name), so ours must be this group, not a new one.
    Rule(_DB + r"module\.aurora\.aws_db_subnet_group\.this\[0\]", "database/subnet-group", carry=("name", "description"),
         drop=_PREFIX),
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
    # v1.16.10 and v4.7.2 app_eks/main.tf: aws_eks_addon "eks" (aws-ebs-csi-driver) and, v4.7.2, "efs".
    Rule(r"module\.app_eks\.aws_eks_addon\.eks", "eks/addon-aws-ebs-csi-driver"),
    Rule(r"module\.app_eks\.aws_eks_addon\.efs", "eks/addon-aws-efs-csi-driver"),
    Rule(_EKS + r"aws_eks_addon\.this\[\"(coredns|kube-proxy|vpc-cni|aws-ebs-csi-driver|aws-efs-csi-driver)\"\]",
         "eks/addon-{0}"),
    # v8 app_eks/add-ons.tf: one resource per addon, named after it with underscores.
    Rule(r"module\.app_eks\.aws_eks_addon\.(coredns|kube_proxy|vpc_cni|aws_ebs_csi_driver|aws_efs_csi_driver|metrics_server)",
         "eks/addon-{0}", dashes=True),
    # eks 20.x access entry of the cluster creator (v8 with kubernetes_legacy_cluster_creator_admin = false).
    # EKS refuses a second entry for one principal (ResourceInUseException), so ours must import it.
    Rule(_EKS + r"aws_eks_access_entry\.this\[\"cluster_creator\"\]", "eks/creator-access-entry"),
    Rule(_EKS + r"aws_eks_access_policy_association\.this\[\"cluster_creator_admin\"\]", "eks/creator-access-admin"),
    # v8 kubernetes_map_roles / map_users: eks 20.x access_entries keyed by username; ours by position (roles,
    # then users). EKS refuses a second entry for a principal, so ours import them.
    Rule(_EKS + r"aws_eks_access_entry\.this\[\"([^\"]+)\"\]", "eks/access-entry-{0}", index_in="_access_usernames"),
    # Rules of ours that AWS already has from v8 (same group, source group, protocol and port): creating
    # them again fails with InvalidPermission.Duplicate, so ours import the existing rule.
    Rule(r"module\.app_eks\.aws_security_group_rule\.database", "database/ingress-sg-0", import_id=_sg_rule),
    Rule(r"module\.app_eks\.aws_security_group_rule\.nfs_ingress", "weave-efs/ingress-sg-0", import_id=_sg_rule),
    # Nodes -> Redis 6379 (app_eks/main.tf aws_security_group_rule.elasticache, count = create_elasticache; all versions).
    Rule(r"module\.app_eks\.aws_security_group_rule\.elasticache(?:\[0\])?", "redis/ingress-sg-0", import_id=_sg_rule),
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
    # --- pre-operator ALB (v1.16.10 modules/app_lb; ours is <ns>-infra "alb" when deployment is pre-operator) ---
    # The ALB keeps its DNS name (clients may CNAME it) and is switched in place to our security group;
    # the target group keeps v1.16.10's name (name, port, protocol, vpc_id are ForceNew), so the listeners
    # and the alias record are imported too (Route53 refuses to CREATE a record that exists).
    Rule(r"module\.app_lb\.aws_lb\.alb", "alb/alb", carry=("name", "internal", "load_balancer_type")),
    Rule(r"module\.app_lb\.aws_lb_target_group\.app", "alb/target-group",
         carry=("name", "port", "protocol", "vpc_id", "target_type")),
    Rule(r"module\.app_lb\.aws_lb_listener\.https", "alb/https"),
    Rule(r"module\.app_lb\.aws_lb_listener\.http", "alb/http-redirect"),
    Rule(r"module\.app_lb\.aws_route53_record\.alb", "alb/record-a", import_id=_route53),
    Rule(r"module\.app_lb\.aws_route53_record\.extra\[\"([^\"]+)\"\]", "alb/record-extra-{0}", import_id=_route53,
         index_in="extra_fqdn"),
    # --- PrivateLink (v4.7.2 to v8 modules/private_link; ours: private-link) ----------------------------------
    # Consumers' interface endpoints were created with the endpoint service's name: the service is imported
    # (the name stays), and so are the NLB and target group, whose names ours share (ELB names are unique per
    # region). v8's NLB has no security group unless private_only_traffic, and AWS cannot add one to an NLB
    # made without: the empty list is carried as unset, so ours keeps the NLB as it is.
    Rule(r"module\.private_link\[0\]\.aws_lb\.nlb", "private-link/nlb",
         carry=("name", "internal", "load_balancer_type", "security_groups",
                "enforce_security_group_inbound_rules_on_private_link_traffic")),
    Rule(r"module\.private_link\[0\]\.aws_lb_target_group\.nlb", "private-link/target-group",
         carry=("name", "port", "protocol", "vpc_id", "target_type")),
    Rule(r"module\.private_link\[0\]\.aws_lb_listener\.nlb", "private-link/listener"),
    Rule(r"module\.private_link\[0\]\.aws_vpc_endpoint_service\.private_link", "private-link/endpoint-service"),
)

RELEASED: tuple[tuple[str, str], ...] = (
    # Objects the old workspace must forget (terraform state rm) but never destroy: AWS still needs them.
    (r".*aws_iam_role_policy_attachment\..*|.*aws_iam_policy_attachment\..*",
     "policy attachment: ours attach the same managed policies to the adopted roles; destroying the old one "
     "would detach them (IAM keeps one attachment per role and policy)"),
    (_EKS + r"aws_security_group\.cluster\[0\]|" + _EKS + r"aws_security_group_rule\.cluster.*",
     "EKS cluster security group: the adopted cluster keeps it in vpc_config (immutable)"),
    # eks 17.x (v1.16.10, v4.7.2, v7.x) workers.tf: the cluster security group's rules reference it, so AWS
    # refuses to delete it while the released cluster group exists (DependencyViolation).
    (_EKS + r"aws_security_group\.workers\[0\]|" + _EKS + r"aws_security_group_rule\.workers_.*",
     "eks 17.x workers security group: referenced by the adopted cluster security group's rules"),
    (r"module\.private_link\[0\]\.aws_lb_target_group_attachment\..*",
     "the ALB's registration in the PrivateLink target group: destroying it would cut PrivateLink traffic; ours "
     "registers the W&B ALB in the same (imported) target group"),
    # eks 20.x (v8) node security group: the released cluster group's rule ingress_nodes_443 references it.
    (_EKS + r"aws_security_group\.node\[0\]|" + _EKS + r"aws_security_group_rule\.node\[.*\]",
     "eks 20.x node security group: referenced by the adopted cluster security group's rules (AWS refuses to "
     "delete a group another group's rule references: DependencyViolation)"),
)

REPLACED_ANYWAY: tuple[tuple[str, str], ...] = (
    (r".*aws_eks_node_group\..*", "node group: ours differ in name, AMI type, launch template and subnets (immutable); "
     "new node groups join the adopted cluster and the old ones are drained and removed from the old workspace"),
    (r".*aws_launch_template\..*", "launch template of the old node groups"),
    (r".*aws_security_group_rule\..*", "security group rule: ours are aws_vpc_security_group_*_rule resources on the "
     "adopted groups; the old rules stay in AWS until the old workspace removes them (see cut-over step 6)"),
    (r".*aws_iam_policy\..*|.*aws_iam_role_policy\..*", "IAM policy: recreated by us on the adopted roles"),
    (r"module\.acm\.aws_route53_record\..*", "ACM validation record: ours is created over it (allow_overwrite: an "
     "UPSERT of the same name and value)"),
    (r".*aws_route53_record\..*", "Route53 record with no counterpart in ours: it stays until the old workspace "
     "removes it (post-operator, external-dns owns the app record)"),
    (r".*aws_acm_certificate_validation\..*", "certificate validation (no AWS object)"),
    (r"module\.app_lb\.aws_security_group\..*", "ALB security group: ours is one new group (the adopted ALB "
     "switches to it in place; post-operator, the controller-made ALB's group is new); remove the old ones "
     "from the old workspace after the cut-over"),
    (r"module\.app_lb\..*", "Terraform-managed ALB piece with no counterpart in our stacks for this deployment "
     "(post-operator: the aws-load-balancer-controller makes the ALB)"),
    (r"aws_autoscaling_attachment\..*", "ASG attachment of the old node groups to the target group: ours attach the "
     "new node groups; the old ones go with the old node groups"),
    (r"module\.app_eks\.module\.(lb_controller|external_dns|cluster_autoscaler)\.aws_iam_.*|"
     r"module\.app_eks\.aws_iam_role\.(oidc|irsa)|module\.app_eks\.aws_iam_policy_attachment\.irsa|"
     r"module\.iam_role\[0\]\.aws_iam_.*",
     "IRSA role of a controller (load balancer controller, external-dns, cluster autoscaler, v8's YACE role "
     "`module.iam_role`): ours are new roles (name prefixes) trusted by the adopted OIDC provider"),
    (r".*aws_secretsmanager_secret.*", "secret: ours is a new secret (W&B reads it through the operator)"),
    (r".*aws_eks_access_entry\..*|.*aws_eks_access_policy_association\..*", "EKS access entry or policy "
     "association with no counterpart in ours (the creator's and the kubernetes_map_roles/map_users entries are "
     "imported): ours grants access through its own entries"),
)

STAYS_WITH_OLD: tuple[tuple[str, str], ...] = (
    # v8 app_eks makes these two; our <ns>-operator stack creates objects of the same names (Kubernetes refuses
    # to create an existing one), so the old workspace removes them first (cut-over step 6).
    (r"module\.app_eks\.kubernetes_storage_class\.gp3", "StorageClass `gp3`: ours (`<ns>-operator`) creates one of "
     "the same name; destroy it in the old workspace before `cdktf deploy <ns>-operator` (deleting a StorageClass "
     "leaves its volumes and claims as they are)"),
    (r"(.*\.)?kubernetes_secret\.weave_worker_auth", "Secret `weave-worker-auth`: ours (`<ns>-operator`) creates one of "
     "the same name; destroy it in the old workspace right before `cdktf deploy <ns>-operator`"),
    (r"(.*\.)?(helm_release|kubernetes_[a-z0-9_]+)\..*", "Helm release / Kubernetes object: managed by the old "
     "workspace until our app/operator stack takes over"),
    (r"(.*\.)?(random_[a-z_]+|time_sleep|tls_[a-z_]+|null_resource|terraform_data)\..*", "helper with no AWS object"),
    (r".*aws_flow_log\..*|module\.networking\.aws_s3_bucket.*", "flow logs and their bucket"),
    (r".*aws_kms_grant\..*", "KMS grant"),
    (_FS + r"aws_s3_bucket_acl\..*", "bucket ACL `private` (v4.7.2+): ours disables ACLs (BucketOwnerEnforced); "
     "destroying an aws_s3_bucket_acl only forgets it"),
    # vpc 4.x (v4.7.2 to v8) manages them by default; removing them from Terraform changes nothing in AWS.
    (_VPC + r"aws_default_(network_acl|route_table)\.\w+\[0\]", "the VPC's default network ACL / route table "
     "(AWS-owned, adopted by vpc 4.x): ours leaves them as they are; `terraform state rm` them when the old "
     "workspace is retired (destroying an aws_default_* only forgets it)"),
    (_EKS + r"aws_iam_role\.workers\[0\]|" + _EKS + r"aws_iam_instance_profile\..*",
     "eks 17.x worker role/profile: unused by the managed node groups (they run as module.app_eks.aws_iam_role.node)"),
    (r"module\.app_eks\.aws_efs_backup_policy\..*", "EFS backup policy (v4.7.2+): ours leaves AWS Backup to you"),
    (r".*(clickhouse|s3_endpoint).*", "feature not supported by wandb-cdktf (ClickHouse, the S3 gateway endpoint): "
     "keep it in the old workspace or remove it there"),
)


def our_path(address: str, config: dict[str, Any] | None = None) -> tuple[Rule, str] | None:
    for rule in RULES:
        path = rule.match(address, config)
        if path is not None:
            return rule, path
    return None


def classify(address: str, table: tuple[tuple[str, str], ...]) -> str | None:
    for pattern, why in table:
        if re.fullmatch(pattern, address):
            return why
    return None


@dataclass(frozen=True)
class Generation:
    """A terraform-aws-wandb release line whose addresses ``adopt`` knows, and what differs from v8."""

    name: str
    deployment: str
    """Our ``deployment`` for it: pre-operator only where W&B itself ran without the operator."""
    notes: tuple[str, ...]
    """What a takeover of this shape does differently (written into ADOPTION.md)."""


_EKS17 = ("EKS: terraform-aws-modules/eks 17.x. The cluster, its IAM role and its security groups are kept "
          "(security_group_ids is immutable); the 17.x managed node groups (`module.node_groups`) are replaced by "
          "ours, which join the adopted cluster; the `kubernetes_config_map.aws_auth` stays with the old workspace "
          "until the old node groups are gone (EKS adds our node role itself).",
          "EKS authentication: 17.x created the cluster with `CONFIG_MAP` authentication; ours switches it in place "
          "to `API_AND_CONFIG_MAP` (EKS allows that direction only) so access entries work; the aws-auth entries keep "
          "working.")

GENERATIONS: dict[str, Generation] = {
    "v8": Generation("v8", "post-operator", ()),
    "v7": Generation("v7", "post-operator", _EKS17 + (
        "Add-ons: v7 already has one aws_eks_addon per add-on (app_eks/add-ons.tf): each is imported.",
        "v5.0.0 to v6.x have v7's resource addresses (read at their tags) and are taken over the same way.")),
    "v4.7.2": Generation("v4.7.2", "post-operator", _EKS17 + (
        "Add-ons: v4.7.2 has only `aws_eks_addon.eks` (EBS CSI) and `.efs` (EFS CSI): both are imported; "
        "vpc-cni, coredns, kube-proxy and metrics-server are EKS's self-managed copies, which ours take over as "
        "managed add-ons (created, resolve_conflicts OVERWRITE).",
        "ALB: v4.7.2 still has the Terraform ALB of `module.app_lb` (behind the `old.` dummy name) beside the "
        "controller-made one; post-operator we have no Terraform ALB, so it stays with the old workspace: destroy it "
        "there after the cut-over.")),
    "v1.16.10": Generation("v1.16.10", "pre-operator", _EKS17 + (
        "Network: terraform-aws-modules/vpc 3.x, same addresses as 4.x; database: rds-aurora 6.2.0, same addresses "
        "as 7.7.1.",
        "Bucket: `module.file_storage[0]` keeps CORS and encryption inline in aws_s3_bucket (provider 3.x style); "
        "ours manage them as aws_s3_bucket_cors_configuration / _server_side_encryption_configuration, created over "
        "the same settings (PUTs, no data moves).",
        "Add-ons: only `aws_eks_addon.eks` (EBS CSI) is imported; the others are created as managed add-ons over "
        "EKS's self-managed copies.",
        "Not in v1.16.10, created new by ours: the IAM OIDC provider (IRSA), the control-plane log group (17.x "
        "enabled no log types), the cluster-creator access entry.",
        "ALB (`module.app_lb`): the ALB, its target group (`<ns>-tg-app`: the name is immutable, so it is kept), "
        "both listeners and the alias record are imported; the two ALB security groups (`-alb-inbound`, "
        "`-alb-outbound`) are replaced by our one, switched on the ALB in place; the NodePort rule "
        "(`aws_security_group_rule.lb`) is replaced by ours from that group. The ALB's DNS name does not change.")),
}


SUPPORTED = "v8.x, v7.x (v5.0.0 to v7.x share its addresses), v4.7.2 and v1.16.10"


def detect_generation(addresses: set[str]) -> Generation:
    """The release line of a workspace, from its addresses alone (no flag to get wrong).

    eks 20.x (v8) has ``module.eks_managed_node_group``/``aws_iam_role.this``; eks 17.x (v1.16.10 to v7.x)
    has ``module.node_groups``/``aws_iam_role.cluster``. Among 17.x ones, v5.0.0 to v7.x have no
    ``module.app_lb.aws_lb``; v4.7.2 has it and the operator-era EFS (efs.tf, unconditional at v4.7.2);
    v1.16.10 has neither. Shapes between them are refused (:class:`ConfigError`), read from the tags: v3.x
    (pre-operator, with the load balancer controller's OIDC provider and IRSA role) and v2.1.0 to v2.8.0
    (pre-operator, the bucket's CORS/encryption as separate resources). v2.0.0 has v1.16.10's addresses.
    """
    from ..config import ConfigError

    def has(pattern: str) -> bool:
        return any(re.fullmatch(pattern, a) for a in addresses)

    eks17 = has(_EKS + r"(module\.node_groups\..*|aws_iam_role\.cluster\[0\])")
    if not eks17:
        return GENERATIONS["v8"]
    if not has(r"module\.app_lb\.aws_lb\.alb"):
        return GENERATIONS["v7"]
    if has(r"module\.app_eks\.(aws_efs_file_system\..*|aws_eks_addon\.efs)"):
        return GENERATIONS["v4.7.2"]
    unmapped = None
    if has(r"module\.app_eks\.(aws_iam_openid_connect_provider\.eks|module\.(lb_controller|external_dns)\..*)|module\.wandb\..*"):
        unmapped = "v3.x (pre-operator with the load balancer controller's OIDC provider and IRSA roles)"
    elif has(_FS + r"aws_s3_bucket_(cors_configuration|server_side_encryption_configuration)\.file_storage"):
        unmapped = "v2.x (pre-operator with the bucket's CORS and encryption as separate resources)"
    if unmapped:
        raise ConfigError("--state", f"looks like terraform-aws-wandb {unmapped}, which adopt does not map; it maps "
                          f"{SUPPORTED}: upgrade the old workspace to one of them first")
    return GENERATIONS["v1.16.10"]
