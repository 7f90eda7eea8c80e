"""``<namespace>-infra``: the AWS infrastructure of a W&B deployment (AWS provider only).

Stateful pieces (network, key, bucket, queue, database, Redis, EKS) are built by
the same constructs under the same construct ids in both deployment shapes, so
switching ``deployment`` from pre-operator to post-operator changes no Terraform
address. Construct ids below are a public contract: renaming one destroys and
recreates real resources (tests/test_migration.py guards them).

- ``cloudtrail`` adds the S3 audit trail of the file bucket (either shape);
- ``alarms`` adds CloudWatch alarms into an encrypted SNS topic, ``backup`` an AWS Backup vault and plan for the
  database and the file bucket (either shape; construct ids ``alarms`` and ``backup``);
- pre-operator adds the Terraform-managed ALB and its Route53 alias records;
- post-operator adds EFS for Weave, Secrets Manager entries, the frontend security group
  of the controller-made ALB and IRSA roles for the aws-load-balancer-controller,
  external-dns, the cluster autoscaler and (``enable_yace``) the YACE CloudWatch exporter.
"""

from __future__ import annotations

import dataclasses

from cdktf import TerraformOutput
from constructs import Construct

from ..config import WandbConfig
from ..config.model import DATABASE_BACKUP_WINDOW
from ..constructs.aws.alarms import Alarms, AlarmsProps, AlarmThresholdValues
from ..constructs.aws.audit_trail import AuditTrail, AuditTrailProps
from ..constructs.aws.backup import Backup, BackupProps, BackupRuleProps, VaultLockProps
from ..constructs.aws.cluster import AccessPrincipal, Cluster, ClusterProps
from ..constructs.aws.context import account_context
from ..constructs.aws.database import Database, DatabaseProps
from ..constructs.aws.dns import Dns, DnsProps
from ..constructs.aws.efs import WeaveFileSystem, WeaveFileSystemProps
from ..constructs.aws.existing_cluster import ExistingCluster, ExistingClusterProps
from ..constructs.aws.existing_database import ExistingDatabase, ExistingDatabaseProps
from ..constructs.aws.file_storage import FileStorage, FileStorageProps
from ..constructs.aws.ingress_security_group import IngressSecurityGroup, IngressSecurityGroupProps
from ..constructs.aws.irsa import IrsaRole, IrsaRoleProps
from ..constructs.aws.key import Key, KeyProps
from ..constructs.aws.lbc_policy import cluster_autoscaler_policy, external_dns_policy, load_balancer_controller_policy
from ..constructs.aws.load_balancer import LoadBalancer, LoadBalancerProps
from ..constructs.aws.network import Network, NetworkProps
from ..constructs.aws.private_link import PrivateLink, PrivateLinkProps
from ..constructs.aws.redis import Redis, RedisProps
from ..constructs.aws.removal import keep_when_removed
from ..constructs.aws.secrets import AppSecrets, AppSecretsProps
from ..constructs.aws.yace import yace_policy
from .base import WandbStack, aws_provider

# Kubernetes service accounts of the post-operator controllers (their Helm releases use these names).
LBC_SERVICE_ACCOUNT = ("kube-system", "aws-load-balancer-controller")
EXTERNAL_DNS_SERVICE_ACCOUNT = ("kube-system", "external-dns")
CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = ("cluster-autoscaler", "cluster-autoscaler")

# Construct ids of stateful resources: identical in both deployment shapes.
STATEFUL_CONSTRUCT_IDS = ("network", "kms", "file-storage", "database", "redis", "eks")


# --- config -> Props: pure functions (no construct is built; tests/test_infra_props.py checks them) -------------

def network_props(c: WandbConfig) -> NetworkProps:
    """The VPC built here (``create_vpc``) or the one named by ``network_id`` and its subnets."""
    return NetworkProps(
        namespace=c.namespace, create_vpc=c.create_vpc, cidr=c.network_cidr,
        public_subnet_cidrs=tuple(c.network_public_subnet_cidrs),
        private_subnet_cidrs=tuple(c.network_private_subnet_cidrs),
        database_subnet_cidrs=tuple(c.network_database_subnet_cidrs),
        elasticache_subnet_cidrs=tuple(c.network_elasticache_subnet_cidrs),
        single_nat_gateway=c.single_nat_gateway, enable_flow_log=c.enable_flow_log,
        flow_log_force_destroy=not c.deletion_protection,
        vpc_id=c.network_id, existing_public_subnet_ids=tuple(c.network_public_subnets),
        existing_private_subnet_ids=tuple(c.network_private_subnets),
        existing_database_subnet_ids=tuple(c.network_database_subnets),
        existing_elasticache_subnet_ids=tuple(c.network_elasticache_subnets),
    )


