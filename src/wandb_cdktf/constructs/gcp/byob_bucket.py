"""GcpByobBucket: a GCS bucket that a W&B instance uses as bring-your-own bucket.

W&B requirement served: BYOB on GCP (SaaS Cloud team level, Dedicated Cloud and
self-managed instance or team level). Per the W&B BYOB docs the bucket needs soft
delete (W&B refuses a bucket with "Bucket does not have soft deletion enabled"),
object versioning, Google-managed encryption, and the documented CORS policy; the
W&B service account gets ``roles/storage.admin`` on the bucket.

GCS has one CORS header list (``responseHeader``, sent as
Access-Control-Expose-Headers), so the docs' ``Content-Type`` and exposed ``ETag``
both go there. Secure defaults: uniform bucket-level access (no object ACLs),
public access prevention enforced, no force-destroy. An optional CMEK key is
supported; the project's GCS service agent is then granted Encrypter/Decrypter on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from constructs import Construct

from ..._providers import google

SECONDS_PER_DAY = 86400
MIN_SOFT_DELETE_DAYS = 7
CORS_RULE: dict[str, Any] = {
    "origin": ["*"],
    "method": ["GET", "HEAD", "PUT"],
    "response_header": ["Content-Type", "ETag"],
    "max_age_seconds": 3600,
}
WANDB_ROLE = "roles/storage.admin"


@dataclass(frozen=True)
class GcpByobBucketProps:
    bucket_name: str
    """Globally unique bucket name."""
    wandb_service_account: str
    """Email of the service account W&B uses (granted roles/storage.admin on the bucket)."""
    project: str | None = None
    """Project of the bucket. Default: None (the provider's project)."""
    location: str = "US"
    """Multi-region, dual-region or region. Default: "US"."""
    soft_delete_retention_days: int = 7
    """Soft-delete retention, 7..90 days (W&B requires soft delete). Default: 7."""
    kms_key_name: str | None = None
    """CMEK key name. Default: None (Google-managed encryption, as the docs ask)."""
    deletion_protection: bool = True
    """When True the bucket is never force-destroyed with its objects. Default: True."""
    labels: dict[str, str] = field(default_factory=dict)
    """Bucket labels. Default: {}."""
    path: str = ""
    """Sub-path in the bucket for W&B files (team form's optional path). Default: "" (bucket root)."""


class GcpByobBucket(Construct):
    def __init__(self, scope: Construct, construct_id: str, props: GcpByobBucketProps) -> None:
        super().__init__(scope, construct_id)
        if not MIN_SOFT_DELETE_DAYS <= props.soft_delete_retention_days <= 90:
            raise ValueError(f"soft_delete_retention_days must be 7..90 (W&B requires soft delete), got {props.soft_delete_retention_days}")
        self.props = props
        grant: Any = None
        encryption: dict[str, Any] | None = None
        if props.kms_key_name:
            agent = google.data_google_storage_project_service_account.DataGoogleStorageProjectServiceAccount(
                self, "gcs-agent", project=props.project
            )
            grant = google.kms_crypto_key_iam_member.KmsCryptoKeyIamMember(
                self, "cmek-grant", crypto_key_id=props.kms_key_name,
                role="roles/cloudkms.cryptoKeyEncrypterDecrypter", member=f"serviceAccount:{agent.email_address}",
            )
            encryption = {"default_kms_key_name": props.kms_key_name}
        kwargs: dict[str, Any] = {}
        if props.project:
            kwargs["project"] = props.project
        if encryption:
            kwargs["encryption"] = encryption
        if grant is not None:
            kwargs["depends_on"] = [grant]
        self._bucket = google.storage_bucket.StorageBucket(
            self,
            "bucket",
            name=props.bucket_name,
            location=props.location,
            force_destroy=not props.deletion_protection,
            uniform_bucket_level_access=True,
            public_access_prevention="enforced",
            versioning={"enabled": True},
            soft_delete_policy={"retention_duration_seconds": props.soft_delete_retention_days * SECONDS_PER_DAY},
            cors=[google.storage_bucket.StorageBucketCors(**CORS_RULE)],
            labels=dict(props.labels),
            **kwargs,
        )
        self._member = google.storage_bucket_iam_member.StorageBucketIamMember(
            self, "wandb-access", bucket=self._bucket.name, role=WANDB_ROLE,
            member=f"serviceAccount:{props.wandb_service_account}",
        )

    @property
    def bucket_name(self) -> str:
        return self._bucket.name

    @property
    def bucket_url(self) -> str:
        return self._bucket.url

    @property
    def path(self) -> str:
        return self.props.path.strip("/")

    @property
    def bucket_address(self) -> str:
        """``gs://<bucket>[/<path>]`` (W&B's ``BUCKET`` for an instance-level bucket)."""
        return f"gs://{self.bucket_name}" + (f"/{self.path}" if self.path else "")
