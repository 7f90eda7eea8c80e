"""Key: the customer-managed KMS key that encrypts W&B's bucket, database, Redis, EKS secrets and disks.

Policy as in terraform-aws-wandb v8 (administrator ``kms:*``, account use, and the
EC2 Auto Scaling service-linked role so EKS nodes can boot from KMS-encrypted EBS
volumes), plus one statement for CloudWatch Logs so the EKS control-plane log group
can be encrypted too. Unlike the reference, yearly rotation is on by default, and two
v8 bugs are fixed:

- v8 names ``AWSServiceRoleForAutoScaling`` as a principal. That role exists only
  after the account's first Auto Scaling group, and KMS refuses a policy naming a
  principal that does not exist (``MalformedPolicyDocumentException``, "Policy
  contains a statement with one or more invalid principals"), so a fresh account
  cannot create the key. We grant the same actions to ``"AWS": "*"`` restricted to
  that role by ``aws:PrincipalArn`` (conditions are not resolved at policy time),
  to this account by ``kms:CallerAccount`` and to EC2 by ``kms:ViaService``: the
  pattern of AWS's own managed-key policies (e.g. ``aws/ebs``).
- v8's account statement lacks ``kms:CreateGrant``, so a Terraform caller who is not
  the key administrator cannot create Aurora, ElastiCache, EKS-secret, EFS or Secrets
  Manager resources with the key (those services create grants: v8 PR #305). We allow
  it to the account, only for grants to AWS services (``kms:GrantIsForAWSResource``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from constructs import Construct

from ..._providers import aws
from .context import account_context
from .iam import policy_document
from .removal import keep_when_removed


@dataclass(frozen=True)
class KeyProps:
    namespace: str
    existing_key_arn: str | None = None
    """Use this key instead of creating one; nothing is created. Default: None (create)."""
    alias: str | None = None
    """Alias of the created key. Default: ``alias/<namespace>-kms-alias``."""
    deletion_window_in_days: int = 7
    """7..30. Default: 7 (v8)."""
    enable_rotation: bool = True
    """Yearly automatic rotation. Default: True (v8 has none)."""
    administrator_arn: str | None = None
    """Principal given ``kms:*``. Default: the IAM role/user that ran the first apply (``AccountContext.admin_arn``,
    recorded, so another principal's plan leaves the policy alone)."""
    policy: str | None = None
    """A complete JSON policy replacing ours. Default: None (the policy above)."""
    deletion_protection: bool = True
    """Terraform's ``prevent_destroy`` on the created key: a destroy, or a change that would delete or replace the
    key (e.g. switching to ``existing_key_arn``), fails at plan time. The key encrypts the bucket's objects (through
    their bucket keys), the database, Redis, EFS, EBS and secrets: once KMS has deleted it (7-30 days after), none of
    that can be decrypted. With ``existing_key_arn``, a key this construct created before is kept in AWS and forgotten
    by Terraform instead of destroyed (a ``removed`` block: ``prevent_destroy`` does not cover a resource taken out of
    the configuration). Default: True (as the database and the bucket with ``deletion_protection``)."""

    cloudwatch_alarm_prefix: str | None = None
    """Admit CloudWatch alarms named ``<prefix>*`` of this account (``kms:Decrypt``, ``kms:GenerateDataKey*``), so
    they can notify an SNS topic encrypted with the key (``Alarms``; SNS Developer Guide, "Enable compatibility
    between event sources from AWS services and encrypted topics"). Ignored with ``policy``. Default: None (no
    statement)."""

    def __post_init__(self) -> None:
        if not 7 <= self.deletion_window_in_days <= 30:
            raise ValueError(f"KeyProps.deletion_window_in_days must be 7..30, got {self.deletion_window_in_days}")


class Key(Construct):
    def __init__(self, scope: Construct, construct_id: str, props: KeyProps) -> None:
        super().__init__(scope, construct_id)
        self.props = props
        if props.existing_key_arn:
            self._arn = props.existing_key_arn
            self._key = None
            if props.deletion_protection:
                # A key created here before the switch to an existing key stays in AWS (Terraform forgets it): it
                # still encrypts what was written before (bucket keys, snapshots) (removal.py).
                keep_when_removed(self, (("aws_kms_key", ("key",)), ("aws_kms_alias", ("alias",))))
            return
        ctx = account_context(self)
        root = f"arn:{ctx.partition}:iam::{ctx.account_id}:root"
        autoscaling = (
            f"arn:{ctx.partition}:iam::{ctx.account_id}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
        )
        policy = props.policy or policy_document(
            *ctx.key_administrator_statements(props.administrator_arn),
            {
                "Sid": "AccountUse",
                "Effect": "Allow",
                "Principal": {"AWS": root},
                "Action": [
                    "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                    "kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant",
                ],
                "Resource": "*",
            },
            {
                "Sid": "AccountServiceGrants",
                "Effect": "Allow",
                "Principal": {"AWS": root},
                "Action": "kms:CreateGrant",
                "Resource": "*",
                "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
            },
            {
                "Sid": "AutoScalingEbs",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:Describe*"],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"kms:CallerAccount": ctx.account_id},
                    "StringLike": {"kms:ViaService": f"ec2.*.{ctx.dns_suffix}"},
                    "ArnEquals": {"aws:PrincipalArn": autoscaling},
                },
            },
            {
                "Sid": "CloudWatchLogs",
                "Effect": "Allow",
                "Principal": {"Service": f"logs.{ctx.region}.{ctx.dns_suffix}"},
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                "Resource": "*",
                "Condition": {
                    "ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:{ctx.partition}:logs:{ctx.region}:{ctx.account_id}:log-group:*"}
                },
            },
        )
        if props.policy is None and props.cloudwatch_alarm_prefix is not None:
            doc = json.loads(policy)
            doc["Statement"].append({
                "Sid": "CloudWatchAlarms",
                "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": ctx.account_id},
                    "ArnLike": {"aws:SourceArn": f"arn:{ctx.partition}:cloudwatch:{ctx.region}:{ctx.account_id}:alarm:"
                                                 f"{props.cloudwatch_alarm_prefix}*"},
                },
            })
            policy = json.dumps(doc)
        self._key = aws.kms_key.KmsKey(
            self,
            "key",
            description=f"W&B {props.namespace}: bucket, database, Redis, EKS secrets and volumes",
            key_usage="ENCRYPT_DECRYPT",
            deletion_window_in_days=props.deletion_window_in_days,
            enable_key_rotation=props.enable_rotation,
            policy=policy,
            tags={"Name": f"{props.namespace}-kms"},
            lifecycle={"prevent_destroy": True} if props.deletion_protection else None,
        )
        self._alias = aws.kms_alias.KmsAlias(
            self, "alias", name=props.alias or f"alias/{props.namespace}-kms-alias", target_key_id=self._key.key_id
        )
        self._arn = self._key.arn

    @property
    def key_arn(self) -> str:
        return self._arn

    @property
    def created(self) -> bool:
        return self._key is not None