def key_props(c: WandbConfig) -> KeyProps:
    return KeyProps(
        namespace=c.namespace, existing_key_arn=c.kms_key_arn, alias=c.kms_alias_name,
        deletion_window_in_days=c.kms_key_deletion_window, enable_rotation=c.kms_key_rotation,
        administrator_arn=c.kms_key_policy_administrator_arn, policy=c.kms_key_policy or None,
        deletion_protection=c.deletion_protection,
        cloudwatch_alarm_prefix=f"{c.namespace}-" if c.alarms is not None else None,
    )


def file_storage_props(c: WandbConfig, *, key_arn: str) -> FileStorageProps:
    """The instance bucket built here, or the one named by ``bucket_name`` (under ``bucket_kms_key_arn``)."""
    return FileStorageProps(
        namespace=c.namespace,
        kms_key_arn=c.bucket_kms_key_arn if c.bucket_name else key_arn,
        existing_bucket_name=c.bucket_name,
        create_queue=not c.use_internal_queue and not c.bucket_name,
        deletion_protection=c.deletion_protection, https_only=c.enable_s3_https_only, path=c.bucket_path,
    )


def audit_trail_props(c: WandbConfig, *, watched_bucket_name: str) -> AuditTrailProps:
    t = c.cloudtrail
    assert t is not None
    return AuditTrailProps(
        namespace=c.namespace, watched_bucket_name=watched_bucket_name,
        log_bucket_name=t.log_bucket_name(c.namespace), administrator_arn=c.kms_key_policy_administrator_arn,
        multi_region_trail=t.multi_region_trail, include_global_service_events=t.include_global_service_events,
        enable_log_file_validation=t.enable_log_file_validation,
        include_management_events=t.include_management_events,
        transition_days=t.log_lifecycle.transition_days, expiration_days=t.log_lifecycle.expiration_days,
        force_destroy=not c.deletion_protection,
    )


def addon_versions(c: WandbConfig) -> dict[str, str]:
    """The pinned addon versions (v8 ``eks_addon_*_version``); an unset one is resolved per cluster minor."""
    return {name: version for name, version in {
        "vpc-cni": c.eks_addon_vpc_cni_version, "coredns": c.eks_addon_coredns_version,
        "kube-proxy": c.eks_addon_kube_proxy_version, "aws-ebs-csi-driver": c.eks_addon_ebs_csi_driver_version,
        "aws-efs-csi-driver": c.eks_addon_efs_csi_driver_version,
        "metrics-server": c.eks_addon_metrics_server_version,
    }.items() if version}


def access_principals(c: WandbConfig) -> tuple[AccessPrincipal, ...]:
    """v8 ``kubernetes_map_roles`` then ``kubernetes_map_users``, as EKS access entries."""
    return tuple(
        [AccessPrincipal(r.rolearn, r.username, tuple(r.groups)) for r in c.kubernetes_map_roles]
        + [AccessPrincipal(u.userarn, u.username, tuple(u.groups)) for u in c.kubernetes_map_users]
    )


