"""The deployment configuration: one typed, validated model.

Option names follow the ``terraform-aws-wandb`` v8 variables wherever the concept
is the same, so an existing ``terraform.tfvars`` can be loaded as is. Options
that exist only here (``deployment``, ``region``, ``remote_state``, ``byob``,
``launch``, ...) are marked "wandb-cdktf" in their description. Every optional
field documents its default.
"""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from . import autoscaler as _autoscaler
from . import validators as v
from .base import OptionError, StrictModel
from .byob import ByobConfig
from .emulator import AwsEndpointsConfig
from .launch import LaunchConfig
from .operations import AlarmsConfig, BackupConfig
from .s3_compatible import S3CompatibleBucketConfig
from .sizes import SIZE_PRESETS, Size, SizePreset
from .types import (
    AcmCertificateArn,
    AwsAccountId,
    AwsRegion,
    IamPolicyArn,
    IamPrincipalArn,
    IamRoleArn,
    IamUserArn,
    Ipv4Cidr,
    Ipv6Cidr,
    KmsKeyArn,
    KubernetesName,
    S3BucketName,
    SecretsManagerSecretArn,
    SecurityGroupId,
    SubnetId,
    VpcId,
)
from .v8 import EMPTY_MEANS_UNSET as V8_EMPTY_MEANS_UNSET

_Err = OptionError
"""The short name the model's checks use (``raise _Err(option, message)``)."""

# EKS addon versions look like v1.19.2-eksbuild.1 (DescribeAddonVersions); CreateAddon/UpdateAddon refuse others.
EksAddonVersion = Annotated[str, Field(pattern=r"^v\d+\.\d+\.\d+-eksbuild\.\d+$")]
# The Aurora backup window (daily, UTC); RDS refuses a maintenance window that overlaps it.
DATABASE_BACKUP_WINDOW = "02:00-03:00"
# IAM and AWS STS quotas ("Managed policies attached to an IAM role": default 10, adjustable up to 20), and the
# AWS managed policies the EKS node role always carries (constructs.aws.cluster.NODE_MANAGED_POLICIES).
IAM_DEFAULT_MANAGED_POLICIES_PER_ROLE = 10
NODE_ROLE_MANAGED_POLICIES = 5
# Tags a resource of ours carries besides `tags`: managed-by (every AWS provider's default tags) plus the most any
# one resource sets itself (a subnet: Name, kubernetes.io/cluster/<ns>, kubernetes.io/role/*-elb, wandb.tier; a
# test checks this against every synthesized example). `tags` may add up to AWS's 50 per resource minus these.
OWN_TAGS_MAX = 5
_ADDON_VERSION_DOC = ("Pin this addon version (e.g. v1.19.2-eksbuild.1); a pin wins over the lookup and must be valid "
                      "for eks_cluster_version. Default: the most recent version for the cluster minor "
                      "(data.aws_eks_addon_version, as v8).")
# A W&B Redis URL query parameter (redis://host:port?<name>=<value>&..., e.g. tls=true, ttlInSeconds=604800):
# characters that need no URL encoding, so the chart's and our URL are the same.
_REDIS_PARAM_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
_REDIS_PARAM_VALUE = re.compile(r"^[A-Za-z0-9._~/-]{1,256}$")
# The W&B operator chart and controller (README "Upgrades"). v8.0.0 pins chart 1.4.2 / controller 1.20.0; the
# controller gained Helm release-history pruning in 1.20.2/1.20.3 and a working uninstall timeout in 1.21.2
# (wandb/operator CHANGELOG.md); 1.21.0 moved to kubebuilder v4, whose leader election needs the leases RBAC and
# helm-cache volume chart 1.4.8 adds. 1.22.0 only adds OCI chart support on Helm v4, which is not taken here.
OPERATOR_CHART = "1.4.8"
CONTROLLER_IMAGE_TAG = "1.21.3"
# Options that configure resources created here; each group conflicts with the matching external_* option.
CREATED_DATABASE_OPTIONS = (
    "database_engine_version", "database_instance_class", "database_snapshot_identifier", "database_sort_buffer_size",
    "database_kms_key_arn", "database_performance_insights_kms_key_arn", "database_backup_retention_period",
    "database_apply_immediately", "database_maintenance_window", "database_password_version",
)
CREATED_REDIS_OPTIONS = ("elasticache_node_type", "network_elasticache_subnets")
CREATED_CLUSTER_OPTIONS = (
    "eks_cluster_version", "eks_cluster_tags", "eks_policy_arns", "kubernetes_public_access",
    "kubernetes_public_access_cidrs", "kubernetes_map_roles", "kubernetes_map_users",
    "kubernetes_legacy_cluster_creator_admin", "kubernetes_instance_types", "kubernetes_min_nodes_per_az",
    "kubernetes_max_nodes_per_az", "kubernetes_node_disk_size_gb", "system_reserved_cpu_millicores",
    "system_reserved_memory_megabytes", "system_reserved_ephemeral_megabytes", "system_reserved_pid",
    "eks_addon_vpc_cni_version", "eks_addon_coredns_version", "eks_addon_kube_proxy_version",
    "eks_addon_ebs_csi_driver_version", "eks_addon_efs_csi_driver_version", "eks_addon_metrics_server_version",
    "cluster_autoscaler_chart_version", "cluster_autoscaler_image_tag",
)



class MapRole(StrictModel):
    """An IAM role granted access to the EKS cluster (v8 ``kubernetes_map_roles`` item)."""

    rolearn: IamRoleArn
    username: str = Field(min_length=1, description=(
        "The Kubernetes user name of the access entry (v7's aws-auth meaning; v8 uses it only as a key and EKS "
        "names the entry, which `wandb-cdktf adopt` keeps)."))
    groups: list[str] = Field(default_factory=list, description="Kubernetes groups. Default: [].")


class MapUser(StrictModel):
    """An IAM user granted access to the EKS cluster (v8 ``kubernetes_map_users`` item)."""

    userarn: IamUserArn
    username: str = Field(min_length=1, description=(
        "The Kubernetes user name of the access entry (v7's aws-auth meaning; v8 uses it only as a key and EKS "
        "names the entry, which `wandb-cdktf adopt` keeps)."))
    groups: list[str] = Field(default_factory=list, description="Kubernetes groups. Default: [].")


class RemoteStateConfig(StrictModel):
    """wandb-cdktf: S3 backend for every stack's state. Default: local state files."""

    bucket: S3BucketName
    key_prefix: str = Field(
        default="wandb-cdktf",
        pattern=r"^[A-Za-z0-9!_.*'()/-]+$",
        description="State objects are <key_prefix>/<stack id>.tfstate. Default: 'wandb-cdktf'.",
    )
    region: AwsRegion | None = Field(
        default=None, description="Region of the state bucket. Default: the deployment region."
    )
    use_lockfile: bool = Field(default=True, description="S3-native state locking (Terraform >= 1.10). Default: true.")
    dynamodb_table: str | None = Field(
        default=None, min_length=3, max_length=255, description="DynamoDB lock table (legacy locking). Default: none."
    )
    encrypt: bool = Field(default=True, description="Server-side encryption of state objects. Default: true.")
    kms_key_id: KmsKeyArn | None = Field(default=None, description="KMS key for state encryption. Default: SSE-S3.")

    @model_validator(mode="after")
    def _locking(self) -> RemoteStateConfig:
        if not self.use_lockfile and not self.dynamodb_table:
            raise ValueError("remote_state needs a lock: keep use_lockfile: true or set dynamodb_table")
        if self.kms_key_id and not self.encrypt:
            raise ValueError("remote_state.kms_key_id requires encrypt: true")
        return self


class AdoptedResource(StrictModel):
    """One existing AWS object our infra stack takes over (written by ``wandb-cdktf adopt``)."""

    path: str = Field(pattern=r"^[a-z0-9-]+(/[A-Za-z0-9_-]+)+$", description="Construct path under <namespace>-infra, e.g. network/vpc.")
    import_id: str = Field(min_length=1, max_length=2048, description="Terraform import ID of the existing object.")
    set: dict[str, Any] = Field(default_factory=dict, description="Immutable attributes kept at their existing values. Default: {}.")
    unset: list[Annotated[str, Field(pattern=r"^[a-z_]+(\.[a-z0-9_]+)*$")]] = Field(default_factory=list, description="Our attributes dropped (name prefixes; immutable attributes the existing object leaves empty). Default: [].")

    @field_validator("set")
    @classmethod
    def _set_values(cls, value: dict[str, Any]) -> dict[str, Any]:
        """What `wandb-cdktf adopt` carries: an argument path and the existing value (text, a number, true/false, or
        a short list of those). The argument itself is checked against the resource when the stack is built."""
        for key, item in value.items():
            if not re.fullmatch(r"[a-z_]+(\.[a-z0-9_]+)*", key):
                raise ValueError(f"keys are argument names such as name or vpc_config.subnet_ids, got {key[:60]!r}")
            items = item if isinstance(item, list) else [item]
            if len(items) > 100 or not all(isinstance(x, (str, int, float, bool)) and len(str(x)) <= 2048 for x in items):
                raise ValueError(f"{key}: must be text, a number, true/false or a list of at most 100 of those (the "
                                 "existing value wandb-cdktf adopt wrote), got something larger")
        return value


