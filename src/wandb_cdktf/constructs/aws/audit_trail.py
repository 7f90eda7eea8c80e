"""AuditTrail: CloudTrail S3 data events of the W&B file bucket, into a log bucket of their own.

v8 ships this as the standalone ``modules/cloudtrail`` (same trail name, bucket name and
lifecycle variables). Differences, each for a documented reason:

- the data-event selector names the W&B file bucket (``arn:<partition>:s3:::<bucket>/``); v8's
  names the log bucket itself, so it records CloudTrail's own deliveries and not W&B's files;
- the log bucket policy is AWS's ("Amazon S3 bucket policy for CloudTrail", CloudTrail User
  Guide): ``s3:GetBucketAcl`` and ``s3:PutObject`` under ``AWSLogs/<account>/`` for
  ``cloudtrail.amazonaws.com``, each limited by ``aws:SourceArn`` to this trail (confused-deputy
  protection); v8 also grants ``s3:PutBucketAcl`` and has no ``aws:SourceArn``;
- log files are SSE-KMS with a key of their own whose policy admits CloudTrail only for this
  trail ("Configure AWS KMS key policies for CloudTrail"), so the deployment key's policy, or a
  key you bring, needs no CloudTrail grant; the bucket is versioned, blocks public access and
  enforces bucket-owner ownership (v8: none of these).
"""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from ..._providers import aws
from .bucket_hardening import BucketPartIds, Encryption, harden_bucket, lifecycle_rule
from .context import account_context
from .iam import policy_document


@dataclass(frozen=True)
class AuditTrailProps:
    namespace: str
    watched_bucket_name: str
    """The bucket whose object-level (data) events are recorded: W&B's file bucket."""
    log_bucket_name: str
    """Exact name of the log bucket created here (v8: ``<namespace>-<cloudtrail_bucket_name>``)."""
    administrator_arn: str | None = None
    """Principal with ``kms:*`` on the log key. Default: None (the caller running Terraform)."""
    multi_region_trail: bool = True
    """Default: True (v8)."""
    include_global_service_events: bool = True
    """Default: True (v8). CloudTrail refuses a multi-region trail without them."""
    enable_log_file_validation: bool = True
    """Default: True (v8)."""
    include_management_events: bool = True
    """Also record the account's management events, as v8's trail does. Default: True."""
    transition_days: int = 90
    """Days until log files move to S3 Glacier Flexible Retrieval. Default: 90 (v8)."""
    expiration_days: int = 730
    """Days until log files are deleted; must exceed ``transition_days`` (S3 refuses otherwise). Default: 730 (v8)."""
    force_destroy: bool = False
    """Let ``terraform destroy`` empty the log bucket. Default: False."""
    key_deletion_window_in_days: int = 30
    """Default: 30."""

    def __post_init__(self) -> None:
        if self.multi_region_trail and not self.include_global_service_events:
            raise ValueError("AuditTrailProps: a multi-region trail must include global service events (CloudTrail)")
        if not 0 <= self.transition_days < self.expiration_days:
            raise ValueError("AuditTrailProps: expiration_days must exceed transition_days (S3 lifecycle rules)")


class AuditTrail(Construct):
    def __init__(self, scope: Construct, construct_id: str, props: AuditTrailProps) -> None:
        super().__init__(scope, construct_id)
        self.props = props
        ctx = account_context(self)
        p = props
        self._trail_name = f"{p.namespace}-s3-events-cloudtrail"  # v8 modules/cloudtrail
        # Built from the name: the bucket and key policies must exist before the trail (no reference cycle).
        trail_arn = f"arn:{ctx.partition}:cloudtrail:{ctx.region}:{ctx.account_id}:trail/{self._trail_name}"
        root = f"arn:{ctx.partition}:iam::{ctx.account_id}:root"
        source = {"StringEquals": {"aws:SourceArn": trail_arn}}

        self._key = aws.kms_key.KmsKey(
            self, "key", description=f"W&B {p.namespace}: CloudTrail S3 data-event logs",
            key_usage="ENCRYPT_DECRYPT", enable_key_rotation=True,
            deletion_window_in_days=p.key_deletion_window_in_days,
            policy=policy_document(
                *ctx.key_administrator_statements(p.administrator_arn),
                # Readers of the logs: any principal of the account that IAM allows kms:Decrypt.
                {"Sid": "AccountRead", "Effect": "Allow", "Principal": {"AWS": root},
                 "Action": ["kms:Decrypt", "kms:DescribeKey", "kms:ReEncryptFrom"], "Resource": "*"},
                {"Sid": "CloudTrailEncrypt", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                 "Action": "kms:GenerateDataKey*", "Resource": "*",
                 "Condition": {**source, "StringLike": {
                     "kms:EncryptionContext:aws:cloudtrail:arn": f"arn:{ctx.partition}:cloudtrail:*:{ctx.account_id}:trail/*"}}},
                {"Sid": "CloudTrailDescribe", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                 "Action": "kms:DescribeKey", "Resource": "*", "Condition": source},
            ),
            tags={"Name": f"{p.namespace}-cloudtrail"},
        )

        bucket = aws.s3_bucket.S3Bucket(
            self, "bucket", bucket=p.log_bucket_name, force_destroy=p.force_destroy,
            tags={"Name": f"{p.namespace}-cloudtrail-logs"},
        )
        self._bucket = bucket
        bucket_arn = f"arn:{ctx.partition}:s3:::{p.log_bucket_name}"
        hardened = harden_bucket(
            self, bucket, ids=BucketPartIds(encryption="sse"), bucket_arn=bucket_arn,
            encryption=Encryption.kms(self._key.arn),
            lifecycle_rules=[lifecycle_rule(
                "TransitionToGlacier",  # v8's rule id
                transition_days=p.transition_days, transition_storage_class="GLACIER", expiration_days=p.expiration_days,
                noncurrent_days=30, abort_incomplete_multipart_days=7)],
            # CloudTrail delivers log files of a few KB: under S3's default (all_storage_classes_128K) none of
            # them would ever reach Glacier (S3 API TransitionDefaultMinimumObjectSize).
            transition_minimum_object_size="varies_by_storage_class",
            policy_statements=[
                {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                 "Action": "s3:GetBucketAcl", "Resource": bucket_arn, "Condition": source},
                {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                 "Action": "s3:PutObject", "Resource": f"{bucket_arn}/AWSLogs/{ctx.account_id}/*",
                 "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                                                "aws:SourceArn": trail_arn}}},
            ],
        )
        assert hardened.policy is not None  # the CloudTrail statements are always there
        self._trail = aws.cloudtrail.Cloudtrail(
            self, "trail", name=self._trail_name, s3_bucket_name=bucket.id, kms_key_id=self._key.arn,
            include_global_service_events=p.include_global_service_events,
            is_multi_region_trail=p.multi_region_trail, enable_log_file_validation=p.enable_log_file_validation,
            event_selector=[aws.cloudtrail.CloudtrailEventSelector(
                read_write_type="All", include_management_events=p.include_management_events,
                data_resource=[aws.cloudtrail.CloudtrailEventSelectorDataResource(
                    type="AWS::S3::Object", values=[f"arn:{ctx.partition}:s3:::{p.watched_bucket_name}/"])],
            )],
            tags={"Name": f"{p.namespace}-cloudtrail"},
            depends_on=[hardened.policy],
        )

    @property
    def trail_arn(self) -> str:
        return self._trail.arn

    @property
    def trail_name(self) -> str:
        return self._trail_name

    @property
    def log_bucket_name(self) -> str:
        return self._bucket.bucket

    @property
    def key_arn(self) -> str:
        return self._key.arn
