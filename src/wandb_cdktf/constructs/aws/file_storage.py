"""FileStorage: the S3 bucket where W&B keeps run files and artifacts, and its SQS notification queue.

W&B reads the bucket as ``s3://<bucket>`` (``BUCKET``) and, unless the internal
queue is used, object-created events from ``sqs://<queue>`` (``BUCKET_QUEUE``).
Beyond the reference module: versioning on (W&B needs object history), TLS-only
policy, ACLs disabled, the queue encrypted, and incomplete multipart uploads
aborted. Objects never expire: lifecycle rules must not delete W&B history.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from constructs import Construct

from ..._providers import aws
from .bucket_hardening import Encryption, harden_bucket, lifecycle_rule
from .context import account_context
from .iam import Grant, Statement, allow, grant, policy_document

if TYPE_CHECKING:
    from .iam import Role

# Browsers upload and download directly with presigned URLs; terraform-aws-wandb's file_storage module caches
# the preflight answer for 3000 s.
CORS_MAX_AGE_SECONDS = 3000

# aws-cdk-lib aws-s3 perms.ts: KEY_READ_ACTIONS + KEY_WRITE_ACTIONS, what grantReadWrite gives on the bucket key
# (kms:Decrypt is also needed to complete multipart uploads); terraform-aws-wandb v8's node_kms has the same set.
KEY_READ_WRITE_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]


@dataclass(frozen=True)
class FileStorageProps:
    namespace: str
    kms_key_arn: str | None
    """Key for SSE-KMS (bucket key enabled). None with an existing bucket that manages its own encryption."""
    existing_bucket_name: str | None = None
    """Use this bucket; nothing bucket-related is created. Default: None (create)."""
    create_queue: bool = True
    """SQS queue fed by object-created notifications (False = W&B's internal queue). Default: True."""
    deletion_protection: bool = True
    """When True the bucket is never force-destroyed with its objects, and Terraform's ``prevent_destroy`` makes a
    plan that would destroy or replace it fail before anything is changed. Default: True."""
    https_only: bool = True
    """Bucket policy denying requests without TLS. Default: True."""
    abort_incomplete_multipart_days: int = 7
    """Days before incomplete multipart uploads are aborted. Default: 7."""
    path: str = ""
    """Sub-path inside the bucket for W&B files. Default: "" (bucket root)."""


class FileStorage(Construct):
    def __init__(self, scope: Construct, construct_id: str, props: FileStorageProps) -> None:
        super().__init__(scope, construct_id)
        self.props = props
        ctx = account_context(self)
        self._queue: aws.sqs_queue.SqsQueue | None = None
        self._region: str | None = None
        if props.existing_bucket_name:
            self._bucket_name = props.existing_bucket_name
            self._bucket_arn = f"arn:{ctx.partition}:s3:::{props.existing_bucket_name}"
            # W&B's AWS_REGION must be the bucket's (v8 main.tf reads data.aws_s3_bucket.file_storage.region):
            # an existing bucket may live in another region than the deployment.
            existing = aws.data_aws_s3_bucket.DataAwsS3Bucket(self, "existing-bucket", bucket=props.existing_bucket_name)
            self._region = existing.region
            return

        bucket = aws.s3_bucket.S3Bucket(
            self,
            "bucket",
            bucket_prefix=f"{props.namespace}-file-storage-",
            force_destroy=not props.deletion_protection,
            tags={"Name": f"{props.namespace}-file-storage"},
            lifecycle={"prevent_destroy": True} if props.deletion_protection else None,
        )
        self._bucket_name = bucket.bucket
        self._bucket_arn = bucket.arn
        harden_bucket(
            self, bucket,
            encryption=Encryption.kms(props.kms_key_arn) if props.kms_key_arn else Encryption("AES256", bucket_key_enabled=False),
            lifecycle_rules=[lifecycle_rule("abort-incomplete-multipart-uploads",
                                            abort_incomplete_multipart_days=props.abort_incomplete_multipart_days)],
            tls_only=props.https_only,
            cors_max_age_seconds=CORS_MAX_AGE_SECONDS,
        )
        if props.create_queue:
            self._create_queue(props, bucket)

    def _create_queue(self, props: FileStorageProps, bucket: aws.s3_bucket.S3Bucket) -> None:
        queue = aws.sqs_queue.SqsQueue(
            self,
            "queue",
            name_prefix=f"{props.namespace}-file-storage-",
            receive_wait_time_seconds=10,
            # SSE-SQS: encrypted at rest, and S3 can publish without a KMS key-policy grant.
            sqs_managed_sse_enabled=True,
            tags={"Name": f"{props.namespace}-file-storage"},
        )
        policy = aws.sqs_queue_policy.SqsQueuePolicy(
            self,
            "queue-policy",
            queue_url=queue.url,
            policy=policy_document(
                {
                    "Sid": "AllowBucketNotifications",
                    "Effect": "Allow",
                    "Principal": {"Service": "s3.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": queue.arn,
                    "Condition": {"ArnEquals": {"aws:SourceArn": self._bucket_arn}},
                }
            ),
        )
        aws.s3_bucket_notification.S3BucketNotification(
            self,
            "notification",
            bucket=bucket.id,
            queue=[aws.s3_bucket_notification.S3BucketNotificationQueue(queue_arn=queue.arn, events=["s3:ObjectCreated:*"])],
            depends_on=[policy],
        )
        self._queue = queue

    # --- attributes -----------------------------------------------------------------------
    @property
    def bucket_name(self) -> str:
        return self._bucket_name

    @property
    def bucket_arn(self) -> str:
        return self._bucket_arn

    @property
    def bucket_region(self) -> str | None:
        """Region of an existing bucket, read from S3 (``data.aws_s3_bucket``); None for the bucket created here,
        which is in the provider's region."""
        return self._region

    @property
    def bucket_address(self) -> str:
        """What W&B reads as ``BUCKET``: ``s3://<bucket>[/<path>]``."""
        path = self.props.path.strip("/")
        return f"s3://{self._bucket_name}" + (f"/{path}" if path else "")

    @property
    def queue_name(self) -> str | None:
        return self._queue.name if self._queue is not None else None

    @property
    def queue_arn(self) -> str | None:
        return self._queue.arn if self._queue is not None else None

    @property
    def queue_address(self) -> str:
        """What W&B reads as ``BUCKET_QUEUE``: ``sqs://<queue>`` or ``internal://``."""
        return f"sqs://{self._queue.name}" if self._queue is not None else "internal://"

    def read_write_statements(self) -> list[Statement]:
        """IAM statements W&B needs on the bucket (and queue, when there is one).

        The bucket actions are W&B's documented set (BYOB guide, "WAndBAccountAccess" bucket policy:
        ``s3:GetObject*``, ``s3:GetEncryptionConfiguration``, ``s3:GetBucketCORS``, ... which W&B checks
        when it validates a bucket), plus the multipart-upload listing it uses for large files.
        """
        stmts = [
            allow(["s3:ListBucket", "s3:GetBucketLocation", "s3:GetBucketVersioning", "s3:ListBucketVersions",
                   "s3:ListBucketMultipartUploads", "s3:GetBucketCORS", "s3:GetEncryptionConfiguration"],
                  self._bucket_arn, sid="BucketList"),
            allow(["s3:GetObject*", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload",
                   "s3:ListMultipartUploadParts"], f"{self._bucket_arn}/*", sid="BucketObjects"),
        ]
        if self._queue is not None:
            stmts.append(allow(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl",
                                "sqs:ChangeMessageVisibility"], self._queue.arn, sid="Queue"))
        return stmts

    def grant_read_write(self, grantee: Role, construct_id: str = "bucket-access") -> Grant:
        """Give ``grantee`` what W&B needs on this storage (``read_write_statements``) plus use of the
        bucket's KMS key when the bucket is SSE-KMS encrypted (aws-cdk-lib's ``Bucket.grantReadWrite`` rule:
        the key's read and write actions): S3 refuses GetObject/PutObject to a principal that may not use
        the key (S3 user guide, "Using SSE-KMS": kms:Decrypt / kms:GenerateDataKey are required).

        Returns the ``Grant``: its statements and the policy holding them (a new ``aws_iam_role_policy``
        ``<construct_id>`` here, or the grantee's own policy for ``Cluster.node_role``)."""
        statements = list(self.read_write_statements())
        if self.props.kms_key_arn:
            statements.append(allow(KEY_READ_WRITE_ACTIONS, self.props.kms_key_arn, sid="BucketKey"))
        return grant(self, construct_id, grantee, statements, name_prefix=f"{self.props.namespace}-file-storage-")