class AdoptionConfig(StrictModel):
    """wandb-cdktf: take over the AWS objects of a terraform-aws-wandb workspace (README "Coming from terraform-aws-wandb")."""

    source: str = Field(min_length=1, description="The workspace's module and version, for the record.")
    resources: list[AdoptedResource] = Field(min_length=1, description="Objects imported into <namespace>-infra.")


class LogLifecycle(StrictModel):
    """v8 modules/cloudtrail ``log_lifecycle``: when the trail's log files move to Glacier and are deleted."""

    transition_days: int = Field(default=90, ge=0, description="Days until log files move to S3 Glacier Flexible Retrieval. Default: 90.")
    expiration_days: int = Field(default=730, ge=1, description="Days until log files are deleted; must exceed transition_days. Default: 730.")

    @model_validator(mode="after")
    def _order(self) -> LogLifecycle:
        # S3 PutBucketLifecycleConfiguration: "'Days' in the Expiration action ... must be greater than 'Days'
        # in the Transition action".
        if self.expiration_days <= self.transition_days:
            raise ValueError(f"expiration_days ({self.expiration_days}) must be greater than transition_days "
                             f"({self.transition_days}): S3 refuses a rule that expires objects before they transition")
        return self


class CloudTrailConfig(StrictModel):
    """The S3 audit trail (v8 modules/cloudtrail variables): CloudTrail data events of the W&B file bucket."""

    cloudtrail_bucket_name: str = Field(
        default="cloudtrail-s3-events-logs-bucket",
        description="The log bucket is <namespace>-<cloudtrail_bucket_name> (a valid S3 name of at most 63 "
        "characters, unique in the partition). Default: cloudtrail-s3-events-logs-bucket (v8).",
    )
    multi_region_trail: bool = Field(default=True, description="Record management events of every region. Default: true (v8).")
    include_global_service_events: bool = Field(
        default=True, description="Record IAM, STS and other global services' events; required by a multi-region trail. Default: true (v8).")
    enable_log_file_validation: bool = Field(default=True, description="Signed digest files to prove logs unchanged. Default: true (v8).")
    include_management_events: bool = Field(
        default=True,
        description="wandb-cdktf: also record the account's management events, as v8's trail does; false records only "
        "the bucket's data events (when an organization trail already has management events: a second copy is "
        "billed). Default: true.",
    )
    log_lifecycle: LogLifecycle = Field(default_factory=LogLifecycle, description="Default: 90 days to Glacier, deleted after 730 (v8).")

    @model_validator(mode="after")
    def _global_events(self) -> CloudTrailConfig:
        # CloudTrail CreateTrail/UpdateTrail: InvalidParameterCombinationException "Multi-Region trail must
        # include global service events."
        if self.multi_region_trail and not self.include_global_service_events:
            raise ValueError("include_global_service_events must be true for a multi-region trail (CloudTrail "
                             "refuses it); set multi_region_trail: false to leave global events out")
        return self

    def log_bucket_name(self, namespace: str) -> str:
        return f"{namespace}-{self.cloudtrail_bucket_name}"