def cluster_props(c: WandbConfig, *, vpc_id: str, private_subnet_ids: list[str], key_arn: str,
                  key_created: bool) -> ClusterProps:
    """The EKS cluster built here; sizes not set in the config come from ``size`` (v8 size presets)."""
    preset = c.size_preset
    return ClusterProps(
        namespace=c.namespace, kubernetes_version=c.eks_cluster_version, vpc_id=vpc_id,
        private_subnet_ids=private_subnet_ids, kms_key_arn=key_arn,
        public_access=c.kubernetes_public_access, public_access_cidrs=tuple(c.kubernetes_public_access_cidrs),
        instance_types=tuple(c.kubernetes_instance_types or [preset.node_instance_type]),
        min_nodes_per_az=c.kubernetes_min_nodes_per_az if c.kubernetes_min_nodes_per_az is not None else preset.min_nodes_per_az,
        max_nodes_per_az=c.kubernetes_max_nodes_per_az if c.kubernetes_max_nodes_per_az is not None else preset.max_nodes_per_az,
        node_disk_size_gb=c.kubernetes_node_disk_size_gb or preset.node_disk_size_gb,
        system_reserved_cpu_millicores=c.system_reserved_cpu_millicores,
        system_reserved_memory_megabytes=c.system_reserved_memory_megabytes,
        system_reserved_ephemeral_megabytes=c.system_reserved_ephemeral_megabytes,
        system_reserved_pid=c.system_reserved_pid,
        access_principals=access_principals(c), creator_admin_access_entry=not c.kubernetes_legacy_cluster_creator_admin,
        extra_node_policy_arns=tuple(c.eks_policy_arns),
        addon_versions=addon_versions(c), cluster_tags=c.eks_cluster_tags,
        # Our key policy admits CloudWatch Logs; an existing key's or a custom policy usually does not, and
        # log-group creation would fail ("KMS key ... not allowed to be used with LogGroup").
        encrypt_logs_with_key=key_created and not c.kms_key_policy,
    )


def existing_cluster_props(c: WandbConfig, *, key_arn: str) -> ExistingClusterProps:
    assert c.external_eks_cluster_name is not None
    assert c.external_eks_node_role_arn is not None, "the model requires the node role with the cluster"
    return ExistingClusterProps(
        namespace=c.namespace, cluster_name=c.external_eks_cluster_name, node_role_arn=c.external_eks_node_role_arn,
        kms_key_arn=key_arn, node_security_group_id=c.external_eks_node_security_group_id,
    )


def database_props(c: WandbConfig, *, vpc_id: str, subnet_ids: list[str], key_arn: str,
                   allowed_security_group_ids: tuple[str, ...]) -> DatabaseProps:
    """The Aurora MySQL cluster built here (``database_kms_key_arn`` or the deployment key)."""
    return DatabaseProps(
        namespace=c.namespace, vpc_id=vpc_id, subnet_ids=subnet_ids,
        kms_key_arn=c.database_kms_key_arn or key_arn,
        instance_class=c.database_instance_class or c.size_preset.database_instance_class,
        allowed_security_group_ids=allowed_security_group_ids, engine_version=c.database_engine_version,
        database_name=c.database_name, master_username=c.database_master_username,
        performance_insights_kms_key_arn=c.database_performance_insights_kms_key_arn,
        sort_buffer_size=c.database_sort_buffer_size, backup_retention_period=c.database_backup_retention_period,
        deletion_protection=c.deletion_protection, snapshot_identifier=c.database_snapshot_identifier,
        apply_immediately=c.database_apply_immediately, maintenance_window=c.database_maintenance_window,
        backup_window=DATABASE_BACKUP_WINDOW, password_version=c.database_password_version,
    )


def existing_database_props(c: WandbConfig, *, allowed_security_group_ids: tuple[str, ...]) -> ExistingDatabaseProps:
    assert c.external_database_host is not None
    assert c.external_database_secret_arn is not None, "the model requires the secret with the host"
    return ExistingDatabaseProps(
        host=c.external_database_host, secret_arn=c.external_database_secret_arn, port=c.external_database_port,
        database_name=c.database_name, username=c.database_master_username,
        security_group_id=c.external_database_security_group_id, allowed_security_group_ids=allowed_security_group_ids,
    )


def redis_props(c: WandbConfig, *, vpc_id: str, subnet_ids: list[str], key_arn: str,
                allowed_security_group_ids: tuple[str, ...]) -> RedisProps:
    return RedisProps(
        namespace=c.namespace, vpc_id=vpc_id, subnet_ids=subnet_ids,
        # v8 main.tf: Redis uses local.database_kms_key_arn (the database key when one is given).
        kms_key_arn=c.database_kms_key_arn or key_arn,
        node_type=c.elasticache_node_type or c.size_preset.elasticache_node_type,
        allowed_security_group_ids=allowed_security_group_ids,
    )


