"""AwsByobBucket: an S3 bucket (and KMS key) that a W&B instance uses as bring-your-own bucket.

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

from dataclasses import dataclass
from typing import Any

from constructs import Construct

from ..._providers import aws
from .bucket_hardening import Encryption, bucket_policy_document, harden_bucket, lifecycle_rule
from .context import account_context
from .iam import Statement, policy_document

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
# The W&B BYOB guide's CORS configuration caches the preflight answer for 3600 s.
CORS_MAX_AGE_SECONDS = 3600


@dataclass(frozen=True)
class AwsByobBucketProps:
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


class AwsByobBucket(Construct):
    def __init__(self, scope: Construct, construct_id: str, props: AwsByobBucketProps) -> None:
        super().__init__(scope, construct_id)
        if props.abort_incomplete_multipart_days < 1:
            raise ValueError(f"abort_incomplete_multipart_days must be at least 1, got {props.abort_incomplete_multipart_days}")
        self.props = props
        ctx = account_context(self)
        # The bucket owner's account root, never the caller's (possibly temporary) session ARN.
        self._account_root = f"arn:{ctx.partition}:iam::{ctx.account_id}:root"

        self._key: aws.kms_key.KmsKey | None = None
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
        harden_bucket(
            self, bucket,
            encryption=Encryption.kms(self._key_arn),
            lifecycle_rules=[lifecycle_rule("abort-incomplete-multipart-uploads",
                                            abort_incomplete_multipart_days=props.abort_incomplete_multipart_days)],
            policy_statements=[self._wandb_access(bucket.arn)], policy_id="WandBAccess",
            cors_max_age_seconds=CORS_MAX_AGE_SECONDS,
        )

    # --- policies -------------------------------------------------------------------------
    def key_policy(self, key_arn: str) -> str:
        return policy_document(
            {"Sid": "Internal", "Effect": "Allow", "Principal": {"AWS": self._account_root}, "Action": "kms:*",
             "Resource": key_arn},
            {"Sid": "External", "Effect": "Allow", "Principal": {"AWS": self.props.wandb_principal_arn},
             "Action": list(KMS_EXTERNAL_ACTIONS), "Resource": key_arn},
        )

    def _wandb_access(self, bucket_arn: str) -> Statement:
        """The BYOB guide's "WAndBAccountAccess" statement: the documented actions on the bucket and its objects."""
        return {
            "Sid": "WAndBAccountAccess",
            "Effect": "Allow",
            "Principal": {"AWS": self.props.wandb_principal_arn},
            "Action": list(BUCKET_ACTIONS),
            "Resource": [bucket_arn, f"{bucket_arn}/*"],
        }

    def bucket_policy(self, bucket_arn: str) -> str:
        """The bucket policy: W&B's access plus the TLS-only deny."""
        return bucket_policy_document(bucket_arn, self._wandb_access(bucket_arn), policy_id="WandBAccess")

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
