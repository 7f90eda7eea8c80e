"""S3 bucket hardening written once: public-access block, ownership, versioning, SSE, lifecycle, TLS-only policy.

Every bucket this package creates (FileStorage, AwsByobBucket, the flow-log bucket of Network, the Launch
build-context bucket, the AuditTrail log bucket) gets the same parts from :func:`harden_bucket`.

These are *functions*, never a nested construct: a construct's id is part of the Terraform address of
everything under it, so a ``SecureBucket`` wrapper would rename (destroy and re-create) live buckets'
settings. The parts are created in the caller's scope under the ids the caller names
(:class:`BucketPartIds`), which are the addresses they always had.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, Literal

from constructs import Construct

from ..._providers import aws
from .iam import Statement, policy_document

# What W&B's browser clients need for presigned-URL uploads and downloads (W&B BYOB guide, CORS
# configuration); the max-age is the caller's (it differs between the W&B docs and terraform-aws-wandb).
CORS_ALLOWED_METHODS = ["GET", "HEAD", "PUT"]
CORS_EXPOSE_HEADERS = ["ETag"]


@dataclass(frozen=True)
class BucketPartIds:
    """Construct ids (Terraform addresses, a public contract) of a bucket's parts in the caller's scope.

    ``None`` leaves that part out. The defaults are the ids FileStorage, AwsByobBucket and AuditTrail use."""

    public_access_block: str = "public-access-block"
    ownership: str | None = "ownership"
    versioning: str = "versioning"
    encryption: str = "encryption"
    cors: str = "cors"
    lifecycle: str = "lifecycle"
    policy: str = "policy"

    @classmethod
    def prefixed(cls, prefix: str) -> BucketPartIds:
        """The default ids, each with ``prefix`` (e.g. ``build-context-``)."""
        base = cls()
        return cls(**{f.name: f"{prefix}{getattr(base, f.name)}" for f in fields(cls)})


@dataclass(frozen=True)
class Encryption:
    """Default encryption of new objects (``aws_s3_bucket_server_side_encryption_configuration``)."""

    algorithm: Literal["aws:kms", "AES256"]
    kms_key_arn: str | None = None
    """With ``aws:kms``: the key; None uses the AWS managed key ``aws/s3``."""
    bucket_key_enabled: bool | None = None
    """S3 Bucket Key (fewer KMS calls). None leaves the argument unset (provider default: false)."""

    @classmethod
    def kms(cls, kms_key_arn: str | None) -> Encryption:
        """SSE-KMS with a bucket key."""
        return cls("aws:kms", kms_key_arn, True)


@dataclass(frozen=True)
class HardenedBucket:
    """What :func:`harden_bucket` created (``policy`` is None without a bucket policy)."""

    public_access_block: aws.s3_bucket_public_access_block.S3BucketPublicAccessBlock
    policy: aws.s3_bucket_policy.S3BucketPolicy | None


def deny_insecure_transport(bucket_arn: str, sid: str = "DenyInsecureTransport") -> Statement:
    """The TLS-only statement: deny every S3 action on the bucket and its objects without TLS
    (S3 user guide, "Security best practices": ``aws:SecureTransport`` false)."""
    return {
        "Sid": sid,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def bucket_policy_document(bucket_arn: str, *statements: Statement, tls_only: bool = True,
                           policy_id: str | None = None) -> str:
    """A bucket policy: ``statements`` then (``tls_only``) :func:`deny_insecure_transport`."""
    stmts = [*statements, deny_insecure_transport(bucket_arn)] if tls_only else list(statements)
    return policy_document(*stmts, policy_id=policy_id)


def lifecycle_rule(rule_id: str, *, prefix: str | None = None, abort_incomplete_multipart_days: int | None = None,
                   noncurrent_days: int | None = None, expiration_days: int | None = None,
                   expired_object_delete_marker: bool | None = None, transition_days: int | None = None,
                   transition_storage_class: str = "GLACIER") -> aws.s3_bucket_lifecycle_configuration.S3BucketLifecycleConfigurationRule:
    """One enabled lifecycle rule over the whole bucket (``prefix`` None: an empty filter)."""
    lc = aws.s3_bucket_lifecycle_configuration
    rule: dict[str, Any] = {"id": rule_id, "status": "Enabled", "filter": [lc.S3BucketLifecycleConfigurationRuleFilter(prefix=prefix)]}
    if transition_days is not None:
        rule["transition"] = [lc.S3BucketLifecycleConfigurationRuleTransition(days=transition_days,
                                                                             storage_class=transition_storage_class)]
    if expiration_days is not None or expired_object_delete_marker is not None:
        rule["expiration"] = [lc.S3BucketLifecycleConfigurationRuleExpiration(
            days=expiration_days, expired_object_delete_marker=expired_object_delete_marker)]
    if noncurrent_days is not None:
        rule["noncurrent_version_expiration"] = [
            lc.S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(noncurrent_days=noncurrent_days)]
    if abort_incomplete_multipart_days is not None:
        rule["abort_incomplete_multipart_upload"] = [lc.S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(
            days_after_initiation=abort_incomplete_multipart_days)]
    return lc.S3BucketLifecycleConfigurationRule(**rule)


def harden_bucket(scope: Construct, bucket: aws.s3_bucket.S3Bucket, *, encryption: Encryption,
                  lifecycle_rules: Sequence[aws.s3_bucket_lifecycle_configuration.S3BucketLifecycleConfigurationRule],
                  ids: BucketPartIds = BucketPartIds(), policy_statements: Sequence[Statement] = (),
                  tls_only: bool = True, bucket_arn: str | None = None, policy_id: str | None = None,
                  cors_max_age_seconds: int | None = None,
                  transition_minimum_object_size: str | None = None) -> HardenedBucket:
    """Create ``bucket``'s hardening parts in ``scope`` under ``ids``.

    - all four public-access blocks;
    - ownership ``BucketOwnerEnforced`` (ACLs disabled), unless ``ids.ownership`` is None;
    - versioning enabled;
    - default encryption ``encryption``;
    - with ``cors_max_age_seconds``: the CORS rule W&B's browser clients need (any origin and header; ``CORS_ALLOWED_METHODS``);
    - ``lifecycle_rules`` (callers choose: W&B history never expires, logs and build contexts do), with
      ``transition_minimum_object_size`` (``varies_by_storage_class``) when small objects must transition too:
      S3's default, ``all_storage_classes_128K``, transitions no object under 128 KB (S3 API
      PutBucketLifecycleConfiguration, ``x-amz-transition-default-minimum-object-size``);
    - a bucket policy of ``policy_statements`` plus the TLS-only deny (``tls_only``), when there is
      anything to put in it. It depends on the public-access block, as in terraform-aws-modules/s3-bucket:
      S3 refuses concurrent changes of one bucket's access settings ("OperationAborted: A conflicting
      conditional operation is currently in progress").

    ``bucket_arn`` (default ``bucket.arn``) is the ARN the policy names, e.g. one built from the bucket name
    so that the policy does not wait for the bucket's attributes.
    """
    bid = bucket.id
    pab = aws.s3_bucket_public_access_block.S3BucketPublicAccessBlock(
        scope, ids.public_access_block, bucket=bid,
        block_public_acls=True, block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True,
    )
    if ids.ownership is not None:
        oc = aws.s3_bucket_ownership_controls
        oc.S3BucketOwnershipControls(scope, ids.ownership, bucket=bid,
                                     rule=oc.S3BucketOwnershipControlsRule(object_ownership="BucketOwnerEnforced"))
    ver = aws.s3_bucket_versioning
    ver.S3BucketVersioningA(scope, ids.versioning, bucket=bid,
                            versioning_configuration=ver.S3BucketVersioningVersioningConfiguration(status="Enabled"))
    sse = aws.s3_bucket_server_side_encryption_configuration
    sse.S3BucketServerSideEncryptionConfigurationA(
        scope, ids.encryption, bucket=bid,
        rule=[sse.S3BucketServerSideEncryptionConfigurationRuleA(
            apply_server_side_encryption_by_default=sse.S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
                sse_algorithm=encryption.algorithm, kms_master_key_id=encryption.kms_key_arn),
            bucket_key_enabled=encryption.bucket_key_enabled,
        )],
    )
    if cors_max_age_seconds is not None:
        cors = aws.s3_bucket_cors_configuration
        cors.S3BucketCorsConfiguration(scope, ids.cors, bucket=bid, cors_rule=[
            cors.S3BucketCorsConfigurationCorsRule(
                allowed_headers=["*"], allowed_methods=CORS_ALLOWED_METHODS, allowed_origins=["*"],
                expose_headers=CORS_EXPOSE_HEADERS, max_age_seconds=cors_max_age_seconds)])
    aws.s3_bucket_lifecycle_configuration.S3BucketLifecycleConfiguration(
        scope, ids.lifecycle, bucket=bid, rule=list(lifecycle_rules),
        transition_default_minimum_object_size=transition_minimum_object_size)
    policy = None
    if policy_statements or tls_only:
        arn = bucket_arn or bucket.arn
        policy = aws.s3_bucket_policy.S3BucketPolicy(
            scope, ids.policy, bucket=bid, depends_on=[pab],
            policy=bucket_policy_document(arn, *policy_statements, tls_only=tls_only, policy_id=policy_id),
        )
    return HardenedBucket(pab, policy)