def alarms_props(c: WandbConfig, *, kms_key_arn: str, database_instance_id: str | None,
                 redis_cache_cluster_ids: tuple[str, ...], alb: tuple[str, str] | None, queue_name: str | None,
                 autoscaling_groups: tuple[str, ...]) -> AlarmsProps:
    """``alarms``: thresholds from the size preset (or the database class) and the overrides."""
    from ..config.operations import database_class_limits, resolve_thresholds

    a = c.alarms
    assert a is not None
    db_class = c.database_instance_class or c.size_preset.database_instance_class
    t = resolve_thresholds(a.thresholds, db_class)
    known = database_class_limits(db_class) is not None
    max_nodes = c.kubernetes_max_nodes_per_az if c.kubernetes_max_nodes_per_az is not None else c.size_preset.max_nodes_per_az
    return AlarmsProps(
        namespace=c.namespace, kms_key_arn=kms_key_arn, region=c.region,
        # The construct's thresholds are the resolved ones field for field; an unknown class has no connections limit.
        thresholds=AlarmThresholdValues(**{**dataclasses.asdict(t), "database_connections":
                                           t.database_connections if known else None}),
        database_instance_id=database_instance_id, redis_cache_cluster_ids=redis_cache_cluster_ids,
        alb_arn_suffix=alb[0] if alb else None, target_group_arn_suffix=alb[1] if alb else None,
        queue_name=queue_name, autoscaling_groups=tuple((g, max_nodes) for g in autoscaling_groups),
        email_endpoints=tuple(a.email_endpoints), https_endpoints=tuple(a.https_endpoints),
    )


def backup_props(c: WandbConfig, *, kms_key_arn: str, database_cluster_arn: str | None, bucket_arn: str | None,
                 copy_provider: object) -> BackupProps:
    b = c.backup
    assert b is not None
    lock = b.vault_lock
    return BackupProps(
        namespace=c.namespace, kms_key_arn=kms_key_arn,
        rules=tuple(BackupRuleProps(r.name, r.schedule, r.retention_days, r.copy_retention_days) for r in b.rules),
        database_cluster_arn=database_cluster_arn, bucket_arn=bucket_arn,
        vault_lock=(VaultLockProps(lock.min_retention_days, lock.max_retention_days, lock.changeable_for_days)
                    if lock is not None else None),
        copy_region=b.copy_to_region, copy_provider=copy_provider,
        start_window_minutes=b.start_window_minutes, completion_window_minutes=b.completion_window_minutes,
        # Recovery points outlive a destroy, whatever deletion_protection says: they are what a restore needs.
        force_destroy=False, key_administrator_arn=c.kms_key_policy_administrator_arn,
    )


def dns_props(c: WandbConfig) -> DnsProps:
    return DnsProps(
        domain_name=c.domain_name, zone_id=c.zone_id, subdomain=c.subdomain, extra_fqdns=tuple(c.extra_fqdn),
        existing_certificate_arn=c.acm_certificate_arn, validation_zone_id=c.certificate_validation_zone_id,
    )


