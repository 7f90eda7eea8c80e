"""``<namespace>-byob-aws``: a W&B bring-your-own S3 bucket and KMS key (AWS provider only)."""

from __future__ import annotations

from typing import Any

from cdktf import TerraformOutput
from constructs import Construct

from ..config import WandbConfig
from ..constructs.aws.byob_bucket import ByobBucket, ByobBucketProps
from .base import WandbStack, aws_provider


class ByobAwsStack(WandbStack):
    def __init__(self, scope: Construct, stack_id: str, *, config: WandbConfig, infra: Any = None) -> None:
        super().__init__(scope, stack_id, config=config)
        byob = config.byob
        assert byob is not None and byob.aws is not None
        c = byob.aws
        region = c.region or config.region
        aws_provider(self, region, config.tags)
        self.level = byob.level_for("aws")
        principal = byob.aws_principal()
        if principal is None:
            # Self-managed without an explicit principal: the config model allows this only when the
            # platform is built in the same app, whose EKS node role the W&B pods run as.
            assert infra is not None, "config validation guarantees the platform for a defaulted principal"
            principal = infra.cluster.node_role_arn
        self.wandb_principal_arn = principal
        self.bucket = ByobBucket(self, "byob-bucket", ByobBucketProps(
            namespace=config.namespace,
            wandb_principal_arn=principal,
            bucket_name=c.bucket_name,
            kms_key_arn=c.kms_key_arn,
            kms_key_deletion_window=c.kms_key_deletion_window,
            deletion_protection=config.deletion_protection,
            path=c.path,
        ))
        b = self.bucket
        TerraformOutput(self, "bucket_name", value=b.bucket_name, description="S3 bucket name (team form: Name).")
        TerraformOutput(self, "kms_key_arn", value=b.key_arn, description="KMS key ARN (team form: KMS key ARN).")
        TerraformOutput(self, "region", value=region, description="Region of the bucket.")
        TerraformOutput(self, "path", value=b.path, description="Sub-path for W&B files (team form: Path; empty = root).")
        TerraformOutput(self, "bucket_address", value=b.bucket_address, description="s3://<bucket>[/<path>] (instance level: W&B BUCKET).")
        # A self-managed instance lists every team bucket in GORILLA_SUPPORTED_FILE_STORES (seed 001); a
        # same-cloud bucket is reached with the instance's role, so its address carries no credentials. The
        # docs' region rule: ?region= unless the bucket is in the instance's AWS_REGION.
        self.supported_file_store: str | None = None
        if byob.deployment_type == "self-managed" and self.level == "team":
            query = "" if region == config.region else f"?region={region}"
            self.supported_file_store = f"s3://{b.bucket_name}{query}"
            TerraformOutput(self, "supported_file_store", value=self.supported_file_store,
                            description="Address for GORILLA_SUPPORTED_FILE_STORES (listed automatically for the "
                            "platform built in the same app).")
        TerraformOutput(
            self,
            "wandb_team_form",
            value={"cloud_provider": "AWS", "name": b.bucket_name, "path": b.path, "kms_key_arn": b.key_arn},
            description=f"Values for the W&B team form (External storage), {self.level} level, {byob.deployment_type}.",
        )
