"""Run it like production (issue 29): the ``alarms`` and ``backup`` sections, both off by default.

``alarms``: CloudWatch alarms on what breaks W&B first, into one SNS topic encrypted with the deployment key.
``backup``: an AWS Backup vault (deployment key) and plan for the Aurora cluster and the file bucket.
Thresholds that depend on the deployment follow the size preset (``alarm_defaults``) and can be overridden.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from .base import OptionError, StrictModel
from .types import AwsRegion

# Aurora MySQL instance memory (GiB) by class size; the memory-optimized families W&B's presets use (r5, r6g, r6i,
# r7g, r7i, r8g) share it (RDS User Guide, "Hardware specifications for DB instance classes").
_R_CLASS_MEMORY_GIB = {"large": 16, "xlarge": 32, "2xlarge": 64, "4xlarge": 128, "8xlarge": 256, "12xlarge": 384,
                       "16xlarge": 512, "24xlarge": 768}
# Aurora MySQL's default max_connections by class size: the table of the Aurora User Guide, "Maximum connections to an
# Aurora MySQL DB instance" (docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Performance.html:
# db.r5.large 1000, xlarge 2000, 2xlarge 3000, 4xlarge 4000, 8xlarge 5000, 12xlarge 6000, 16xlarge 6000, 24xlarge
# 7000; db.r6g the same per size). It is the parameter's default formula GREATEST({log(DBInstanceClassMemory/
# 805306368)*45},{log(DBInstanceClassMemory/8187281408)*1000}) with log base 2 rounded to an integer (768 GiB: 7).
_R_CLASS_MAX_CONNECTIONS = {"large": 1000, "xlarge": 2000, "2xlarge": 3000, "4xlarge": 4000, "8xlarge": 5000,
                            "12xlarge": 6000, "16xlarge": 6000, "24xlarge": 7000}
_R_CLASS = re.compile(r"^db\.(r5|r6g|r6i|r7g|r7i|r8g)\.(\w+)$")
# W&B's reference architecture: alarm when Aurora CPU stays above 90 % for 5 minutes.
DATABASE_CPU_PERCENT = 90.0


def database_class_limits(instance_class: str) -> tuple[int, int] | None:
    """(memory GiB, default max_connections) of an Aurora MySQL memory-optimized class; None if not in the table."""
    m = _R_CLASS.match(instance_class)
    if not m or m.group(2) not in _R_CLASS_MEMORY_GIB:
        return None
    return _R_CLASS_MEMORY_GIB[m.group(2)], _R_CLASS_MAX_CONNECTIONS[m.group(2)]


def _email(value: str) -> str:
    if not re.fullmatch(r"[^@\s]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}", value):
        raise ValueError(f"must be an email address, got {value[:80]!r}")
    return value


def _https(value: str) -> str:
    if not re.fullmatch(r"https://[A-Za-z0-9.-]+(:\d+)?(/[^\s]*)?", value):
        raise ValueError(f"must be an https:// URL (SNS confirms the subscription there), got {value[:80]!r}")
    return value


class AlarmThresholds(StrictModel):
    """Alarm thresholds; each unset one follows the size preset (or the database class) as described."""

    database_cpu_percent: float | None = Field(default=None, gt=0, le=100, description="Aurora writer CPUUtilization above this for 5 minutes. Default: 90 (W&B's reference architecture).")
    database_free_local_storage_gib: float | None = Field(default=None, gt=0, description="Aurora writer FreeLocalStorage below this (temporary tables, logs). Default: an eighth of the class's memory in GiB (2 for db.r6g.large).")
    database_freeable_memory_mib: int | None = Field(default=None, gt=0, description="Aurora writer FreeableMemory below this. Default: 5 % of the class's memory (819 MiB for db.r6g.large).")
    database_connections_percent: float | None = Field(default=None, gt=0, le=100, description="Aurora writer DatabaseConnections above this share of the class's default max_connections (1000 for db.r*.large, Aurora User Guide). Default: 80.")
    redis_memory_percent: float | None = Field(default=None, gt=0, le=100, description="ElastiCache DatabaseMemoryUsagePercentage of any node above this. Default: 80.")
    redis_evictions: int | None = Field(default=None, ge=0, description="ElastiCache Evictions of any node in 5 minutes above this; W&B keeps job state in Redis, so any eviction loses data. Default: 0.")
    alb_5xx_percent: float | None = Field(default=None, gt=0, le=100, description="Pre-operator ALB: 5xx responses (ELB and targets) above this share of requests over 5 minutes. Default: 5.")
    alb_unhealthy_targets: int | None = Field(default=None, ge=0, description="Pre-operator ALB: UnHealthyHostCount above this for 5 minutes. Default: 0.")
    queue_oldest_message_seconds: int | None = Field(default=None, gt=0, description="File-storage SQS queue: ApproximateAgeOfOldestMessage above this (W&B is not consuming bucket events). Default: 900.")
    node_group_full_minutes: int | None = Field(default=None, ge=5, le=1440, description="EKS node groups: desired capacity at the group's maximum for this many minutes (multiple of 5). Default: 15.")

    @model_validator(mode="after")
    def _multiple(self) -> AlarmThresholds:
        if self.node_group_full_minutes is not None and self.node_group_full_minutes % 5:
            raise OptionError("node_group_full_minutes", f"must be a multiple of 5 (the alarm's 5-minute period), "
                              f"got {self.node_group_full_minutes}")
        return self


class AlarmsConfig(StrictModel):
    """wandb-cdktf: CloudWatch alarms into the SNS topic <namespace>-alarms (docs/backup-and-alarms.md)."""

    email_endpoints: list[Annotated[str, AfterValidator(_email)]] = Field(default_factory=list, max_length=20, description="Email addresses subscribed to the topic (each confirms by email). Default: [].")
    https_endpoints: list[Annotated[str, AfterValidator(_https)]] = Field(default_factory=list, max_length=20, description="HTTPS endpoints subscribed to the topic (each confirms the subscription). Default: [].")
    thresholds: AlarmThresholds = Field(default_factory=AlarmThresholds, description="Overrides; unset ones follow the size preset. Default: {}.")


@dataclass(frozen=True)
class ResolvedThresholds:
    """Every alarm threshold, after the size preset and the overrides."""

    database_cpu_percent: float
    database_free_local_storage_bytes: int
    database_freeable_memory_bytes: int
    database_connections: int
    redis_memory_percent: float
    redis_evictions: int
    alb_5xx_percent: float
    alb_unhealthy_targets: int
    queue_oldest_message_seconds: int
    node_group_full_periods: int


def resolve_thresholds(t: AlarmThresholds, database_instance_class: str | None) -> ResolvedThresholds:
    """The thresholds for a database class (None: no database here, so its defaults are placeholders)."""
    limits = database_class_limits(database_instance_class) if database_instance_class else None
    memory_gib, max_connections = limits or (16, 1000)
    gib = 1024 ** 3
    return ResolvedThresholds(
        database_cpu_percent=t.database_cpu_percent if t.database_cpu_percent is not None else DATABASE_CPU_PERCENT,
        database_free_local_storage_bytes=int((t.database_free_local_storage_gib
                                               if t.database_free_local_storage_gib is not None else memory_gib / 8) * gib),
        database_freeable_memory_bytes=(t.database_freeable_memory_mib * 1024 ** 2
                                        if t.database_freeable_memory_mib is not None else memory_gib * gib // 20),
        database_connections=int(max_connections * (t.database_connections_percent or 80.0) / 100),
        redis_memory_percent=t.redis_memory_percent if t.redis_memory_percent is not None else 80.0,
        redis_evictions=t.redis_evictions if t.redis_evictions is not None else 0,
        alb_5xx_percent=t.alb_5xx_percent if t.alb_5xx_percent is not None else 5.0,
        alb_unhealthy_targets=t.alb_unhealthy_targets if t.alb_unhealthy_targets is not None else 0,
        queue_oldest_message_seconds=t.queue_oldest_message_seconds if t.queue_oldest_message_seconds is not None else 900,
        node_group_full_periods=(t.node_group_full_minutes or 15) // 5,
    )


# --- backup -------------------------------------------------------------------------------

# AWS Backup schedule expressions: cron(Minutes Hours Day-of-month Month Day-of-week Year) (AWS Backup Developer
# Guide, "Backup plan options and configuration": schedule expressions in UTC, six fields).
_CRON = re.compile(r"^cron\((\S+ ){5}\S+\)$")
_RULE_NAME = re.compile(r"^[A-Za-z0-9._-]{1,50}$")


class BackupRule(StrictModel):
    """One rule of the backup plan: when, and for how long its recovery points are kept."""

    name: str = Field(pattern=_RULE_NAME.pattern, description="Rule name (letters, digits, . _ -; at most 50).")
    schedule: str = Field(default="cron(0 5 ? * * *)", description="AWS Backup cron expression, UTC (six fields). Default: cron(0 5 ? * * *) (daily 05:00, after Aurora's 02:00-03:00 backup window).")
    retention_days: int = Field(default=35, ge=1, le=36500, description="Days a recovery point is kept (its lifecycle delete_after). Default: 35.")
    copy_retention_days: int | None = Field(default=None, ge=1, le=36500, description="Days the copy in copy_to_region is kept. Default: retention_days.")

    @model_validator(mode="after")
    def _cron(self) -> BackupRule:
        if not _CRON.match(self.schedule):
            raise OptionError("schedule", f"must be an AWS Backup cron expression of six fields, e.g. "
                              f"cron(0 5 ? * * *), got {self.schedule[:80]!r}")
        return self


class VaultLock(StrictModel):
    """AWS Backup Vault Lock of the vault (AWS Backup Developer Guide, "AWS Backup Vault Lock")."""

    min_retention_days: int = Field(ge=1, le=36500, description="Backup and copy jobs must keep recovery points at least this long (PutBackupVaultLockConfiguration: 1 or more). Required.")
    max_retention_days: int | None = Field(default=None, ge=1, le=36500, description="...and at most this long. Default: none.")
    changeable_for_days: int | None = Field(default=None, ge=3, le=36500, description="Days until the lock becomes immutable (compliance mode; at least 3, AWS Backup's 72-hour cooling-off period); after that neither the lock nor the vault can be removed until every recovery point expires. Default: none (governance mode: removable by a principal allowed to).")

    @model_validator(mode="after")
    def _order(self) -> VaultLock:
        if self.max_retention_days is not None and self.max_retention_days < self.min_retention_days:
            raise OptionError("max_retention_days", f"({self.max_retention_days}) must not be below "
                              f"min_retention_days ({self.min_retention_days})")
        return self


def _default_rules() -> list[BackupRule]:
    return [BackupRule(name="daily")]


class BackupConfig(StrictModel):
    """wandb-cdktf: AWS Backup of the Aurora cluster and the file bucket (docs/backup-and-alarms.md)."""

    rules: list[BackupRule] = Field(default_factory=_default_rules, min_length=1, max_length=10, description="Plan rules. Default: [{name: daily}] (daily at 05:00 UTC, kept 35 days).")
    vault_lock: VaultLock | None = Field(default=None, description="Lock the vault. Default: none.")
    copy_to_region: AwsRegion | None = Field(default=None, description="Copy every recovery point to a vault <namespace>-backup in this region, encrypted with a key created there. Default: none.")
    start_window_minutes: int = Field(default=60, ge=60, le=1440, description="Minutes a scheduled job may wait to start (BackupRuleInput StartWindowMinutes: at least 60). Default: 60.")
    completion_window_minutes: int = Field(default=480, ge=60, le=10080, description="Minutes a started job may run before AWS Backup cancels it. Default: 480.")

    @model_validator(mode="after")
    def _consistency(self) -> BackupConfig:
        names = [r.name for r in self.rules]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise OptionError(f"rules.{i}.name", f"{name!r} is used twice; rule names are unique in a plan")
        lock = self.vault_lock
        for i, rule in enumerate(self.rules):
            if lock is not None:
                # Vault Lock: the vault fails a backup job whose retention is outside [min, max].
                if rule.retention_days < lock.min_retention_days:
                    raise OptionError(f"rules.{i}.retention_days", f"({rule.retention_days}) is below "
                                      f"vault_lock.min_retention_days ({lock.min_retention_days}): the locked vault "
                                      "fails such backup jobs")
                if lock.max_retention_days is not None and rule.retention_days > lock.max_retention_days:
                    raise OptionError(f"rules.{i}.retention_days", f"({rule.retention_days}) is above "
                                      f"vault_lock.max_retention_days ({lock.max_retention_days}): the locked vault "
                                      "fails such backup jobs")
            if rule.copy_retention_days is not None and self.copy_to_region is None:
                raise OptionError(f"rules.{i}.copy_retention_days", "is for the copy in copy_to_region; set that too")
        return self