class InfraStack(WandbStack):
    """The AWS infrastructure of one deployment, built in fixed steps (each a private method creating its
    constructs directly in this stack, under the ids of ``STATEFUL_CONSTRUCT_IDS`` and the others below)."""

    def __init__(self, scope: Construct, stack_id: str, *, config: WandbConfig) -> None:
        super().__init__(scope, stack_id, config=config)
        aws_provider(self, config.region, config.tags)
        account_context(self)  # the caller-identity and partition data sources, first in the stack as before
        self._network()
        self._key()
        self._storage()
        self._cluster()
        self._database()
        self._cache()
        self._ingress_and_dns()
        self._private_link()
        self._operations()
        self._outputs()
        self._adopt()

    # --- steps (in creation order) ---------------------------------------------------------
    def _network(self) -> None:
        self.network = Network(self, "network", network_props(self.config))

    def _key(self) -> None:
        self.key = Key(self, "kms", key_props(self.config))

    def _storage(self) -> None:
        """The instance bucket and queue, and (``cloudtrail``) the audit trail of that bucket."""
        c = self.config
        # An S3-compatible instance bucket (bucket_s3_compatible) is reached with static keys, not IAM: no
        # bucket, queue (MinIO sends no SQS notifications; W&B uses internal://) or node-role grant here.
        self.file_storage: FileStorage | None = None
        if c.bucket_s3_compatible is None:
            self.file_storage = FileStorage(self, "file-storage", file_storage_props(c, key_arn=self.key.key_arn))
        self.audit_trail: AuditTrail | None = None
        if c.cloudtrail is not None and self.file_storage is not None:  # the model refuses it with bucket_s3_compatible
            self.audit_trail = AuditTrail(self, "cloudtrail", audit_trail_props(
                c, watched_bucket_name=self.file_storage.bucket_name))

    def _cluster(self) -> None:
        """The EKS cluster built here or the existing one, and the node role's grant on the instance bucket."""
        c = self.config
        self.cluster: Cluster | ExistingCluster
        if c.external_eks_cluster_name:
            self.cluster = ExistingCluster(self, "existing-eks", existing_cluster_props(c, key_arn=self.key.key_arn))
        else:
            self.cluster = Cluster(self, "eks", cluster_props(
                c, vpc_id=self.network.vpc_id, private_subnet_ids=self.network.private_subnet_ids,
                key_arn=self.key.key_arn, key_created=self.key.created,
            ))
        if self.file_storage is not None:
            # W&B's pods run as the node role: bucket, queue and bucket key go into its inline policy.
            self.file_storage.grant_read_write(self.cluster.node_role)

    def _database(self) -> None:
        c = self.config
        nodes = (self.cluster.node_security_group_id,)
        self.database: Database | ExistingDatabase
        if c.external_database_host:
            self.database = ExistingDatabase(self, "existing-database", existing_database_props(
                c, allowed_security_group_ids=nodes))
        else:
            self.database = Database(self, "database", database_props(
                c, vpc_id=self.network.vpc_id, subnet_ids=self.network.database_subnet_ids, key_arn=self.key.key_arn,
                allowed_security_group_ids=nodes,
            ))

    def _cache(self) -> None:
        self.redis: Redis | None = None
        if self.config.elasticache_enabled:
            self.redis = Redis(self, "redis", redis_props(
                self.config, vpc_id=self.network.vpc_id, subnet_ids=self.network.elasticache_subnet_ids,
                key_arn=self.key.key_arn, allowed_security_group_ids=(self.cluster.node_security_group_id,),
            ))

    def _ingress_and_dns(self) -> None:
        """DNS and certificate, then the pre-operator ALB or the post-operator pieces (EFS, secrets, the
        controller ALB's security group and the controllers' IRSA roles)."""
        self.dns = Dns(self, "dns", dns_props(self.config))
        self.load_balancer: LoadBalancer | None = None
        self.weave_file_system: WeaveFileSystem | None = None
        self.app_secrets: AppSecrets | None = None
        self.ingress_security_group: IngressSecurityGroup | None = None
        self.load_balancer_controller_role: IrsaRole | None = None
        self.external_dns_role: IrsaRole | None = None
        self.cluster_autoscaler_role: IrsaRole | None = None
        self.yace_role: IrsaRole | None = None
        if self.config.deployment == "pre-operator":
            self._load_balancer()
            if self.config.deletion_protection:
                # The rollback from post-operator: Weave's file system stays in AWS, forgotten by Terraform, instead
                # of being destroyed (prevent_destroy does not cover a resource taken out of the configuration).
                keep_when_removed(self, (("aws_efs_file_system", ("weave-efs", "file-system")),
                                         ("aws_efs_backup_policy", ("weave-efs", "backup"))))
        else:
            self._operator_prerequisites()

    def _load_balancer(self) -> None:
        c = self.config
        # v1.16.10: internet-facing in the public subnets only with public_access, else internal.
        assert isinstance(self.cluster, Cluster), "the model allows an existing cluster post-operator only"
        self.load_balancer = LoadBalancer(self, "alb", LoadBalancerProps(
            namespace=c.namespace, vpc_id=self.network.vpc_id,
            subnet_ids=self.network.public_subnet_ids if c.public_access else self.network.private_subnet_ids,
            internal=not c.public_access,
            certificate_arn=self.dns.certificate_arn, fqdn=self.dns.fqdn, zone_id=c.zone_id,
            extra_fqdns=tuple(c.extra_fqdn),
            node_security_group_id=self.cluster.node_security_group_id,
            autoscaling_group_names=self.cluster.node_group_autoscaling_group_names(),
            allowed_inbound_cidr=tuple(c.allowed_inbound_cidr),
            allowed_inbound_ipv6_cidr=tuple(c.allowed_inbound_ipv6_cidr),
        ))

    def _operator_prerequisites(self) -> None:
        c = self.config
        ns = c.namespace
        key_arn = self.key.key_arn
        partition = account_context(self).partition
        self.weave_file_system = WeaveFileSystem(self, "weave-efs", WeaveFileSystemProps(
            namespace=ns, vpc_id=self.network.vpc_id, subnet_ids=self.network.private_subnet_ids,
            kms_key_arn=key_arn, allowed_security_group_ids=(self.cluster.node_security_group_id,),
            deletion_protection=c.deletion_protection,
        ))
        self.app_secrets = AppSecrets(self, "secrets", AppSecretsProps(namespace=ns, kms_key_arn=key_arn))
        self.ingress_security_group = IngressSecurityGroup(self, "alb-k8s", IngressSecurityGroupProps(
            namespace=ns, vpc_id=self.network.vpc_id, target_security_group_id=self.cluster.cluster_security_group_id,
            allowed_inbound_cidr=tuple(c.allowed_inbound_cidr),
            allowed_inbound_ipv6_cidr=tuple(c.allowed_inbound_ipv6_cidr),
        ))
        self.load_balancer_controller_role = IrsaRole(self, "lbc-irsa", IrsaRoleProps(
            name_prefix=f"{ns}-lbc-", oidc_provider_arn=self.cluster.oidc_provider_arn,
            oidc_issuer=self.cluster.oidc_issuer, service_accounts=(LBC_SERVICE_ACCOUNT,),
            inline_policy=load_balancer_controller_policy(partition),
            description=f"W&B {ns} AWS Load Balancer Controller (IRSA)",
        ))
        # Node groups scale between min and max only with the autoscaler (v8 app_eks/cluster_autoscaler).
        # An existing cluster's node groups are its owner's to scale: no autoscaler there.
        if not c.external_eks_cluster_name:
            self.cluster_autoscaler_role = IrsaRole(self, "cluster-autoscaler-irsa", IrsaRoleProps(
                name_prefix=f"{ns}-autoscaler-", oidc_provider_arn=self.cluster.oidc_provider_arn,
                oidc_issuer=self.cluster.oidc_issuer, service_accounts=(CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,),
                inline_policy=cluster_autoscaler_policy(ns),
                description=f"W&B {ns} cluster autoscaler (IRSA)",
            ))
        if c.enable_yace:
            # v8 modules/iam_role: read-only CloudWatch metrics and resource tags for the exporter, which runs
            # in k8s_namespace under yace_sa_name (the operator stack gives its service account that name).
            self.yace_role = IrsaRole(self, "yace-irsa", IrsaRoleProps(
                name_prefix=f"{ns}-yace-", oidc_provider_arn=self.cluster.oidc_provider_arn,
                oidc_issuer=self.cluster.oidc_issuer, service_accounts=((c.k8s_namespace, c.yace_sa_name),),
                inline_policy=yace_policy(), description=f"W&B {ns} YACE CloudWatch exporter (IRSA)",
            ))
        if c.external_dns:
            self.external_dns_role = IrsaRole(self, "external-dns-irsa", IrsaRoleProps(
                name_prefix=f"{ns}-external-dns-", oidc_provider_arn=self.cluster.oidc_provider_arn,
                oidc_issuer=self.cluster.oidc_issuer, service_accounts=(EXTERNAL_DNS_SERVICE_ACCOUNT,),
                inline_policy=external_dns_policy(c.zone_id, partition),
                description=f"W&B {ns} external-dns (IRSA)",
            ))

    def _private_link(self) -> None:
        c = self.config
        self.private_link: PrivateLink | None = None
        if not c.private_link_allowed_account_ids:
            return
        alb_sg = (self.load_balancer.security_group_id if self.load_balancer is not None
                  else self.ingress_security_group.security_group_id if self.ingress_security_group is not None else None)
        assert alb_sg is not None, "both shapes build the ALB's security group"
        self.private_link = PrivateLink(self, "private-link", PrivateLinkProps(
            namespace=c.namespace, vpc_id=self.network.vpc_id, subnet_ids=self.network.private_subnet_ids,
            alb_security_group_id=alb_sg, allowed_account_ids=tuple(c.private_link_allowed_account_ids),
            partition=account_context(self).partition, private_only=c.private_only_traffic,
            private_only_cidrs=tuple(c.allowed_private_endpoint_cidr),
            # Pre-operator: the ALB is ours and registered now; post-operator: by the operator stack.
            alb_arn=self.load_balancer.load_balancer_arn if self.load_balancer is not None else None,
            alb_listener=(self.load_balancer.https_listener,) if self.load_balancer is not None else (),
            deletion_protection=c.deletion_protection,
        ))

    def _operations(self) -> None:
        """``alarms`` and ``backup`` (issue 29): CloudWatch alarms into an SNS topic, AWS Backup of the database and
        the file bucket. Both off by default; new construct ids ``alarms`` and ``backup``."""
        c = self.config
        self.alarms: Alarms | None = None
        self.backup: Backup | None = None
        if c.alarms is not None:
            self.alarms = Alarms(self, "alarms", alarms_props(
                c, kms_key_arn=self.key.key_arn,
                database_instance_id=self.database.writer_identifier if isinstance(self.database, Database) else None,
                redis_cache_cluster_ids=self.redis.cache_cluster_ids if self.redis is not None else (),
                alb=((self.load_balancer.arn_suffix, self.load_balancer.target_group_arn_suffix)
                     if self.load_balancer is not None else None),
                queue_name=self.file_storage.queue_name if self.file_storage is not None else None,
                autoscaling_groups=(tuple(self.cluster.node_group_autoscaling_group_names())
                                    if isinstance(self.cluster, Cluster) else ()),
            ))
        if c.backup is not None:
            copy_provider = (aws_provider(self, c.backup.copy_to_region, c.tags, alias="backup-copy")
                             if c.backup.copy_to_region else None)
            self.backup = Backup(self, "backup", backup_props(
                c, kms_key_arn=self.key.key_arn,
                database_cluster_arn=self.database.cluster_arn if isinstance(self.database, Database) else None,
                bucket_arn=(self.file_storage.bucket_arn if self.file_storage is not None else None),
                copy_provider=copy_provider,
            ))

    def _adopt(self) -> None:
        """Import blocks (cdktf ``import_from``) plus carried immutable attributes for ``adoption``."""
        from cdktf import TerraformResource

        from ..config import ConfigError

        adoption = self._config.adoption
        wanted = {r.path: r for r in adoption.resources} if adoption else {}
        index = {r.path: i for i, r in enumerate(adoption.resources)} if adoption else {}
        prefix = self.node.path + "/"
        for node in self.node.find_all():
            if isinstance(node, TerraformResource) and node.node.path.removeprefix(prefix) in wanted:
                item = wanted.pop(node.node.path.removeprefix(prefix))
                for attr in (*item.set, *item.unset):
                    if not _is_argument(node, attr.split(".", 1)[0]):
                        raise ConfigError(f"adoption.resources.{index[item.path]}.{'set' if attr in item.set else 'unset'}", f"{attr!r} is not an argument of "
                                          f"{node.terraform_resource_type} (what wandb-cdktf adopt carries are the "
                                          "resource's own arguments); re-run wandb-cdktf adopt")
                node.import_from(item.import_id)
                for attr in item.unset:
                    node.add_override(attr, None)
                for attr, value in item.set.items():
                    node.add_override(attr, value)
        if wanted:
            raise ConfigError("adoption.resources", f"no resource at {sorted(wanted)[0]} in {self.node.id} for this "
                              "configuration; re-run wandb-cdktf adopt")

    def _outputs(self) -> None:
        c = self.config
        values: dict[str, object] = {
            "url": self.dns.url,
            "fqdn": self.dns.fqdn,
            "certificate_arn": self.dns.certificate_arn,
            "bucket_name": self.bucket_name,
            "bucket_region": self.bucket_region,
            "bucket_queue": self.bucket_queue,
            "cluster_name": self.cluster.cluster_name,
            "cluster_endpoint": self.cluster.cluster_endpoint,
            "cluster_ca_data": self.cluster.cluster_ca_data,
            "oidc_provider_arn": self.cluster.oidc_provider_arn,
            "node_role_arn": self.cluster.node_role_arn,
            "database_endpoint": self.database.endpoint,
            "database_secret_arn": self.database.master_user_secret_arn,
            "kms_key_arn": self.key.key_arn,
            "vpc_id": self.network.vpc_id,
            "private_subnet_ids": self.network.private_subnet_ids,
            "database_subnet_ids": self.network.database_subnet_ids,
        }
        if c.bucket_s3_compatible is not None:
            values["bucket_endpoint"] = c.bucket_s3_compatible.endpoint
        if self.redis is not None:
            values["redis_endpoint"] = self.redis.host
        if self.network.public_subnet_ids:
            values["public_subnet_ids"] = self.network.public_subnet_ids
        if self.load_balancer is not None:
            values["alb_dns_name"] = self.load_balancer.dns_name
        if self.weave_file_system is not None:
            values["efs_file_system_id"] = self.weave_file_system.file_system_id
        if self.audit_trail is not None:
            values["cloudtrail_arn"] = self.audit_trail.trail_arn
            values["cloudtrail_bucket_name"] = self.audit_trail.log_bucket_name
        if self.ingress_security_group is not None:
            values["alb_security_group_id"] = self.ingress_security_group.security_group_id
        if self.alarms is not None:
            values["alarms_topic_arn"] = self.alarms.topic_arn
        if self.backup is not None:
            values["backup_vault_name"] = self.backup.vault_name
            values["backup_plan_id"] = self.backup.plan_id
        if self.private_link is not None:
            values["private_link_service_name"] = self.private_link.service_name
            values["private_link_service_id"] = self.private_link.service_id
        for name, value in values.items():
            TerraformOutput(self, name, value=value)

    # --- typed attributes (also Terraform outputs) -------------------------------------------
    @property
    def url(self) -> str:
        return self.dns.url

    @property
    def bucket_name(self) -> str:
        """W&B's instance bucket: the S3 bucket built here or named by bucket_name, or the bucket of the
        S3-compatible store (bucket_s3_compatible)."""
        if self.file_storage is None:
            assert self.config.bucket_s3_compatible is not None
            return self.config.bucket_s3_compatible.bucket
        return self.file_storage.bucket_name

    @property
    def bucket_region(self) -> str:
        """W&B's ``AWS_REGION``: the S3-compatible store's region, an existing ``bucket_name``'s own region (read
        from S3, as v8 does), else the deployment region."""
        ext = self.config.bucket_s3_compatible
        if ext is not None:
            return ext.region_for(self.config.region)
        existing = self.file_storage.bucket_region if self.file_storage is not None else None
        return existing or self.config.region

    @property
    def bucket_queue(self) -> str:
        """``BUCKET_QUEUE``: ``sqs://<queue>`` or ``internal://``."""
        return self.file_storage.queue_address if self.file_storage is not None else "internal://"

    @property
    def cluster_name(self) -> str:
        return self.cluster.cluster_name

    @property
    def cluster_endpoint(self) -> str:
        return self.cluster.cluster_endpoint

    @property
    def cluster_ca_data(self) -> str:
        return self.cluster.cluster_ca_data

    @property
    def oidc_provider_arn(self) -> str:
        return self.cluster.oidc_provider_arn

    @property
    def oidc_provider_url(self) -> str:
        """OIDC issuer host and path, without ``https://``."""
        return self.cluster.oidc_issuer

    @property
    def database_endpoint(self) -> str:
        return self.database.endpoint

    @property
    def database_secret_arn(self) -> str:
        return self.database.master_user_secret_arn

    @property
    def redis_endpoint(self) -> str | None:
        return self.redis.host if self.redis is not None else None

    @property
    def kms_key_arn(self) -> str:
        return self.key.key_arn

    @property
    def vpc_id(self) -> str:
        return self.network.vpc_id


def _is_argument(resource: object, name: str) -> bool:
    """``name`` is an argument of the provider resource (its binding has a setter, or ``put_<name>`` for a block)
    or Terraform's ``lifecycle``; computed-only attributes such as ``arn`` are not."""
    attr = getattr(type(resource), name, None)
    return (isinstance(attr, property) and attr.fset is not None) or callable(getattr(type(resource), f"put_{name}", None))