class WandbConfig(StrictModel):
    """A W&B self-managed deployment on AWS (plus optional BYOB and Launch stacks)."""

    # --- identity -------------------------------------------------------------------------
    namespace: Annotated[str, AfterValidator(v.namespace)] = Field(
        description="Prefix of every resource name; also the EKS cluster name and stack id prefix. Required."
    )
    region: AwsRegion = Field(
        default="us-west-2", description="wandb-cdktf: AWS region of the deployment. Default: us-west-2."
    )
    deployment: Literal["pre-operator", "post-operator"] = Field(
        default="post-operator",
        description="wandb-cdktf: pre-operator (Terraform ALB + app as Kubernetes resources) or post-operator "
        "(W&B operator via Helm). Default: post-operator.",
    )
    tags: Annotated[dict[str, str], AfterValidator(v.aws_tags)] = Field(default_factory=dict, description=f"wandb-cdktf: default tags on every AWS resource, within AWS's tag rules (keys 1-128 and values 0-256 characters of letters, digits, spaces and _ . : / = + - @; no aws: prefix; at most {v.AWS_MAX_TAGS_PER_RESOURCE - OWN_TAGS_MAX} here, because a resource carries at most {v.AWS_MAX_TAGS_PER_RESOURCE} and ours add up to {OWN_TAGS_MAX}). Default: {{}}.")
    deletion_protection: bool = Field(
        default=True,
        description="Protect the database (deletion protection, final snapshot on destroy), the bucket (no force_destroy) and the PrivateLink NLB (deletion protection, as v8) from deletion; the database cluster, the bucket, the created KMS key and the Weave EFS file system also carry Terraform's prevent_destroy, so a destroy or a change that replaces them fails at plan time, before anything is destroyed; a change that takes the key or the EFS out of the configuration (switching to kms_key_arn, the rollback to pre-operator) makes Terraform forget them instead of destroying them. Default: true.",
    )
    size: Size = Field(default="small", description="Size preset: small, medium, large, xlarge, xxlarge. Default: small.")

    # --- IAM ------------------------------------------------------------------------------
    iam_permissions_boundary_arn: IamPolicyArn | None = Field(
        default=None,
        description="wandb-cdktf: managed policy set as the permissions boundary of every IAM role that any stack "
        "creates (infra, app, operator, byob-aws, launch-aws), for accounts whose SCPs or deployer policy allow "
        "iam:CreateRole only with a boundary. The boundary must allow what each role needs (README \"IAM "
        "permissions boundary and path\"). Changing it updates the roles in place. Default: none.",
    )
    iam_role_path: Annotated[str, AfterValidator(v.iam_path)] | None = Field(
        default=None,
        description="wandb-cdktf: IAM path (e.g. /wandb/; starts and ends with '/', at most 512 printable ASCII "
        "characters) of every IAM role and customer-managed policy the stacks create. Set it before the first "
        "deploy: IAM cannot move a role, so changing it replaces every role and policy, and with the control-plane "
        "role the EKS cluster. Default: none (IAM's /).",
    )

    # --- DNS / TLS ------------------------------------------------------------------------
    create_platform: bool = Field(
        default=True,
        description="wandb-cdktf: build the W&B platform stacks (<namespace>-infra and -app/-operator). Set false to "
        "build only BYOB and/or Launch stacks, e.g. for W&B SaaS or Dedicated Cloud. Default: true.",
    )
    domain_name: Annotated[str, AfterValidator(v.dns_name)] = Field(default="", description="Domain of the W&B URL. Required for the platform.")
    subdomain: Annotated[str, AfterValidator(v.dns_name)] | None = Field(
        default=None, description="Subdomain; the URL is https://<subdomain>.<domain_name>. Default: none (domain only)."
    )
    zone_id: Annotated[str, AfterValidator(v.route53_zone_id)] = Field(
        default="", description="Route53 hosted zone id of domain_name (certificate validation and records). Required for the platform."
    )
    acm_certificate_arn: AcmCertificateArn | None = Field(
        default=None, description="Existing ACM certificate to use instead of issuing one. Default: issue one."
    )
    extra_fqdn: list[Annotated[str, AfterValidator(v.dns_name)]] = Field(
        default_factory=list, max_length=9,
        description="Additional names on the certificate (ACM allows 10 names in all). Default: []."
    )
    external_dns: bool = Field(
        default=False, description="Post-operator: run external-dns to manage the app record. Default: false."
    )
    custom_domain_filter: Annotated[str, AfterValidator(v.dns_name)] | None = Field(
        default=None, description="external-dns domain filter. Default: domain_name."
    )
    public_access: bool = Field(
        default=False,
        description="Pre-operator: an internet-facing ALB in the public subnets; false gives an internal ALB in "
        "the private subnets (as v1.16.10). Post-operator: the ALB scheme follows kubernetes_alb_internet_facing "
        "(as v8). Either way allowed_inbound_cidr decides who may connect, and a certificate is issued and "
        "DNS-validated in zone_id (which must then be a public zone) unless acm_certificate_arn is set. Default: false.",
    )
    allowed_inbound_cidr: list[Ipv4Cidr] = Field(default_factory=list, max_length=30, description="IPv4 CIDRs allowed to reach W&B, in both deployment shapes; [] admits no one (at most 30: two ALB rules each within the 60-rule security group quota; each listed once, and one CIDR added or removed changes that CIDR's rules only). Required for the platform (may be []).")
    allowed_inbound_ipv6_cidr: list[Ipv6Cidr] = Field(default_factory=list, max_length=30, description="IPv6 CIDRs for the ALB security group (at most 30, as for IPv4). The ALB itself is IPv4, as in v8, because the VPC has no IPv6 subnets, so these rules take effect only once it is dual-stack. Each listed once. Required for the platform (may be []).")

    certificate_validation_zone_id: Annotated[str, AfterValidator(v.route53_zone_id)] | None = Field(
        default=None,
        description="wandb-cdktf: public Route53 zone that receives only the ACM validation records of the issued "
        "certificate, so that zone_id can be a private zone holding the W&B records (an internal-only deployment "
        "with a public zone for validation only). Not with acm_certificate_arn. Default: zone_id.",
    )

    # --- private access / PrivateLink ------------------------------------------------------
    private_link_allowed_account_ids: list[AwsAccountId] = Field(
        default_factory=list, max_length=100,
        description="AWS accounts allowed to reach W&B through PrivateLink: an internal Network Load Balancer in the "
        "private subnets forwards TCP 443 to the W&B ALB, behind a VPC endpoint service that admits "
        "arn:<partition>:iam::<id>:root of each account (no manual acceptance, as v8). Both deployment shapes; "
        "post-operator registers the controller-made ALB once it exists (README \"Private-only access and PrivateLink\"). Default: [] (none).",
    )
    private_only_traffic: bool = Field(
        default=False,
        description="Private-only W&B: PrivateLink clients must come from allowed_private_endpoint_cidr (the NLB's "
        "security group enforces its rules on PrivateLink traffic), the ALB must be internal, and the certificate "
        "must not need the deployment's own zone for validation (set acm_certificate_arn or "
        "certificate_validation_zone_id). Requires private_link_allowed_account_ids. Default: false.",
    )
    allowed_private_endpoint_cidr: list[Ipv4Cidr] = Field(
        default_factory=list, max_length=60,
        description="Private client IPv4 CIDRs admitted on 443 through PrivateLink when private_only_traffic is true "
        "(at most 60, the security group rule quota; each listed once). Default: [].",
    )

    # --- KMS ------------------------------------------------------------------------------
    kms_key_arn: KmsKeyArn | None = Field(
        default=None, description="wandb-cdktf: use this existing KMS key instead of creating one. Default: create."
    )
    kms_key_alias: Annotated[str, AfterValidator(v.kms_alias_suffix)] | None = Field(
        default=None,
        description="Alias of the created key without the 'alias/' prefix, which is prepended as in v8 ('my-key' "
        "means alias/my-key). Default: <namespace>-kms-alias.",
    )
    kms_key_deletion_window: int = Field(default=7, description="Days before a deleted key is destroyed, 7..30. Default: 7.")
    kms_key_policy: str = Field(default="", description="Full JSON key policy replacing ours. Default: the reference three-statement policy.")
    kms_key_policy_administrator_arn: IamPrincipalArn | None = Field(
        default=None, description="Principal with kms:* on the key. Default: the caller running Terraform."
    )
    kms_key_rotation: bool = Field(
        default=True, description="wandb-cdktf: yearly automatic rotation of the created key. Default: true."
    )

    # --- network --------------------------------------------------------------------------
    create_vpc: bool = Field(default=True, description="Create the VPC; false brings your own (network_id + subnets). Default: true.")
    network_id: VpcId | None = Field(default=None, description="BYO VPC id. Default: none.")
    network_private_subnets: list[SubnetId] = Field(
        default_factory=list, description="BYO VPC private subnet ids (EKS nodes, EFS). Default: []."
    )
    network_public_subnets: list[SubnetId] = Field(
        default_factory=list, description="wandb-cdktf: BYO VPC public subnet ids (pre-operator ALB). Default: []."
    )
    network_database_subnets: list[SubnetId] = Field(
        default_factory=list, description="BYO VPC database subnet ids. Default: []."
    )
    network_elasticache_subnets: list[SubnetId] = Field(
        default_factory=list, description="BYO VPC elasticache subnet ids. Default: []."
    )
    network_cidr: Ipv4Cidr = Field(default="10.10.0.0/16", description="VPC CIDR. Default: 10.10.0.0/16.")
    network_public_subnet_cidrs: list[Ipv4Cidr] = Field(default=["10.10.0.0/24", "10.10.1.0/24"], description="Default: 10.10.0.0/24, 10.10.1.0/24.")
    network_private_subnet_cidrs: list[Ipv4Cidr] = Field(default=["10.10.10.0/24", "10.10.11.0/24"], description="Default: 10.10.10.0/24, 10.10.11.0/24.")
    network_database_subnet_cidrs: list[Ipv4Cidr] = Field(default=["10.10.20.0/24", "10.10.21.0/24"], description="Default: 10.10.20.0/24, 10.10.21.0/24.")
    network_elasticache_subnet_cidrs: list[Ipv4Cidr] = Field(default=["10.10.30.0/24", "10.10.31.0/24"], description="Default: 10.10.30.0/24, 10.10.31.0/24.")
    single_nat_gateway: bool = Field(default=False, description="wandb-cdktf: one NAT gateway instead of one per AZ (cheaper, not HA). Default: false.")
    enable_flow_log: bool = Field(default=False, description="VPC flow logs (REJECT traffic) to an S3 bucket. Default: false.")

    # --- database -------------------------------------------------------------------------
    database_engine_version: str = Field(default="8.0", pattern=r"^8\.0(\.mysql_aurora\.3\.\d{2}\.\d)?$", description="Aurora MySQL version: 8.0 (RDS's default Aurora MySQL 3 version) or 8.0.mysql_aurora.3.MM.P at 3.05.2 or newer (W&B's self-managed requirements). Default: 8.0.")
    database_instance_class: str | None = Field(default=None, pattern=r"^db\.[a-z0-9]+\.[a-z0-9]+$", description="Default: from size.")
    database_snapshot_identifier: str | None = Field(default=None, min_length=1, description="Restore the cluster from this snapshot. Default: none.")
    database_sort_buffer_size: int = Field(default=67108864, ge=32768, le=4294967295, description="Default: 67108864.")
    database_name: str = Field(default="wandb_local", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$", description="Default: wandb_local.")
    database_master_username: str = Field(default="wandb", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,15}$", description="Default: wandb.")
    database_kms_key_arn: KmsKeyArn | None = Field(default=None, description="Storage encryption key. Default: the deployment key.")
    database_performance_insights_kms_key_arn: KmsKeyArn | None = Field(default=None, description="Default: database_kms_key_arn if set, else the deployment key.")
    database_backup_retention_period: int = Field(default=14, ge=1, le=35, description="wandb-cdktf: days of automated backups. Default: 14.")
    database_apply_immediately: bool = Field(
        default=True,
        description="wandb-cdktf: apply Aurora changes (instance class from size, parameters that allow it) on "
        "apply, not in the next maintenance window. Default: true (v8).",
    )
    database_maintenance_window: str = Field(
        default="sun:05:00-sun:06:00",
        description="wandb-cdktf: weekly UTC window (ddd:hh24:mi-ddd:hh24:mi, at least 30 minutes, clear of the "
        "daily 02:00-03:00 backup window) for Aurora cluster and writer maintenance, and for changes when "
        "database_apply_immediately is false. Default: sun:05:00-sun:06:00 (v8 database module).",
    )
    database_password_version: int = Field(
        default=1, ge=1,
        description="wandb-cdktf: generation of the Aurora master password. Terraform generates it without "
        "storing it in state and changes it only when this number changes; bump it to rotate "
        "(README \"Database credentials\"). Default: 1.",
    )

    external_database_host: Annotated[str, AfterValidator(v.dns_name)] | None = Field(
        default=None,
        description="wandb-cdktf (v8 has no such variable): use this existing Aurora MySQL (or MySQL 8) endpoint "
        "instead of creating a database; no RDS resource is created. W&B connects as database_master_username to "
        "database_name, with the password from external_database_secret_arn. Default: none (create Aurora).",
    )
    external_database_port: int = Field(default=3306, ge=1150, le=65535, description="wandb-cdktf: port of external_database_host (RDS allows 1150-65535). Default: 3306.")
    external_database_secret_arn: SecretsManagerSecretArn | None = Field(
        default=None,
        description="wandb-cdktf: Secrets Manager secret of external_database_host: JSON with a \"password\" key. "
        "Read when <namespace>-app/-operator is planned, never written to the synthesized JSON; W&B keeps that "
        "password until the next deploy of that stack, so use a secret rotated on purpose (a database user of W&B's "
        "own), not an RDS-managed master secret, which RDS rotates every 7 days (a warning says so). Required with "
        "external_database_host.",
    )
    external_database_security_group_id: SecurityGroupId | None = Field(
        default=None,
        description="wandb-cdktf: security group of external_database_host; given, <namespace>-infra adds an ingress "
        "rule for external_database_port from the EKS nodes. Default: none (you admit the nodes yourself).",
    )

    # --- Redis ----------------------------------------------------------------------------
    create_elasticache: bool = Field(default=True, description="Create ElastiCache Redis. With use_external_redis, leaving it unset means false. Post-operator without either, W&B gets the operator-wandb chart's own in-cluster Redis (one pod, no AUTH; a warning says so; docs/rendering.md). Default: true.")
    elasticache_node_type: str | None = Field(default=None, pattern=r"^cache\.[a-z0-9]+\.[a-z0-9]+$", description="Default: from size.")
    use_external_redis: bool = Field(
        default=False,
        description="Use an existing Redis (external_redis_host) instead of ElastiCache created here; no "
        "ElastiCache resource is created. Default: false.",
    )
    external_redis_host: Annotated[str, AfterValidator(v.dns_name)] | None = Field(
        default=None, description="Host of the existing Redis. Required with use_external_redis.",
    )
    external_redis_port: int = Field(default=6379, ge=1, le=65535, description="Port of the existing Redis (v8: a string; \"6379\" is accepted). Default: 6379.")
    external_redis_params: dict[str, bool | int | str] = Field(
        default_factory=dict, max_length=16,
        description="Query parameters of the W&B Redis URL (redis://host:port?<params>), e.g. {tls: true, "
        "ttlInSeconds: 604800}; W&B speaks TLS only with tls: true, and ttlInSeconds defaults to 604800 (the "
        "operator-wandb chart's default). Default: {}.",
    )
    external_redis_password_secret_arn: SecretsManagerSecretArn | None = Field(
        default=None,
        description="wandb-cdktf: Secrets Manager secret holding the Redis AUTH password (plain text, or JSON with "
        "a \"password\" key); read when <namespace>-app/-operator is planned, never written to the synthesized "
        "JSON. Default: none (no AUTH).",
    )

    # --- file storage ---------------------------------------------------------------------
    bucket_name: S3BucketName | None = Field(
        default=None, description="Use this existing bucket instead of creating one. Default: create."
    )
    bucket_kms_key_arn: KmsKeyArn | None = Field(default=None, description="KMS key of an existing bucket_name. Default: none.")
    bucket_path: str = Field(default="", pattern=r"^[A-Za-z0-9!_.*'()/-]*$", description="Sub-path in the bucket for W&B files. Default: root.")
    bucket_s3_compatible: S3CompatibleBucketConfig | None = Field(
        default=None,
        description="wandb-cdktf: keep W&B's files in this existing S3-compatible store (MinIO ...): endpoint, bucket, "
        "region, tls, credentials_secret_arn, credentials_version. No S3 bucket, SQS queue or bucket IAM grant is "
        "created; W&B uses its internal queue. Default: none (the S3 bucket built here, or bucket_name).",
    )
    use_internal_queue: bool = Field(default=False, description="Use W&B's internal queue instead of SQS. Default: false.")
    enable_s3_https_only: bool = Field(default=True, description="Deny non-TLS bucket access. Default: true (v8: false).")

    cloudtrail: CloudTrailConfig | None = Field(
        default=None,
        description="wandb-cdktf: an S3 audit trail, v8's standalone cloudtrail module built in: CloudTrail records "
        "every object read and write on the W&B file bucket (data events) into <namespace>-<cloudtrail_bucket_name>, "
        "a versioned, TLS-only, KMS-encrypted log bucket with a lifecycle ({} takes v8's defaults). "
        "Default: none (no trail).",
    )
    alarms: AlarmsConfig | None = Field(
        default=None,
        description="wandb-cdktf: CloudWatch alarms (Aurora CPU, free local storage, freeable memory, connections; Redis "
        "memory and evictions; pre-operator ALB 5xx rate and unhealthy targets; node groups at their maximum; the "
        "file-storage queue's oldest message) into the SNS topic <namespace>-alarms, encrypted with the deployment key; "
        "thresholds follow size ({} takes them all; docs/backup-and-alarms.md). Default: none (no alarms).",
    )
    backup: BackupConfig | None = Field(
        default=None,
        description="wandb-cdktf: AWS Backup of the Aurora cluster and the file bucket: vault <namespace>-backup "
        "(deployment key, optional Vault Lock), plan rules with their retention, optional copy to a second region "
        "({} takes a daily backup kept 35 days; docs/backup-and-alarms.md). Default: none (no AWS Backup).",
    )

    # --- EKS ------------------------------------------------------------------------------
    eks_cluster_version: Annotated[str, AfterValidator(v.eks_version)] = Field(default="", description="EKS Kubernetes version, e.g. '1.35' (the examples' choice: in EKS standard support, and W&B asks for 1.34 or newer). 1.32 or newer: older minors are past EKS extended support, so EKS creates none. 1.32 and 1.33 are accepted with a warning (below W&B's floor; paid EKS extended support) so that older clusters can move up. Required for the platform. Upgrade one minor per apply (EKS refuses skips); node groups and addons follow (README \"Upgrading EKS\").")
    eks_cluster_tags: Annotated[dict[str, str], AfterValidator(v.aws_tags)] = Field(default_factory=dict, description="Tags on the EKS cluster (AWS's tag rules, as tags; with tags at most 50 in all). Default: {}.")
    eks_policy_arns: list[IamPolicyArn] = Field(default_factory=list, max_length=15, description="Extra policies attached to the node role. 5 are attached already and IAM's default quota is 10 managed policies per role, so more than 5 here need a raised quota (Service Quotas, 'Managed policies per role', at most 20): a warning says so. Default: [].")
    external_eks_cluster_name: str | None = Field(
        default=None, pattern=r"^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$",
        description="wandb-cdktf (v8 has no such variable): deploy into this existing EKS cluster instead of creating "
        "one (post-operator, with create_vpc: false and the cluster's VPC in network_*). <namespace>-infra reads it "
        "(data.aws_eks_cluster) and its IAM OIDC provider (by issuer URL, which must exist), creates the IRSA roles "
        "against that provider and grants external_eks_node_role_arn the bucket, queue, key and namespace-secret "
        "actions. Default: none (create the cluster).",
    )
    external_eks_node_role_arn: IamRoleArn | None = Field(
        default=None,
        description="wandb-cdktf: IAM role of the existing cluster's nodes that run W&B; gets an inline policy for "
        "the bucket, queue, KMS key and namespace secrets. Required with external_eks_cluster_name.",
    )
    external_eks_node_security_group_id: SecurityGroupId | None = Field(
        default=None,
        description="wandb-cdktf: security group of those nodes, admitted to the database, Redis and EFS. Default: "
        "the cluster security group EKS gives managed node groups.",
    )
    kubernetes_public_access: bool = Field(default=False, description="Public EKS API endpoint. Default: false.")
    kubernetes_public_access_cidrs: list[Ipv4Cidr] = Field(default_factory=list, max_length=40, description="CIDRs for the public endpoint. Default: [] (requires kubernetes_public_access).")
    kubernetes_map_roles: list[MapRole] = Field(default_factory=list, description="IAM roles given cluster access entries. Default: [].")
    kubernetes_map_users: list[MapUser] = Field(default_factory=list, description="IAM users given cluster access entries. Default: [].")
    kubernetes_legacy_cluster_creator_admin: bool = Field(default=False, description="As in v8: false (fresh installs) creates an EKS access entry with cluster-admin for the IAM principal running Terraform; true means AWS already holds the cluster creator's entry (clusters created before access entries), so none is created. Changing it never replaces the cluster. Default: false.")
    kubernetes_instance_types: list[Annotated[str, Field(pattern=r"^[a-z0-9]+\.[a-z0-9]+$")]] | None = Field(default=None, description="x86 types only (the nodes run the AL2023 x86_64 AMI; W&B's requirements name x86 nodes): AWS Graviton types (a1, or a g after the generation: m7g, c7gn, r8g, t4g, x2gd, im4gn, is4gen) are refused. Default: from size.")
    kubernetes_min_nodes_per_az: int | None = Field(default=None, ge=0, le=100, description="Minimum nodes of each AZ's node group. Raising it above a group's live desired size (the autoscaler's) stops the plan with the aws eks update-nodegroup-config command to run first (EKS refuses a minimum above the desired size; README \"Upgrading EKS\"). Default: from size.")
    kubernetes_max_nodes_per_az: int | None = Field(default=None, ge=1, le=100, description="Default: from size.")
    kubernetes_node_disk_size_gb: int | None = Field(default=None, ge=20, le=16384, description="Default: from size.")
    kubernetes_alb_internet_facing: bool = Field(default=True, description="Post-operator: internet-facing ALB (false: internal), as in v8; public_access does not change it. Default: true.")
    kubernetes_alb_subnets: list[SubnetId] = Field(default_factory=list, description="Subnets for the operator's ALB. Default: chosen by the controller.")
    system_reserved_cpu_millicores: int = Field(default=70, ge=-1, description="-1 leaves it out of the kubelet systemReserved (v8). Default: 70.")
    system_reserved_memory_megabytes: int = Field(default=100, ge=-1, description="-1 leaves it out of the kubelet systemReserved (v8). Default: 100.")
    system_reserved_ephemeral_megabytes: int = Field(default=750, ge=-1, description="-1 leaves it out of the kubelet systemReserved (v8). Default: 750.")
    system_reserved_pid: int = Field(default=500, ge=-1, description="-1 leaves it out of the kubelet systemReserved (v8). Default: 500.")
    eks_addon_vpc_cni_version: EksAddonVersion | None = Field(default=None, description=_ADDON_VERSION_DOC)
    eks_addon_coredns_version: EksAddonVersion | None = Field(default=None, description=_ADDON_VERSION_DOC)
    eks_addon_kube_proxy_version: EksAddonVersion | None = Field(default=None, description=_ADDON_VERSION_DOC)
    eks_addon_ebs_csi_driver_version: EksAddonVersion | None = Field(default=None, description=_ADDON_VERSION_DOC)
    eks_addon_efs_csi_driver_version: EksAddonVersion | None = Field(default=None, description=_ADDON_VERSION_DOC)
    eks_addon_metrics_server_version: EksAddonVersion | None = Field(default=None, description=_ADDON_VERSION_DOC)

    # --- W&B application ------------------------------------------------------------------
    wandb_version: str = Field(default="latest", pattern=r"^[A-Za-z0-9._-]{1,128}$", description="Pre-operator: wandb/local image tag. Default: latest.")
    wandb_image: str = Field(default="wandb/local", pattern=r"^[a-z0-9./_:-]+$", description="Pre-operator: image repository. Default: wandb/local.")
    k8s_namespace: KubernetesName = Field(default="default", description="Kubernetes namespace of the app. Default: default.")
    operator_chart_version: str = Field(default=OPERATOR_CHART, pattern=r"^\d+\.\d+\.\d+([-+][A-Za-z0-9.]+)?$", description=f"W&B operator chart version (charts.wandb.ai; 1.x: the 2.x chart is published elsewhere and installs its CRDs from Helm hooks, which this stack does not run). Default: {OPERATOR_CHART} (v8: 1.4.2; README \"Upgrades\").")
    controller_image_tag: str = Field(default=CONTROLLER_IMAGE_TAG, pattern=r"^[A-Za-z0-9._-]{1,128}$", description=f"W&B operator controller image tag. Default: {CONTROLLER_IMAGE_TAG} (v8: 1.20.0, which never prunes Helm release history; README \"Upgrades\").")
    enable_helm_operator: bool = Field(default=True, description="Post-operator: install the operator chart. Default: true.")
    enable_helm_wandb: bool = Field(default=True, description="Post-operator: create the WeightsAndBiases resource. Default: true.")
    operator_wandb_chart_version: str | None = Field(
        default=None, pattern=r"^\d+\.\d+\.\d+([-+][A-Za-z0-9.]+)?$",
        description="wandb-cdktf: post-operator, pin the operator-wandb chart the W&B operator installs (the "
        "WeightsAndBiases resource's spec.chart, which wins over W&B's release channel). Pin the image tags too, with "
        "operator_wandb_values, to pin the W&B version (README \"Upgrades\"). Default: none (the chart and versions "
        "of W&B's release channel at deploy.wandb.ai, which the operator follows by itself).",
    )
    operator_wandb_chart_repository: Annotated[str, Field(pattern=r"^(https?|oci)://[A-Za-z0-9.-]+(:\d+)?(/[A-Za-z0-9._~/-]*)?$")] = Field(
        default="https://charts.wandb.ai",
        description="wandb-cdktf: Helm repository of operator_wandb_chart_version, e.g. a mirror reachable from the "
        "cluster. Default: https://charts.wandb.ai.",
    )
    operator_wandb_values: dict[str, Any] = Field(
        default_factory=dict,
        description="wandb-cdktf: post-operator, extra operator-wandb values for the WeightsAndBiases resource (e.g. "
        "{app: {image: {tag: 0.74.1}}} to pin an image, global.repositoryPrefix for a registry mirror); they win over "
        "the release channel, and the values this project sets win over them. Written to the synthesized JSON: no "
        "secrets. Default: {}.",
    )
    aws_loadbalancer_controller_chart_version: str = Field(default="1.13.4", pattern=r"^\d+\.\d+\.\d+$", description="wandb-cdktf: post-operator aws-load-balancer-controller chart. Default: 1.13.4.")
    external_dns_chart_version: str = Field(default="1.18.0", pattern=r"^\d+\.\d+\.\d+$", description="wandb-cdktf: post-operator external-dns chart. Default: 1.18.0.")
    cluster_autoscaler_chart_version: str = Field(default=_autoscaler.DEFAULT_CHART, pattern=r"^\d+\.\d+\.\d+$", description=f"wandb-cdktf: post-operator cluster-autoscaler chart (kubernetes.github.io/autoscaler). Its ClusterRole must grant what the autoscaler release needs (autoscaler 1.32+: storage.k8s.io volumeattachments, chart >= 9.46.3; 1.35+: resource.k8s.io, chart >= 9.59.0): an older chart is refused. Default: {_autoscaler.DEFAULT_CHART}.")
    cluster_autoscaler_image_tag: str | None = Field(default=None, pattern=r"^v\d+\.\d+\.\d+$", description="Post-operator cluster autoscaler image tag; its minor must match the cluster's. Default: v<eks_cluster_version>.0.")
    operator_namespace: KubernetesName = Field(default="wandb", description="wandb-cdktf: Kubernetes namespace of the W&B operator. Default: wandb.")
    other_wandb_env: dict[str, str] = Field(default_factory=dict, description="Extra environment for W&B. Default: {}.")
    enable_yace: bool = Field(
        default=True,
        description="Post-operator: run YACE, the CloudWatch exporter of the W&B chart (yace.install), with an IRSA "
        "role that may read CloudWatch metrics, so W&B's observability gets Aurora and ElastiCache metrics. It "
        "finds them by the tag Namespace=<namespace>, which the database and Redis carry. Pre-operator: ignored. "
        "Default: true (v8).",
    )
    yace_sa_name: KubernetesName = Field(
        default="wandb-yace",
        description="Kubernetes service account of YACE in k8s_namespace; its IRSA role trusts only it, and the "
        "chart is told to use this name. Default: wandb-yace (v8; the chart's name for release wandb).",
    )

    # --- wandb-cdktf extras ---------------------------------------------------------------
    remote_state: RemoteStateConfig | None = Field(default=None, description="wandb-cdktf: S3 backend. Default: local state.")
    byob: ByobConfig | None = Field(default=None, description="wandb-cdktf: bring-your-own-bucket stacks. Default: none.")
    launch: LaunchConfig | None = Field(default=None, description="wandb-cdktf: Launch agent permission stacks. Default: none.")
    adoption: AdoptionConfig | None = Field(
        default=None,
        description="wandb-cdktf: import the objects of an existing terraform-aws-wandb workspace into <namespace>-infra, "
        "keeping their immutable names; written by `wandb-cdktf adopt`. Default: none.",
    )
    aws_endpoints: AwsEndpointsConfig | None = Field(
        default=None,
        description="wandb-cdktf: for tests against a local AWS API emulator such as moto: send every AWS API call "
        "of every stack to one URL and skip the provider's account checks. Never for real deployments. Default: none.",
    )

    # ---------------------------------------------------------------------------------------
    @field_validator(*V8_EMPTY_MEANS_UNSET, mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        """v8 defaults these strings to "" and tests ``length(x) > 0`` / ``x != ""``: "" means unset."""
        return None if value == "" else value

    @field_validator("external_redis_params", mode="before")
    @classmethod
    def _redis_params(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        for name, item in value.items():
            if not isinstance(name, str) or not _REDIS_PARAM_NAME.match(name):
                raise ValueError(f"parameter names must match [A-Za-z][A-Za-z0-9_]*, got {name!r}")
            if not isinstance(item, (bool, int, str)) or (isinstance(item, str) and not _REDIS_PARAM_VALUE.match(item)):
                raise ValueError(f"{name} must be true/false, a number, or text of A-Z a-z 0-9 . _ ~ / - (no URL "
                                 f"encoding needed), got {item!r}")
        return value

    @field_validator("external_redis_port", mode="before")
    @classmethod
    def _port_string(cls, value: Any) -> Any:
        """v8 types external_redis_port as a string ("6379")."""
        return int(value) if isinstance(value, str) and value.isdigit() else value

    @field_validator("operator_wandb_values")
    @classmethod
    def _no_secret_values(cls, value: dict[str, Any]) -> dict[str, Any]:
        glob: dict[str, Any] = value["global"] if isinstance(value.get("global"), dict) else {}
        for key, where in (("license", glob), ("licenseSecret", glob), ("password", glob.get("mysql") or {}),
                           ("password", glob.get("redis") or {})):
            if isinstance(where, dict) and key in where:
                raise ValueError(f"must not set {key}: the license and passwords reach W&B from TF_VAR_wandb_license "
                                 "and Secrets Manager through the wandb-cdktf-credentials Secret")
        return value

    @field_validator("operator_chart_version")
    @classmethod
    def _operator_chart_major(cls, value: str) -> str:
        # wandb/operator v2 (deploy/operator) is published as an OCI chart, not on charts.wandb.ai, and installs its
        # CRDs from pre-install/pre-upgrade hook Jobs (templates/hooks/crd-installer-job.yaml), which never run here
        # (the operator release sets disable_webhooks, Helm's --no-hooks).
        if not value.startswith("1."):
            raise ValueError(f"must be a 1.x chart of https://charts.wandb.ai (got {value}); the 2.x operator is not supported")
        return value

    @field_validator("kms_key_deletion_window")
    @classmethod
    def _deletion_window(cls, value: int) -> int:
        if not 7 <= value <= 30:
            raise ValueError(f"must be between 7 and 30 days, got {value}")
        return value

    @field_validator("allowed_inbound_cidr", "allowed_inbound_ipv6_cidr", "allowed_private_endpoint_cidr")
    @classmethod
    def _no_duplicate_cidrs(cls, value: list[str]) -> list[str]:
        # Each CIDR is one security-group rule per port; EC2 refuses a second identical rule
        # (InvalidPermission.Duplicate) and the rules are keyed by CIDR. The elements are already normalized.
        seen: set[str] = set()
        for cidr in value:
            if cidr in seen:
                raise ValueError(f"lists {cidr} twice; list each CIDR once")
            seen.add(cidr)
        return value

    @field_validator("kubernetes_instance_types")
    @classmethod
    def _x86_nodes(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else v.x86_instance_types(value)

    @field_validator("database_engine_version")
    @classmethod
    def _aurora_floor(cls, value: str) -> str:
        # W&B's self-managed requirements: Aurora MySQL 3 at 3.05.2 or newer.
        if value != "8.0" and tuple(int(x) for x in value.split(".")[-2:]) < (5, 2):
            raise ValueError(f"must be 8.0 or Aurora MySQL 3.05.2 or newer (W&B's minimum), e.g. "
                             f"8.0.mysql_aurora.3.05.2, got {value!r}")
        return value

    @field_validator("database_maintenance_window")
    @classmethod
    def _maintenance_window(cls, value: str) -> str:
        return v.rds_maintenance_window(value, backup_window=DATABASE_BACKUP_WINDOW)

    @field_validator("other_wandb_env")
    @classmethod
    def _env_names(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            try:
                v.env_name(key)
            except ValueError as exc:
                raise ValueError(f"keys {exc}") from None
            if key.upper() in {"LICENSE", "WANDB_LICENSE"}:
                raise ValueError("must not carry the license; export TF_VAR_wandb_license instead")
        return value

    @model_validator(mode="after")
    def _consistency(self) -> WandbConfig:
        self._check_tag_count()
        if self.byob is not None:
            problem = self.byob.list_problems(self.namespace, self.region)
            if problem:
                raise _Err(*problem)
        if self.create_platform:
            # These have placeholder defaults so BYOB/Launch-only configs can omit them.
            required = ["domain_name", "zone_id", "allowed_inbound_cidr", "allowed_inbound_ipv6_cidr"]
            if not self.external_eks_cluster_name:
                required.append("eks_cluster_version")
            for name in required:
                if name not in self.model_fields_set:
                    raise _Err(name, "is required (or set create_platform: false to build only BYOB/Launch stacks)")
            self._check_byob_with_platform()
        else:
            if self.byob is not None and self.byob.file_stores:
                raise _Err("byob.file_stores", "set GORILLA_SUPPORTED_FILE_STORES on the W&B platform built here, so they "
                           "need create_platform: true; for another instance print the address with "
                           "`python -m wandb_cdktf.storage <type> ...`")
            if self.bucket_s3_compatible is not None:
                raise _Err("bucket_s3_compatible", "is the file storage of the W&B platform built here, so it needs "
                           "create_platform: true")
            if self.cloudtrail is not None:
                raise _Err("cloudtrail", "records the W&B file bucket that <namespace>-infra builds, so it needs "
                           "create_platform: true")
            for name in ("alarms", "backup"):
                if getattr(self, name) is not None:
                    raise _Err(name, "covers the platform that <namespace>-infra builds, so it needs create_platform: true")
            for option, section in self.byob.sections("aws") if self.byob is not None else []:
                assert self.byob is not None
                if self.byob.aws_principal(section) is None:
                    raise _Err(option, "wandb_principal_arn is required for self-managed without the platform built here: "
                               "the IAM role your W&B instance uses (e.g. its EKS node role ARN)")
            aws_launch = self.launch.aws if self.launch is not None else None
            if aws_launch is not None and not (aws_launch.oidc_provider_arn or aws_launch.principal_arn):
                raise _Err("launch.aws", "without the platform there is no cluster to trust: set oidc_provider_arn + "
                           "oidc_issuer_url (your EKS cluster) or principal_arn")
            # Last: the generic check would also fire for each misplaced option above, whose message says more.
            if not (self.byob is not None and self.byob.clouds()) and self.launch is None:
                raise _Err("create_platform", "is false, so configure byob clouds and/or launch, or there is nothing to build")
            return self
        self._check_dns()
        self._check_external()
        self._check_network()
        self._check_exclusive()
        self._check_private_access()
        self._check_autoscaler()
        self._check_operations()
        return self

    def _check_operations(self) -> None:
        """``alarms`` and ``backup`` (config.operations): what each needs from the rest of the configuration."""
        from .operations import database_class_limits

        if self.alarms is not None and not self.external_database_host:
            t = self.alarms.thresholds
            cls = self.database_instance_class or self.size_preset.database_instance_class
            derived = (t.database_free_local_storage_gib, t.database_freeable_memory_mib)
            if database_class_limits(cls) is None and (None in derived or t.database_connections_percent is not None):
                raise _Err("alarms.thresholds", f"database_instance_class {cls} is not a db.r5/r6g/r6i/r7g/r7i/r8g class "
                           "whose memory and max_connections are known here: set database_free_local_storage_gib and "
                           "database_freeable_memory_mib (the connections alarm is then left out)")
        if self.backup is not None:
            if self.external_database_host and self.bucket_s3_compatible is not None:
                raise _Err("backup", "has nothing to back up: the database is external_database_host and the files are "
                           "in bucket_s3_compatible (back those up with their own tools)")
            if self.backup.copy_to_region == self.region:
                raise _Err("backup.copy_to_region", f"is the deployment region {self.region}; name a second region")

    def _check_tag_count(self) -> None:
        """AWS allows 50 user tags per resource (AWS General Reference, "Tag naming limits and requirements"):
        ``tags`` plus the ones our resources carry, and on the cluster also ``eks_cluster_tags``."""
        room = v.AWS_MAX_TAGS_PER_RESOURCE - OWN_TAGS_MAX
        if len(self.tags) > room:
            raise _Err("tags", f"lists {len(self.tags)} tags; at most {room} (AWS allows {v.AWS_MAX_TAGS_PER_RESOURCE} "
                       f"per resource and ours add up to {OWN_TAGS_MAX})")
        on_cluster = {"managed-by", *self.tags, *self.eks_cluster_tags}
        if len(on_cluster) > v.AWS_MAX_TAGS_PER_RESOURCE:
            raise _Err("eks_cluster_tags", f"with tags and managed-by the EKS cluster would carry {len(on_cluster)} "
                       f"tags; AWS allows {v.AWS_MAX_TAGS_PER_RESOURCE}")

    def _check_autoscaler(self) -> None:
        """The chart's ClusterRole must grant what the autoscaler release reads (config.autoscaler.RBAC_NEEDS)."""
        if self.deployment == "post-operator" and self.eks_cluster_version:
            problem = _autoscaler.chart_problem(self.cluster_autoscaler_chart_version, self.cluster_autoscaler_tag)
            if problem:
                raise _Err("cluster_autoscaler_chart_version", problem)

    def _check_external(self) -> None:
        """Bring-your-own Redis, database and EKS cluster: what each needs, and what it cannot be combined with."""
        set_ = self.model_fields_set
        if self.use_external_redis:
            if not self.external_redis_host:
                raise _Err("external_redis_host", "is required with use_external_redis: true")
            if "create_elasticache" in set_ and self.create_elasticache:
                raise _Err("create_elasticache", "must be false (or unset) with use_external_redis: true: W&B uses one Redis")
            for name in CREATED_REDIS_OPTIONS:
                if name in set_ and getattr(self, name):
                    raise _Err(name, "configures the ElastiCache created here; remove it with use_external_redis: true")
        else:
            for name in ("external_redis_host", "external_redis_port", "external_redis_params",
                         "external_redis_password_secret_arn"):
                if name in set_ and getattr(self, name) not in (None, {}):
                    raise _Err(name, "describes an existing Redis; set use_external_redis: true to use it")
        if self.external_database_host:
            if not self.external_database_secret_arn:
                raise _Err("external_database_secret_arn", "is required with external_database_host (the Secrets "
                           "Manager secret whose JSON \"password\" W&B connects with)")
            for name in CREATED_DATABASE_OPTIONS:
                if name in set_:
                    raise _Err(name, "configures the Aurora cluster created here; remove it with external_database_host")
        else:
            for name in ("external_database_port", "external_database_secret_arn", "external_database_security_group_id"):
                if name in set_:
                    raise _Err(name, "describes an existing database; set external_database_host to use it")
        if self.external_eks_cluster_name:
            if self.deployment != "post-operator":
                raise _Err("external_eks_cluster_name", "needs deployment: post-operator (pre-operator attaches its ALB "
                           "to the node groups created here)")
            if not self.external_eks_node_role_arn:
                raise _Err("external_eks_node_role_arn", "is required with external_eks_cluster_name (the IAM role of "
                           "the nodes W&B runs on, granted the bucket, queue and key)")
            if self.create_vpc:
                raise _Err("create_vpc", "must be false with external_eks_cluster_name: give the cluster's VPC as "
                           "network_id and its subnets as network_private_subnets/network_database_subnets")
            for name in CREATED_CLUSTER_OPTIONS:
                if name in set_:
                    raise _Err(name, "configures the EKS cluster created here; remove it with external_eks_cluster_name")
        else:
            for name in ("external_eks_node_role_arn", "external_eks_node_security_group_id"):
                if name in set_:
                    raise _Err(name, "describes an existing EKS cluster; set external_eks_cluster_name to use it")

    def _check_byob_with_platform(self) -> None:
        """The platform built here is a self-managed W&B instance on AWS; BYOB must describe that instance."""
        byob = self.byob
        if byob is None:
            return
        if byob.deployment_type != "self-managed":
            raise _Err("byob.deployment_type", f"is {byob.deployment_type!r}, but create_platform: true builds a "
                       "self-managed W&B instance; use self-managed, or create_platform: false for SaaS/Dedicated Cloud")
        for option, section in byob.sections("aws"):
            if byob.level_for("aws", section) == "instance":
                raise _Err(option, "level: instance is the platform's own bucket, which <namespace>-infra builds (or "
                           "bucket_name names); use level: team for a team bucket")
        for cloud in ("gcp", "azure"):
            for option, section in byob.sections(cloud):
                if byob.level_for(cloud, section) == "instance":
                    raise _Err(f"{option}.level" if section.level else "byob.level", "instance level is the "
                               "platform's own bucket, and the platform built here keeps its files in S3 "
                               "(<namespace>-infra), so this bucket would never be used; use level: team for a team "
                               "bucket, or create_platform: false for an instance elsewhere")

    def warnings(self) -> list[str]:
        """``<option>: <message>`` for accepted settings the W&B or cloud docs advise against (printed, not fatal)."""
        out = self.byob.warnings() if self.byob is not None else []
        tls = self.external_redis_params.get("tls")
        if self.create_platform and self.use_external_redis and tls not in (True, "true"):
            out.append(("external_redis_params", "has no tls: true, so W&B talks to Redis in clear text (the "
                        "ElastiCache created here requires TLS); add tls: true if the server offers TLS"))
        if self.create_platform and self.deployment == "post-operator" and not (self.elasticache_enabled or self.use_external_redis):
            shared = ("; on an existing cluster (external_eks_cluster_name) this deployment creates no StorageClass, "
                      "so the cluster needs a default one or the Redis volume claim stays Pending"
                      if self.external_eks_cluster_name else "")
            out.append(("create_elasticache", "is false and no use_external_redis: W&B gets the operator-wandb chart's "
                        "in-cluster Redis (one pod, no AUTH, its data on an 8 GiB volume of the default StorageClass); "
                        "W&B's operator guide asks for ElastiCache or another managed Redis 7 in production" + shared))
        if self.create_platform and self.deployment == "post-operator" and "wandb_version" in self.model_fields_set:
            out.append(("wandb_version", "is the pre-operator wandb/local image tag and does nothing post-operator, where "
                        "the W&B operator follows W&B's release channel: pin operator_wandb_chart_version and the image "
                        "tags in operator_wandb_values instead (README \"Upgrades\")"))
        if (self.create_platform and self.deployment == "post-operator" and self.operator_wandb_chart_version
                and "image" not in json.dumps(self.operator_wandb_values)):
            out.append(("operator_wandb_chart_version", "pins the chart, not W&B: its image tags are `latest`, and the "
                        "release channel's win over them; pin the image tags in operator_wandb_values too (README "
                        "\"Upgrades\")"))
        if self.create_platform and self.external_database_secret_arn and ":secret:rds!" in self.external_database_secret_arn:
            # Aurora User Guide, "Password management with Amazon Aurora and AWS Secrets Manager": RDS rotates the
            # master user secret it manages, every 7 days by default. W&B keeps the copy read at the last deploy.
            out.append(("external_database_secret_arn", "is an RDS-managed master secret, which RDS rotates (every 7 "
                        "days by default) while W&B keeps the password of the last deploy and then fails to connect; "
                        "give W&B its own database user whose secret you rotate on purpose (README \"Bring your own "
                        "services\"), or re-deploy the app/operator stack after every rotation"))
        if (self.create_platform and self.deployment == "post-operator" and self.eks_cluster_version
                and _autoscaler.unverified_minor(self.cluster_autoscaler_tag)):
            out.append(("cluster_autoscaler_chart_version", f"{self.cluster_autoscaler_chart_version}'s ClusterRole was "
                        f"checked against the autoscaler up to 1.{max(_autoscaler.VERIFIED_MINORS)}; "
                        f"{self.cluster_autoscaler_tag} may need more (its release notes list new RBAC)"))
        if self.create_platform and self.bucket_s3_compatible is not None and not self.bucket_s3_compatible.tls:
            out.append(("bucket_s3_compatible.tls", "is false: the W&B pods reach the store over plain HTTP, so every "
                        "file W&B stores crosses the network unencrypted"))
        aws_launch = self.launch.aws if self.launch is not None else None
        if aws_launch is not None and not self.create_platform and not aws_launch.oidc_provider_arn:
            out.append(("launch.aws", "has principal_arn only, so the agent role trusts that principal and no "
                        "Kubernetes service account: helm_values carries no IRSA annotation, and the agent must get "
                        "that principal's credentials itself; to run the agent on EKS with IRSA set "
                        "oidc_provider_arn + oidc_issuer_url (your cluster's OIDC provider)"))
        if self.create_platform and self.byob is not None:
            for option, section in self.byob.sections("azure"):
                if self.byob.level_for("azure", section) == "team":
                    out.append((option, "team level federates an Azure identity with W&B's service accounts, which "
                                "the platform built here (EKS) does not use: its pods reach Azure with an access key. "
                                "For this platform list the container in byob.file_stores (type azure, key from "
                                "an environment variable; docs/byob.md) and drop byob.azure, or keep byob.azure at "
                                "team level only for another W&B instance on AKS"))
        if self.create_platform and self.allowed_private_endpoint_cidr and not self.private_only_traffic:
            out.append(("allowed_private_endpoint_cidr", "is used only with private_only_traffic: true (as in v8), so "
                        "it admits no one here; remove it, or set private_only_traffic: true to restrict PrivateLink "
                        "clients to these CIDRs"))
        minor = int(self.eks_cluster_version.split(".")[1]) if self.eks_cluster_version else None
        if self.create_platform and minor is not None and minor < v.WANDB_KUBERNETES_FLOOR_MINOR:
            out.append(("eks_cluster_version", f"{self.eks_cluster_version} is below W&B's supported Kubernetes "
                        f"(1.{v.WANDB_KUBERNETES_FLOOR_MINOR} or newer) and in paid EKS extended support: raise it one "
                        f"minor per apply to {v.EKS_DEFAULT_VERSION} (README \"Upgrading EKS\")"))
        extra = len(self.eks_policy_arns)
        if self.create_platform and extra > IAM_DEFAULT_MANAGED_POLICIES_PER_ROLE - NODE_ROLE_MANAGED_POLICIES:
            out.append(("eks_policy_arns", f"attaches {NODE_ROLE_MANAGED_POLICIES + extra} managed policies to the node "
                        f"role; IAM's default quota is {IAM_DEFAULT_MANAGED_POLICIES_PER_ROLE} per role (LimitExceeded at "
                        "apply): raise 'Managed policies per role' in Service Quotas first (at most 20), or list at most "
                        f"{IAM_DEFAULT_MANAGED_POLICIES_PER_ROLE - NODE_ROLE_MANAGED_POLICIES}"))
        if self.create_platform and self.bucket_name:
            from ..storage.connection_strings import dotted_bucket_warning

            msg = dotted_bucket_warning("s3", self.bucket_name)
            if msg:
                out.append(("bucket_name", msg))
        if self.create_platform and self.alarms is not None and (self.kms_key_arn or self.kms_key_policy):
            out.append(("alarms", "encrypts its SNS topic with a key whose policy is not ours (kms_key_arn or "
                        "kms_key_policy): allow cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey* on it, or "
                        "CloudWatch cannot publish and every notification is dropped (docs/backup-and-alarms.md)"))
        if self.create_platform and self.backup is not None and self.bucket_name:
            out.append(("backup", f"backs up the existing bucket {self.bucket_name}, and AWS Backup fails on a bucket "
                        "without versioning: make sure it is versioned (aws s3api get-bucket-versioning)"))
        return [f"{option}: {message}" for option, message in out]

    def _check_dns(self) -> None:
        if self.subdomain and (self.subdomain == self.domain_name or self.subdomain.endswith("." + self.domain_name)):
            raise _Err("subdomain", f"must be only the part before domain_name (e.g. 'wandb'), got {self.subdomain!r}")
        if len(self.fqdn) > 253:
            raise _Err("subdomain", "subdomain + domain_name is longer than 253 characters")
        # Records for these names go into zone_id (certificate validation, pre-operator aliases), and Route53
        # refuses names outside the zone's domain ("RRSet with DNS name ... is not permitted in zone ...").
        if not self.acm_certificate_arn or self.deployment == "pre-operator":
            for name in self.extra_fqdn:
                if name != self.domain_name and not name.endswith("." + self.domain_name):
                    raise _Err("extra_fqdn", f"{name} is not in domain_name {self.domain_name} (zone_id): Route53 "
                               "cannot hold its records there; use names under domain_name, or an existing "
                               "acm_certificate_arn (post-operator)")

    def _check_network(self) -> None:
        if self.create_vpc:
            for name in ("network_id", "network_private_subnets", "network_public_subnets", "network_database_subnets",
                         "network_elasticache_subnets"):
                if getattr(self, name):
                    raise _Err(name, "is for a bring-your-own VPC; set create_vpc: false to use it")
            vpc = ipaddress.ip_network(self.network_cidr)
            groups = {
                "network_public_subnet_cidrs": self.network_public_subnet_cidrs,
                "network_private_subnet_cidrs": self.network_private_subnet_cidrs,
                "network_database_subnet_cidrs": self.network_database_subnet_cidrs,
                "network_elasticache_subnet_cidrs": self.network_elasticache_subnet_cidrs,
            }
            seen: list[tuple[str, ipaddress.IPv4Network]] = []
            for name, cidrs in groups.items():
                if not 2 <= len(cidrs) <= 6:
                    raise _Err(name, f"must list 2 to 6 subnets (one per availability zone), got {len(cidrs)}")
                if len(cidrs) != len(self.network_private_subnet_cidrs):
                    raise _Err(name, "must list as many subnets as network_private_subnet_cidrs (one per AZ)")
                for cidr in cidrs:
                    net = ipaddress.ip_network(cidr)
                    if not net.subnet_of(vpc):  # type: ignore[arg-type]
                        raise _Err(name, f"{cidr} is not inside network_cidr {self.network_cidr}")
                    if net.prefixlen > 28:
                        raise _Err(name, f"{cidr} is smaller than /28, the smallest AWS subnet")
                    for other_name, other in seen:
                        if net.overlaps(other):
                            raise _Err(name, f"{cidr} overlaps {other} of {other_name}")
                    seen.append((name, net))  # type: ignore[arg-type]
        else:
            if not self.network_id:
                raise _Err("network_id", "is required when create_vpc is false")
            if len(self.network_private_subnets) < 2:
                raise _Err("network_private_subnets", "needs at least 2 subnet ids in different AZs when create_vpc is false")
            if not self.external_database_host and len(self.network_database_subnets) < 2:
                raise _Err("network_database_subnets", "needs at least 2 subnet ids in different AZs when create_vpc is false")
            if self.elasticache_enabled and len(self.network_elasticache_subnets) < 2:
                raise _Err("network_elasticache_subnets", "needs at least 2 subnet ids when create_vpc is false and create_elasticache is true")
            if self.deployment == "pre-operator" and len(self.network_public_subnets) < 2:
                raise _Err("network_public_subnets", "needs at least 2 public subnet ids for the pre-operator ALB when create_vpc is false")
            if self.enable_flow_log:
                raise _Err("enable_flow_log", "only applies to a VPC created here (create_vpc: true)")
            if self.single_nat_gateway:
                raise _Err("single_nat_gateway", "only applies to a VPC created here (create_vpc: true)")

    def _check_exclusive(self) -> None:
        if self.iam_role_path and self.adoption is not None:
            raise _Err("iam_role_path", "cannot be combined with adoption: adopted roles keep their path (a new path "
                       "would replace them and the EKS cluster); remove it")
        if self.kms_key_arn:
            for name in ("kms_key_alias", "kms_key_policy", "kms_key_policy_administrator_arn"):
                if getattr(self, name):
                    raise _Err(name, "configures a key created here; it cannot be combined with kms_key_arn")
        if self.kms_key_policy:
            try:
                doc = json.loads(self.kms_key_policy)
            except json.JSONDecodeError:
                raise _Err("kms_key_policy", "must be a JSON policy document") from None
            if not isinstance(doc, dict) or "Statement" not in doc:
                raise _Err("kms_key_policy", "must be a JSON policy document with a Statement list")
        self._check_s3_compatible()
        if self.cloudtrail is not None:
            try:
                v.s3_bucket_name(self.cloudtrail.log_bucket_name(self.namespace))
            except ValueError as exc:
                raise _Err("cloudtrail.cloudtrail_bucket_name", f"<namespace>-<cloudtrail_bucket_name> {exc}") from None
        if self.cloudtrail is not None and self.bucket_s3_compatible is not None:
            raise _Err("cloudtrail", "records S3 data events of the Amazon S3 file bucket; with bucket_s3_compatible "
                       "there is none (audit the S3-compatible store with its own tools)")
        if self.bucket_kms_key_arn and not self.bucket_name:
            raise _Err("bucket_kms_key_arn", "describes an existing bucket; set bucket_name too")
        if self.kubernetes_public_access_cidrs and not self.kubernetes_public_access:
            raise _Err("kubernetes_public_access_cidrs", "requires kubernetes_public_access: true")
        if self.kubernetes_public_access and not self.kubernetes_public_access_cidrs:
            raise _Err("kubernetes_public_access_cidrs", "must list the CIDRs allowed to reach the public EKS endpoint (use 0.0.0.0/0 deliberately)")
        lo = self.kubernetes_min_nodes_per_az if self.kubernetes_min_nodes_per_az is not None else self.size_preset.min_nodes_per_az
        hi = self.kubernetes_max_nodes_per_az if self.kubernetes_max_nodes_per_az is not None else self.size_preset.max_nodes_per_az
        if lo > hi:
            raise _Err("kubernetes_min_nodes_per_az", f"({lo}) must not exceed kubernetes_max_nodes_per_az ({hi})")
        if self.custom_domain_filter and not self.external_dns:
            raise _Err("custom_domain_filter", "requires external_dns: true")
        if self.deployment == "pre-operator" and self.external_dns:
            raise _Err("external_dns", "is a post-operator option; pre-operator manages the Route53 record itself")
        for name in ("operator_wandb_chart_version", "operator_wandb_chart_repository", "operator_wandb_values"):
            if self.deployment == "pre-operator" and name in self.model_fields_set:
                raise _Err(name, "configures the W&B operator (post-operator); pre-operator pins W&B with wandb_version")
        if "operator_wandb_chart_repository" in self.model_fields_set and not self.operator_wandb_chart_version:
            raise _Err("operator_wandb_chart_repository", "is where operator_wandb_chart_version comes from; set that too")

    def _check_s3_compatible(self) -> None:
        ext = self.bucket_s3_compatible
        if ext is None:
            return
        option = "bucket_s3_compatible"
        for name in ("bucket_name", "bucket_kms_key_arn"):
            if getattr(self, name):
                raise _Err(name, f"describes an S3 bucket; it cannot be combined with {option} (one instance bucket)")
        # Secrets Manager is regional: GetSecretValue in the stacks' region does not find a secret of another
        # region by ARN (Secrets Manager User Guide, "Replicate an AWS Secrets Manager secret to other Regions").
        if ext.secret_region() != self.region:
            raise _Err(f"{option}.credentials_secret_arn", f"is in {ext.secret_region()}, but the stacks read it in "
                       f"region {self.region}; replicate the secret to {self.region} and use that ARN")

    def _check_private_access(self) -> None:
        """PrivateLink and private-only access (v8 private_link_allowed_account_ids, private_only_traffic,
        allowed_private_endpoint_cidr), plus the certificate story of an internal-only deployment."""
        if self.certificate_validation_zone_id and self.acm_certificate_arn:
            raise _Err("certificate_validation_zone_id", "validates a certificate issued here; it cannot be combined "
                       "with acm_certificate_arn")
        accounts = self.private_link_allowed_account_ids
        for i, account in enumerate(accounts):
            if account in accounts[:i]:
                raise _Err("private_link_allowed_account_ids", f"lists {account} twice")
        if accounts and self.deployment == "post-operator" and not self.enable_helm_wandb:
            raise _Err("private_link_allowed_account_ids", "post-operator PrivateLink forwards to the ALB made from "
                       "the W&B Ingress, so it needs enable_helm_wandb: true")
        if not self.private_only_traffic:
            return
        if not accounts:
            raise _Err("private_only_traffic", "restricts who may connect through PrivateLink, so it needs "
                       "private_link_allowed_account_ids (the accounts whose endpoints may connect)")
        if not self.allowed_private_endpoint_cidr:
            raise _Err("allowed_private_endpoint_cidr", "must list the private client CIDRs admitted through "
                       "PrivateLink when private_only_traffic is true")
        if self.deployment == "pre-operator" and self.public_access:
            raise _Err("private_only_traffic", "needs an internal ALB: set public_access: false")
        if self.deployment == "post-operator" and self.kubernetes_alb_internet_facing:
            raise _Err("private_only_traffic", "needs an internal ALB: set kubernetes_alb_internet_facing: false")
        if not (self.acm_certificate_arn or self.certificate_validation_zone_id):
            raise _Err("private_only_traffic", "say where the certificate comes from: acm_certificate_arn (an "
                       "existing certificate, e.g. imported or from AWS Private CA) or certificate_validation_zone_id "
                       "(a public zone used only for ACM validation records)")

    # --- derived values -------------------------------------------------------------------
    @property
    def fqdn(self) -> str:
        return f"{self.subdomain}.{self.domain_name}" if self.subdomain else self.domain_name

    @property
    def url(self) -> str:
        return f"https://{self.fqdn}"

    @property
    def elasticache_enabled(self) -> bool:
        """ElastiCache is created: create_elasticache, unless use_external_redis names another Redis."""
        return self.create_elasticache and not self.use_external_redis

    @property
    def cluster_autoscaler_tag(self) -> str:
        """The autoscaler release for the cluster's minor (autoscaler README: use the matching minor)."""
        return self.cluster_autoscaler_image_tag or f"v{self.eks_cluster_version}.0"

    @property
    def kms_alias_name(self) -> str:
        """The created key's alias: v8 prepends ``alias/`` to kms_key_alias (v8 modules/kms ``alias/${key_alias}``)."""
        return f"alias/{self.kms_key_alias or self.namespace + '-kms-alias'}"

    @property
    def size_preset(self) -> SizePreset:
        return SIZE_PRESETS[self.size]

    @property
    def stack_ids(self) -> dict[str, str]:
        """Stack ids this configuration builds, keyed by role (a public contract)."""
        ids: dict[str, str] = {}
        if self.create_platform:
            ids["infra"] = f"{self.namespace}-infra"
            if self.deployment == "pre-operator":
                ids["app"] = f"{self.namespace}-app"
            else:
                ids["operator"] = f"{self.namespace}-operator"
        if self.byob is not None:
            for cloud in self.byob.clouds():
                ids[f"byob-{cloud}"] = f"{self.namespace}-byob-{cloud}"
        if self.launch is not None:
            for cloud in self.launch.clouds():
                ids[f"launch-{cloud}"] = f"{self.namespace}-launch-{cloud}"
        return ids
