"""ByobBucket: an S3 bucket (and KMS key) that a W&B instance uses as bring-your-own bucket.

W&B requirement served: BYOB on AWS (SaaS Cloud team level, Dedicated Cloud and
self-managed instance or team level). Per the W&B BYOB docs:

- a KMS key, usage ``ENCRYPT_DECRYPT``, whose policy has an "Internal" statement
  (``kms:*`` for the bucket owner's account root) and an "External" statement giving
  the W&B principal exactly ``kms:Decrypt, kms:Describe*, kms:Encrypt, kms:ReEncrypt*,
  kms:GenerateDataKey*``; rotation is on (beyond the docs);
- the bucket with versioning, SSE-KMS with that key, the documented CORS rule (W&B
  clients use presigned URLs from browsers), and a bucket policy whose
  "WAndBAccountAccess" statement grants the W&B principal the eleven documented
  actions on the bucket and its objects.

Secure defaults beyond the docs: all four public-access blocks, ACLs disabled
(BucketOwnerEnforced), a deny of any request without TLS, no force-destroy, and a
lifecycle rule that only aborts incomplete multipart uploads (after 7 days). Objects
and noncurrent versions never expire: a BYOB bucket holds W&B run history.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from constructs import Construct

from ..._providers import aws

KMS_EXTERNAL_ACTIONS: tuple[str, ...] = (
    "kms:Decrypt",
    "kms:Describe*",
    "kms:Encrypt",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
)
BUCKET_ACTIONS: tuple[str, ...] = (
    "s3:GetObject*",
    "s3:GetEncryptionConfiguration",
    "s3:ListBucket",
    "s3:ListBucketMultipartUploads",
    "s3:ListBucketVersions",
    "s3:AbortMultipartUpload",
    "s3:DeleteObject",
    "s3:PutObject",
    "s3:GetBucketCORS",
    "s3:GetBucketLocation",
    "s3:GetBucketVersioning",
)
CORS_RULE: dict[str, Any] = {
    "allowed_headers": ["*"],
    "allowed_methods": ["GET", "HEAD", "PUT"],
    "allowed_origins": ["*"],
    "expose_headers": ["ETag"],
    "max_age_seconds": 3600,
}


@dataclass(frozen=True)
class ByobBucketProps:
    namespace: str
    """Prefix of the generated bucket name and the key description."""
    wandb_principal_arn: str
    """IAM principal W&B uses (SaaS role, Dedicated account root, or your instance's role)."""
    bucket_name: str | None = None
    """Exact bucket name. Default: None (generated from ``<namespace>-byob-``)."""
    kms_key_arn: str | None = None
    """Existing key to encrypt with; its policy must already grant the W&B principal. Default: None (create one)."""
    kms_key_deletion_window: int = 30
    """Days before a deleted created key is destroyed (7..30). Default: 30."""
    deletion_protection: bool = True
    """When True the bucket is never force-destroyed with its objects. Default: True."""
    path: str = ""
    """Sub-path in the bucket for W&B files (team form's optional path). Default: "" (bucket root)."""
    abort_incomplete_multipart_days: int = 7
    """Days before incomplete multipart uploads are aborted (the lifecycle rule never expires objects or versions).
    Default: 7."""


class ByobBucket(Construct):
    def __init__(self, scope: Construct, construct_id: str, props: ByobBucketProps) -> None:
        super().__init__(scope, construct_id)
        if props.abort_incomplete_multipart_days < 1:
            raise ValueError(f"abort_incomplete_multipart_days must be at least 1, got {props.abort_incomplete_multipart_days}")
        self.props = props
        identity = aws.data_aws_caller_identity.DataAwsCallerIdentity(self, "caller")
        partition = aws.data_aws_partition.DataAwsPartition(self, "partition")
        # The bucket owner's account root, never the caller's (possibly temporary) session ARN.
        self._account_root = f"arn:{partition.partition}:iam::{identity.account_id}:root"

        self._key: Any = None
        if props.kms_key_arn:
            self._key_arn = props.kms_key_arn
        else:
            key = aws.kms_key.KmsKey(
                self,
                "key",
                description=f"{props.namespace}: W&B bring-your-own-bucket encryption",
                key_usage="ENCRYPT_DECRYPT",
                customer_master_key_spec="SYMMETRIC_DEFAULT",
                enable_key_rotation=True,
                deletion_window_in_days=props.kms_key_deletion_window,
            )
            # A separate policy resource, so the policy can name the key's own ARN as the docs do.
            aws.kms_key_policy.KmsKeyPolicy(self, "key-policy", key_id=key.key_id, policy=self.key_policy(key.arn))
            self._key = key
            self._key_arn = key.arn

        kwargs: dict[str, Any] = {"bucket": props.bucket_name} if props.bucket_name else {"bucket_prefix": f"{props.namespace}-byob-"}
        bucket = aws.s3_bucket.S3Bucket(
            self, "bucket", force_destroy=not props.deletion_protection, tags={"Name": f"{props.namespace}-byob"}, **kwargs
        )
        self._bucket = bucket
        pab = aws.s3_bucket_public_access_block.S3BucketPublicAccessBlock(
            self, "public-access-block", bucket=bucket.id,
            block_public_acls=True, block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True,
        )
        aws.s3_bucket_ownership_controls.S3BucketOwnershipControls(
            self, "ownership", bucket=bucket.id, rule={"object_ownership": "BucketOwnerEnforced"}
        )
        aws.s3_bucket_versioning.S3BucketVersioningA(
            self, "versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"}
        )
        aws.s3_bucket_server_side_encryption_configuration.S3BucketServerSideEncryptionConfigurationA(
            self, "encryption", bucket=bucket.id,
            rule=[aws.s3_bucket_server_side_encryption_configuration.S3BucketServerSideEncryptionConfigurationRuleA(
                apply_server_side_encryption_by_default={"sse_algorithm": "aws:kms", "kms_master_key_id": self._key_arn},
                bucket_key_enabled=True,
            )],
        )
        aws.s3_bucket_cors_configuration.S3BucketCorsConfiguration(self, "cors", bucket=bucket.id, cors_rule=[
            aws.s3_bucket_cors_configuration.S3BucketCorsConfigurationCorsRule(**CORS_RULE)
        ])
        lc = aws.s3_bucket_lifecycle_configuration
        lc.S3BucketLifecycleConfiguration(
            self, "lifecycle", bucket=bucket.id,
            rule=[lc.S3BucketLifecycleConfigurationRule(
                id="abort-incomplete-multipart-uploads",
                status="Enabled",
                filter=[lc.S3BucketLifecycleConfigurationRuleFilter()],
                abort_incomplete_multipart_upload=[lc.S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(
                    days_after_initiation=props.abort_incomplete_multipart_days)],
            )],
        )
        aws.s3_bucket_policy.S3BucketPolicy(
            self, "policy", bucket=bucket.id, policy=self.bucket_policy(bucket.arn), depends_on=[pab]
        )

    # --- policies -------------------------------------------------------------------------
    def key_policy(self, key_arn: str) -> str:
        return json.dumps({
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "Internal",
                    "Effect": "Allow",
                    "Principal": {"AWS": self._account_root},
                    "Action": "kms:*",
                    "Resource": key_arn,
                },
                {
                    "Sid": "External",
                    "Effect": "Allow",
                    "Principal": {"AWS": self.props.wandb_principal_arn},
                    "Action": list(KMS_EXTERNAL_ACTIONS),
                    "Resource": key_arn,
                },
            ],
        })

    def bucket_policy(self, bucket_arn: str) -> str:
        resources = [bucket_arn, f"{bucket_arn}/*"]
        return json.dumps({
            "Version": "2012-10-17",
            "Id": "WandBAccess",
            "Statement": [
                {
                    "Sid": "WAndBAccountAccess",
                    "Effect": "Allow",
                    "Principal": {"AWS": self.props.wandb_principal_arn},
                    "Action": list(BUCKET_ACTIONS),
                    "Resource": resources,
                },
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": resources,
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
            ],
        })

    # --- attributes -----------------------------------------------------------------------
    @property
    def bucket_name(self) -> str:
        return self._bucket.bucket

    @property
    def bucket_arn(self) -> str:
        return self._bucket.arn

    @property
    def key_arn(self) -> str:
        return self._key_arn

    @property
    def key_created(self) -> bool:
        return self._key is not None

    @property
    def path(self) -> str:
        return self.props.path.strip("/")

    @property
    def bucket_address(self) -> str:
        """``s3://<bucket>[/<path>]`` (W&B's ``BUCKET`` for an instance-level bucket)."""
        return f"s3://{self.bucket_name}" + (f"/{self.path}" if self.path else "")
