"""Backup: an AWS Backup vault and plan for the Aurora cluster and the W&B file bucket (docs/backup-and-alarms.md).

- The vault ``<namespace>-backup`` is encrypted with the deployment key (S3 recovery points take the vault's key;
  Aurora snapshots keep the cluster's key, AWS Backup Developer Guide, "Encryption for backups in AWS Backup"),
  optionally under Vault Lock (``min_retention_days`` >= 1; ``changeable_for_days`` >= 3, the 72-hour cooling-off
  period, turns governance into compliance mode).
- One plan rule per configured rule: its cron schedule (UTC), start window (at least 60 minutes,
  ``BackupRuleInput.StartWindowMinutes``), completion window and retention (``lifecycle.delete_after``); with
  ``copy_region``, a copy action to the vault of the same name in that region. A cross-region copy is encrypted
  with a key of the destination region, so that vault gets a key of its own, created there through the provider
  alias the caller passes.
- The service role trusts ``backup.amazonaws.com`` and carries AWS's managed policies:
  ``service-role/AWSBackupServiceRolePolicyForBackup`` and ``...ForRestores`` (Aurora), and for the bucket
  ``AWSBackupServiceRolePolicyForS3Backup`` and ``...ForS3Restore`` (AWS Backup Developer Guide, "Amazon S3
  backups": the S3 policies are separate, and the bucket must be versioned; ``FileStorage`` versions it).
- The selection names the cluster and bucket ARNs; it waits for the role's policy attachments, since AWS Backup
  checks the role when a job starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from constructs import Construct

from ..._providers import aws
from .context import account_context
from .iam import policy_document, service_trust

BACKUP_POLICIES = ("service-role/AWSBackupServiceRolePolicyForBackup", "service-role/AWSBackupServiceRolePolicyForRestores")
S3_BACKUP_POLICIES = ("AWSBackupServiceRolePolicyForS3Backup", "AWSBackupServiceRolePolicyForS3Restore")


@dataclass(frozen=True)
class BackupRuleProps:
    name: str
    """Rule name (1-50 of letters, digits, ``. _ -``)."""
    schedule: str = "cron(0 5 ? * * *)"
    """AWS Backup cron expression, UTC. Default: daily 05:00 (AWS Backup's own default)."""
    retention_days: int = 35
    """Default: 35."""
    copy_retention_days: int | None = None
    """Retention of the copy in ``copy_region``. Default: ``retention_days``."""


@dataclass(frozen=True)
class VaultLockProps:
    min_retention_days: int
    max_retention_days: int | None = None
    """Default: None (no maximum)."""
    changeable_for_days: int | None = None
    """Default: None (governance mode: the lock can be removed)."""

    def __post_init__(self) -> None:
        if self.min_retention_days < 1:
            raise ValueError("VaultLockProps.min_retention_days must be >= 1 (PutBackupVaultLockConfiguration)")
        if self.changeable_for_days is not None and self.changeable_for_days < 3:
            raise ValueError("VaultLockProps.changeable_for_days must be >= 3 (AWS Backup's 72-hour cooling-off)")


@dataclass(frozen=True)
class BackupProps:
    namespace: str
    kms_key_arn: str
    """Key of the vault (the deployment key)."""
    rules: tuple[BackupRuleProps, ...] = (BackupRuleProps("daily"),)
    """Default: one daily rule kept 35 days."""
    database_cluster_arn: str | None = None
    """The Aurora cluster to back up. Default: None."""
    bucket_arn: str | None = None
    """The (versioned) S3 bucket to back up. Default: None."""
    vault_lock: VaultLockProps | None = None
    """Default: None (no Vault Lock)."""
    copy_region: str | None = None
    """Copy every recovery point to a vault in this region (needs ``copy_provider``). Default: None."""
    copy_provider: Any = None
    """The aws provider (alias) of ``copy_region``. Default: None."""
    start_window_minutes: int = 60
    """At least 60. Default: 60."""
    completion_window_minutes: int = 480
    """Default: 480."""
    force_destroy: bool = False
    """Let ``terraform destroy`` delete the vault's recovery points. Default: False."""
    key_administrator_arn: str | None = None
    """Principal with ``kms:*`` on the copy vault's key. Default: None (the caller running Terraform)."""

    def __post_init__(self) -> None:
        if self.database_cluster_arn is None and self.bucket_arn is None:
            raise ValueError("BackupProps: nothing to back up (database_cluster_arn and bucket_arn are both None)")
        if (self.copy_region is None) != (self.copy_provider is None):
            raise ValueError("BackupProps: copy_region and copy_provider go together")
        if self.start_window_minutes < 60:
            raise ValueError("BackupProps.start_window_minutes must be >= 60 (BackupRuleInput.StartWindowMinutes)")
        if not self.rules:
            raise ValueError("BackupProps.rules must not be empty")


class Backup(Construct):
    def __init__(self, scope: Construct, construct_id: str, props: BackupProps) -> None:
        super().__init__(scope, construct_id)
        self.props = props
        p = props
        ns = p.namespace
        ctx = account_context(self)
        self._vault = aws.backup_vault.BackupVault(self, "vault", name=f"{ns}-backup", kms_key_arn=p.kms_key_arn,
                                                   force_destroy=p.force_destroy, tags={"Name": f"{ns}-backup"})
        if p.vault_lock is not None:
            lock = p.vault_lock
            aws.backup_vault_lock_configuration.BackupVaultLockConfiguration(
                self, "vault-lock", backup_vault_name=self._vault.name, min_retention_days=lock.min_retention_days,
                max_retention_days=lock.max_retention_days, changeable_for_days=lock.changeable_for_days)
        self._copy_vault: aws.backup_vault.BackupVault | None = None
        if p.copy_region is not None:
            root = f"arn:{ctx.partition}:iam::{ctx.account_id}:root"
            copy_key = aws.kms_key.KmsKey(
                self, "copy-key", provider=p.copy_provider, description=f"W&B {ns}: AWS Backup copies ({p.copy_region})",
                key_usage="ENCRYPT_DECRYPT", enable_key_rotation=True, deletion_window_in_days=30,
                policy=policy_document(
                    *ctx.key_administrator_statements(p.key_administrator_arn),
                    {"Sid": "AccountUse", "Effect": "Allow", "Principal": {"AWS": root},
                     "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                                "kms:Describe*", "kms:RevokeGrant"], "Resource": "*"},
                    {"Sid": "AccountServiceGrants", "Effect": "Allow", "Principal": {"AWS": root},
                     "Action": "kms:CreateGrant", "Resource": "*",
                     "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}},
                ),
                tags={"Name": f"{ns}-backup-copy"},
            )
            self._copy_vault = aws.backup_vault.BackupVault(
                self, "copy-vault", provider=p.copy_provider, name=f"{ns}-backup", kms_key_arn=copy_key.arn,
                force_destroy=p.force_destroy, tags={"Name": f"{ns}-backup"})
        bp = aws.backup_plan
        rules = []
        for rule in p.rules:
            copy = []
            if self._copy_vault is not None:
                copy = [bp.BackupPlanRuleCopyAction(
                    destination_vault_arn=self._copy_vault.arn,
                    lifecycle=bp.BackupPlanRuleCopyActionLifecycle(
                        delete_after=rule.copy_retention_days or rule.retention_days))]
            rules.append(bp.BackupPlanRule(
                rule_name=rule.name, target_vault_name=self._vault.name, schedule=rule.schedule,
                start_window=p.start_window_minutes, completion_window=p.completion_window_minutes,
                lifecycle=bp.BackupPlanRuleLifecycle(delete_after=rule.retention_days),
                copy_action=copy or None))
        self._plan = bp.BackupPlan(self, "plan", name=f"{ns}-backup", rule=rules, tags={"Name": f"{ns}-backup"})
        self._role = aws.iam_role.IamRole(self, "role", name_prefix=f"{ns}-backup-",
                                          assume_role_policy=service_trust("backup.amazonaws.com"),
                                          description=f"W&B {ns} AWS Backup of the database and the file bucket")
        policies = BACKUP_POLICIES + (S3_BACKUP_POLICIES if p.bucket_arn is not None else ())
        attachments = [
            aws.iam_role_policy_attachment.IamRolePolicyAttachment(
                self, f"role-{name.rsplit('/', 1)[-1]}", role=self._role.name,
                policy_arn=f"arn:{ctx.partition}:iam::aws:policy/{name}")
            for name in policies
        ]
        resources = [arn for arn in (p.database_cluster_arn, p.bucket_arn) if arn is not None]
        aws.backup_selection.BackupSelection(self, "selection", name=f"{ns}-backup", plan_id=self._plan.id,
                                             iam_role_arn=self._role.arn, resources=resources,
                                             depends_on=attachments)

    @property
    def vault_name(self) -> str:
        return self._vault.name

    @property
    def vault_arn(self) -> str:
        return self._vault.arn

    @property
    def plan_id(self) -> str:
        return self._plan.id

    @property
    def role_arn(self) -> str:
        return self._role.arn

    @property
    def copy_vault_arn(self) -> str | None:
        return self._copy_vault.arn if self._copy_vault is not None else None
