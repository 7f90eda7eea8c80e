"""``<namespace>-byob-gcp``: a W&B bring-your-own GCS bucket (Google provider only)."""

from __future__ import annotations

from cdktf import TerraformOutput
from constructs import Construct

from ..config import WandbConfig
from ..constructs.gcp.byob_bucket import GcsByobBucket, GcsByobBucketProps
from ..storage.connection_strings import validate_gcs_bucket_name
from .base import WandbStack


def default_gcs_bucket_name(namespace: str, project: str) -> str:
    """``<namespace>-byob-<project>``, cut to 63 characters."""
    return validate_gcs_bucket_name(f"{namespace}-byob-{project}"[:63].rstrip("-_."))


class ByobGcpStack(WandbStack):
    def __init__(self, scope: Construct, stack_id: str, *, config: WandbConfig) -> None:
        super().__init__(scope, stack_id, config=config)
        from .._providers import google

        byob = config.byob
        assert byob is not None and byob.gcp is not None
        c = byob.gcp
        provider_kwargs = {"project": c.project}
        if "-" in c.location:  # a region (us-central1), not a multi/dual-region (US, EU, NAM4)
            provider_kwargs["region"] = c.location.lower()
        google.provider.GoogleProvider(self, "google", default_labels={"managed_by": "wandb-cdktf"}, **provider_kwargs)
        self.level = byob.level_for("gcp")
        self.bucket = GcsByobBucket(self, "byob-bucket", GcsByobBucketProps(
            bucket_name=c.bucket_name or default_gcs_bucket_name(config.namespace, c.project),
            wandb_service_account=byob.gcp_service_account(),
            project=c.project,
            location=c.location,
            soft_delete_retention_days=c.soft_delete_retention_days,
            kms_key_name=c.kms_key_name,
            deletion_protection=config.deletion_protection,
            labels=dict(c.labels),
            path=c.path,
        ))
        b = self.bucket
        TerraformOutput(self, "bucket_name", value=b.bucket_name, description="GCS bucket name (team form: Name).")
        TerraformOutput(self, "project", value=c.project, description="Project of the bucket.")
        TerraformOutput(self, "location", value=c.location, description="Location of the bucket.")
        TerraformOutput(self, "path", value=b.path, description="Sub-path for W&B files (team form: Path; empty = root).")
        TerraformOutput(self, "bucket_address", value=b.bucket_address, description="gs://<bucket>[/<path>] (instance level: W&B BUCKET).")
        TerraformOutput(
            self,
            "wandb_team_form",
            value={"cloud_provider": "GCP", "name": b.bucket_name, "path": b.path},
            description=f"Values for the W&B team form (External storage), {self.level} level, {byob.deployment_type}.",
        )
