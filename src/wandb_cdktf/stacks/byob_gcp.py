"""``<namespace>-byob-gcp``: a W&B bring-your-own GCS bucket (Google provider only)."""

from __future__ import annotations

from cdktf import TerraformOutput
from constructs import Construct

from ..config import WandbConfig
from ..config.byob import GcpByobConfig
from ..constructs.gcp.byob_bucket import GcpByobBucket, GcpByobBucketProps
from ..storage.connection_strings import validate_gcs_bucket_name
from .base import WandbStack, google_provider


def default_gcs_bucket_name(namespace: str, project: str) -> str:
    """``<namespace>-byob-<project>``, cut to 63 characters."""
    return validate_gcs_bucket_name(f"{namespace}-byob-{project}"[:63].rstrip("-_."))


class ByobGcpStack(WandbStack):
    """One or more W&B GCS buckets; an unnamed section keeps ``byob-bucket`` and the plain output names, a named
    list item (``name: omega``) gets ``byob-bucket-omega``, ``omega_<output>`` and the default name
    ``<namespace>-omega-byob-<project>``."""

    def __init__(self, scope: Construct, stack_id: str, *, config: WandbConfig) -> None:
        super().__init__(scope, stack_id, config=config)
        byob = config.byob
        assert byob is not None and byob.gcp is not None
        sections = [section for _, section in byob.sections("gcp")]
        first = sections[0]
        # A region (us-central1) is the provider's default region; a multi/dual-region (US, EU, NAM4) is not one.
        google_provider(self, project=first.project, region=first.location.lower() if "-" in first.location else None)
        self.buckets: dict[str | None, GcpByobBucket] = {}
        self.levels: dict[str | None, str] = {}
        for c in sections:
            self._bucket(config, c)
        self.bucket = self.buckets[first.name]
        self.level = self.levels[first.name]

    def _bucket(self, config: WandbConfig, c: GcpByobConfig) -> None:
        byob = config.byob
        assert byob is not None
        construct_id, out = ("byob-bucket", "") if c.name is None else (f"byob-bucket-{c.name}", f"{c.name}_")
        namespace = config.namespace if c.name is None else f"{config.namespace}-{c.name}"
        level = byob.level_for("gcp", c)
        b = GcpByobBucket(self, construct_id, GcpByobBucketProps(
            bucket_name=c.bucket_name or default_gcs_bucket_name(namespace, c.project),
            wandb_service_account=byob.gcp_service_account(c),
            project=c.project,
            location=c.location,
            soft_delete_retention_days=c.soft_delete_retention_days,
            kms_key_name=c.kms_key_name,
            deletion_protection=config.deletion_protection,
            labels=dict(c.labels),
            path=c.path,
        ))
        self.buckets[c.name] = b
        self.levels[c.name] = level
        TerraformOutput(self, f"{out}bucket_name", value=b.bucket_name, description="GCS bucket name (team form: Name).")
        TerraformOutput(self, f"{out}project", value=c.project, description="Project of the bucket.")
        TerraformOutput(self, f"{out}location", value=c.location, description="Location of the bucket.")
        TerraformOutput(self, f"{out}path", value=b.path, description="Sub-path for W&B files (team form: Path; empty = root).")
        TerraformOutput(self, f"{out}bucket_address", value=b.bucket_address, description="gs://<bucket>[/<path>] (instance level: W&B BUCKET).")
        TerraformOutput(
            self,
            f"{out}wandb_team_form",
            value={"cloud_provider": "GCP", "name": b.bucket_name, "path": b.path},
            description=f"Values for the W&B team form (External storage), {level} level, {byob.deployment_type}.",
        )
