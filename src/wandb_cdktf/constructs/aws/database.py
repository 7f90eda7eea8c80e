"""Database: the Aurora MySQL 8.0 cluster that holds W&B's metadata (runs, users, reports).

Parameters as in terraform-aws-wandb v8. Deletion protection is on by default and a
final snapshot is taken when it is.

Master password (README "Database credentials"). v8 keeps a ``random_string`` in
state; an RDS-managed password (``manage_master_user_password``) is rotated by RDS
every 7 days by default, which breaks every copy W&B holds. Here Terraform generates
it and no state holds it:

- an *ephemeral* ``aws_secretsmanager_random_password`` (32 letters and digits,
  URL-safe for W&B's ``mysql://`` URL, as v8's ``random_string`` with
  ``special = false``) is drawn on every run and never stored;
- it goes first into our own secret ``<namespace>-database-master-*`` through the write-only
  ``secret_string_wo`` (JSON ``{"username", "password"}``, the shape of RDS-managed secrets), and RDS
  gets the secret's current value (an ephemeral ``aws_secretsmanager_secret_version`` read after that
  write) through the write-only ``master_password_wo``: the two agree after any interrupted apply;
- both are sent only when ``password_version`` changes (``*_wo_version``), so the
  password changes only when the user bumps it, and nothing rotates it behind
  W&B's back. The app and operator stacks read the secret's current value.

Switching a deployment created with the RDS-managed password is an in-place
``ModifyDBCluster`` (``ManageMasterUserPassword=false`` with the new password; none
of these arguments forces replacement in hashicorp/aws 5.100.0).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from constructs import Construct

from ..._providers import aws
from .context import account_context
from .ephemeral import ephemeral_random_password, ephemeral_secret_string
from .iam import service_trust
from .security_groups import allow_port_from_cidrs, allow_port_from_groups, service_security_group
from .yace import discovery_tags

INSTANCE_PARAMETERS = {
    "performance_schema": "1",
    "slow_query_log": "1",
    "long_query_time": "4",
    "max_prepared_stmt_count": "1048576",
    "max_execution_time": "60000",
    "innodb_lru_scan_depth": "128",
}
CLUSTER_PARAMETERS = {
    "binlog_format": "ROW",
    "binlog_row_image": "minimal",
    "innodb_online_alter_log_max_size": "268435456",
}
# Parameters that MySQL only reads at start-up must be applied with "pending-reboot".
_STATIC_PARAMETERS = {"performance_schema", "binlog_format", "binlog_row_image"}
LOG_EXPORTS = ["audit", "error", "general", "slowquery"]


@dataclass(frozen=True)
class DatabaseProps:
    namespace: str
    vpc_id: str
    subnet_ids: list[str]
    kms_key_arn: str
    """Storage encryption and the master-secret key."""
    instance_class: str = "db.r6g.large"
    """Writer instance class. Default: db.r6g.large (size small)."""
    allowed_security_group_ids: tuple[str, ...] = ()
    """Security groups allowed to connect on 3306 (the EKS nodes). Default: ()."""
    allowed_cidr_blocks: tuple[str, ...] = ()
    """CIDRs allowed on 3306 in addition (e.g. private subnets). Default: (). No stack of this library passes any
    (the database admits the node security group only), so no deployment made by it has these rules. Their ids stay
    positional (``ingress-cidr-<i>``, ``allow_port_from_cidrs``), unlike the client-CIDR rules keyed by content
    (``cidr_rule_id``): keying them now would move the addresses of every direct user of this construct, and the
    sources meant here, subnet CIDRs, change only when the subnets are replaced. Append to the tuple only: inserting
    or removing one in the middle shifts the later rules, which EC2 may refuse as a transient duplicate
    (InvalidPermission.Duplicate; field-review-2 section 4)."""
    engine_version: str = "8.0"
    """Aurora MySQL version. Default: 8.0."""
    database_name: str = "wandb_local"
    """Default: wandb_local."""
    master_username: str = "wandb"
    """Default: wandb."""
    performance_insights_kms_key_arn: str | None = None
    """Default: ``kms_key_arn``."""
    sort_buffer_size: int = 67108864
    """Default: 67108864."""
    backup_retention_period: int = 14
    """Days. Default: 14."""
    backup_window: str = "02:00-03:00"
    """UTC. Default: 02:00-03:00."""
    maintenance_window: str = "sun:05:00-sun:06:00"
    """Weekly UTC window of the cluster and the writer. Default: sun:05:00-sun:06:00 (v8)."""
    apply_immediately: bool = True
    """Apply modifications (instance class, ...) now rather than in ``maintenance_window``. Default: True (v8)."""
    monitoring_interval: int = 15
    """Enhanced monitoring seconds. Default: 15."""
    performance_insights_retention_days: int = 7
    """Default: 7 (free tier)."""
    deletion_protection: bool = True
    """Refuse deletion and take a final snapshot: RDS deletion protection, and Terraform's ``prevent_destroy`` on
    the cluster, so a plan that would destroy or replace it fails before anything is changed (RDS alone refuses
    only when the cluster's turn comes, after Terraform has destroyed everything else). Default: True."""
    snapshot_identifier: str | None = None
    """Restore the cluster from this snapshot. Default: None."""
    password_version: int = 1
    """Generation of the master password: changing it sets a new one (RDS and the secret). Default: 1."""
    password_length: int = 32
    """Letters and digits; Aurora MySQL allows 8..41 printable characters. Default: 32 (v8)."""
    secret_recovery_window_in_days: int = 7
    """Days a deleted password secret can be restored (0 = immediate). Default: 7."""

    def __post_init__(self) -> None:
        if self.password_version < 1:
            raise ValueError("DatabaseProps.password_version must be >= 1")
        if not 8 <= self.password_length <= 41:
            raise ValueError("DatabaseProps.password_length must be 8..41 (Aurora MySQL master password)")


class Database(Construct):
    def __init__(self, scope: Construct, construct_id: str, props: DatabaseProps) -> None:
        super().__init__(scope, construct_id)
        self.props = props
        ns = props.namespace
        ctx = account_context(self)

        self._sg = service_security_group(self, namespace=ns, service="db", vpc_id=props.vpc_id,
                                          description=f"W&B {ns} Aurora MySQL: 3306 from the EKS nodes only")
        allow_port_from_groups(self, self._sg.id, 3306, props.allowed_security_group_ids, "MySQL from EKS nodes")
        allow_port_from_cidrs(self, self._sg.id, 3306, props.allowed_cidr_blocks, "MySQL from private subnets")
        subnet_group = aws.db_subnet_group.DbSubnetGroup(
            self, "subnet-group", name_prefix=f"{ns}-db-", subnet_ids=props.subnet_ids,
            description=f"W&B {ns} database subnets",
        )
        cluster_params = aws.rds_cluster_parameter_group.RdsClusterParameterGroup(
            self, "cluster-parameters", name_prefix=f"{ns}-aurora-mysql8-", family="aurora-mysql8.0",
            description=f"W&B {ns} cluster parameters", parameter=[aws.rds_cluster_parameter_group.RdsClusterParameterGroupParameter(**p) for p in _params(CLUSTER_PARAMETERS)],
            lifecycle={"create_before_destroy": True},
        )
        instance_params = aws.db_parameter_group.DbParameterGroup(
            self, "instance-parameters", name_prefix=f"{ns}-aurora-mysql8-", family="aurora-mysql8.0",
            description=f"W&B {ns} instance parameters",
            parameter=[aws.db_parameter_group.DbParameterGroupParameter(**p) for p in _params({**INSTANCE_PARAMETERS, "sort_buffer_size": str(props.sort_buffer_size)})],
            lifecycle={"create_before_destroy": True},
        )
        monitoring = aws.iam_role.IamRole(
            self, "monitoring-role", name_prefix=f"{ns}-rds-monitor-",
            assume_role_policy=service_trust("monitoring.rds.amazonaws.com"),
            description=f"W&B {ns} RDS enhanced monitoring",
        )
        aws.iam_role_policy_attachment.IamRolePolicyAttachment(
            self, "monitoring-policy", role=monitoring.name,
            policy_arn=f"arn:{ctx.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
        )
        # One source of truth, crash-consistent: this run's random password is written to our secret first; RDS
        # gets what the secret holds (read back ephemerally, after the secret version, never stored). Whatever
        # step an apply stops after, the next one converges: the secret's version is in state and RDS, whose
        # *_wo_version lags, is sent the secret's value. (Each written from its own draw, an apply stopped after
        # Aurora was created left RDS on one password and wrote another into the secret on the re-run.)
        password_ref = ephemeral_random_password(self, f"{self.node.id}_master-password", props.password_length)
        self._secret = aws.secretsmanager_secret.SecretsmanagerSecret(
            self, "master-secret", name_prefix=f"{ns}-database-master-", kms_key_id=props.kms_key_arn,
            recovery_window_in_days=props.secret_recovery_window_in_days,
            description=f"W&B {ns}: Aurora master credentials (written by Terraform, rotated by database_password_version)",
        )
        self._secret_version = aws.secretsmanager_secret_version.SecretsmanagerSecretVersion(
            self, "master-secret-version", secret_id=self._secret.id,
            # Written as one expression: cdktf would escape an interpolation nested in Fn.jsonencode's map.
            secret_string_wo=f'${{jsonencode({{username = "{props.master_username}", password = {password_ref}}})}}',
            secret_string_wo_version=props.password_version,
        )
        # That very version: its version_id is unknown until it is written, so whenever it is (re)created the read
        # waits for the write (during the apply); otherwise it reads the version in state.
        stored = ephemeral_secret_string(self, f"{self.node.id}_master-secret-current", self._secret_version.secret_id,
                                         self._secret_version.version_id)
        password = f"${{jsondecode({stored}).password}}"
        cluster_kwargs: dict[str, Any] = dict(
            cluster_identifier=ns,
            engine="aurora-mysql",
            engine_version=props.engine_version,
            database_name=props.database_name,
            master_username=props.master_username,
            master_password_wo=password,
            master_password_wo_version=props.password_version,
            storage_encrypted=True,
            kms_key_id=props.kms_key_arn,
            db_subnet_group_name=subnet_group.name,
            vpc_security_group_ids=[self._sg.id],
            db_cluster_parameter_group_name=cluster_params.name,
            backup_retention_period=props.backup_retention_period,
            preferred_backup_window=props.backup_window,
            preferred_maintenance_window=props.maintenance_window,
            enabled_cloudwatch_logs_exports=LOG_EXPORTS,
            copy_tags_to_snapshot=True,
            iam_database_authentication_enabled=True,
            deletion_protection=props.deletion_protection,
            skip_final_snapshot=not props.deletion_protection,
            apply_immediately=props.apply_immediately,
            tags={"Name": f"{ns}-aurora", **discovery_tags(ns)},
        )
        lifecycle: dict[str, Any] = {}
        if props.deletion_protection:
            cluster_kwargs["final_snapshot_identifier"] = f"{ns}-final-snapshot"
            lifecycle["prevent_destroy"] = True
        if props.snapshot_identifier:
            cluster_kwargs["snapshot_identifier"] = props.snapshot_identifier
            # Restores keep the snapshot's database; re-applying must not try to recreate it.
            lifecycle["ignore_changes"] = ["snapshot_identifier"]
        if lifecycle:
            cluster_kwargs["lifecycle"] = lifecycle
        self._cluster = aws.rds_cluster.RdsCluster(self, "cluster", **cluster_kwargs)
        self._writer = aws.rds_cluster_instance.RdsClusterInstance(
            self, "writer",
            identifier=f"{ns}-1",
            cluster_identifier=self._cluster.id,
            engine=self._cluster.engine,
            engine_version=self._cluster.engine_version,
            instance_class=props.instance_class,
            db_parameter_group_name=instance_params.name,
            db_subnet_group_name=subnet_group.name,
            publicly_accessible=False,
            auto_minor_version_upgrade=True,
            performance_insights_enabled=True,
            performance_insights_kms_key_id=props.performance_insights_kms_key_arn or props.kms_key_arn,
            performance_insights_retention_period=props.performance_insights_retention_days,
            monitoring_interval=props.monitoring_interval,
            monitoring_role_arn=monitoring.arn,
            copy_tags_to_snapshot=True,
            # Without a window RDS assigns a random weekly one to the instance (rds-aurora passes the cluster's).
            preferred_maintenance_window=props.maintenance_window,
            apply_immediately=props.apply_immediately,
            tags={"Name": f"{ns}-aurora-1", **discovery_tags(ns)},
        )

    # --- attributes -----------------------------------------------------------------------
    @property
    def endpoint(self) -> str:
        return self._cluster.endpoint

    @property
    def port(self) -> float:
        return self._cluster.port

    @property
    def cluster_identifier(self) -> str:
        return self._cluster.cluster_identifier

    @property
    def cluster_arn(self) -> str:
        return self._cluster.arn

    @property
    def writer_identifier(self) -> str:
        """The writer instance (``DBInstanceIdentifier`` of its AWS/RDS metrics)."""
        return self._writer.identifier

    @property
    def master_user_secret_arn(self) -> str:
        """Our Secrets Manager secret holding the current ``{"username", "password"}``.

        A reference through the secret *version*, so readers (the app and operator stacks) see it only once
        the value has been written."""
        return self._secret_version.secret_id

    @property
    def password_version(self) -> int:
        return self.props.password_version

    @property
    def security_group_id(self) -> str:
        return self._sg.id

    @property
    def database_name(self) -> str:
        return self.props.database_name

    @property
    def master_username(self) -> str:
        return self.props.master_username


def _params(values: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"name": k, "value": v, "apply_method": "pending-reboot" if k in _STATIC_PARAMETERS else "immediate"}
        for k, v in sorted(values.items())
    ]
