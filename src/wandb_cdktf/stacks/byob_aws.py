"""``<namespace>-byob-aws``: a W&B bring-your-own S3 bucket and KMS key (AWS provider only)."""

from __future__ import annotations

from typing import Any

from cdktf import TerraformOutput
from constructs import Construct

from ..config import WandbConfig
from ..config.byob import AwsByobConfig
from ..constructs.aws.byob_bucket import AwsByobBucket, AwsByobBucketProps
from .base import WandbStack, aws_provider


def _ids(name: str | None) -> tuple[str, str]:
    """(construct id, output prefix) of one bucket: the single section's ids unchanged, ``-<name>`` for list items."""
    return ("byob-bucket", "") if name is None else (f"byob-bucket-{name}", f"{name}_")


class ByobAwsStack(WandbStack):
    """One or more KMS-encrypted W&B buckets; an unnamed section keeps ``byob-bucket`` and the plain output names,
    a named list item (``name: omega``) gets ``byob-bucket-omega`` and ``omega_<output>``."""

    def __init__(self, scope: Construct, stack_id: str, *, config: WandbConfig, infra: Any = None) -> None:
        super().__init__(scope, stack_id, config=config)
        byob = config.byob
        assert byob is not None and byob.aws is not None
        sections = [section for _, section in byob.sections("aws")]
        region = sections[0].region or config.region  # config validation: one region per list
        aws_provider(self, region, config.tags)
        self.buckets: dict[str | None, AwsByobBucket] = {}
        self.levels: dict[str | None, str] = {}
        self.supported_file_stores: list[str] = []
        self._principals: dict[str | None, str] = {}
        self._stores: dict[str | None, str] = {}
        for c in sections:
            self._bucket(config, c, region, infra)
        first = sections[0].name
        self.bucket = self.buckets[first]
        self.level = self.levels[first]
        self.wandb_principal_arn = self._principals[first]
        # The single/unnamed bucket's address, as before lists existed (None for instance level / not self-managed).
        self.supported_file_store: str | None = self._stores.get(first)

    def _bucket(self, config: WandbConfig, c: AwsByobConfig, region: str, infra: Any) -> None:
        byob = config.byob
        assert byob is not None
        construct_id, out = _ids(c.name)
        level = byob.level_for("aws", c)
        principal = byob.aws_principal(c)
        if principal is None:
            # Self-managed without an explicit principal: the config model allows this only when the
            # platform is built in the same app, whose EKS node role the W&B pods run as.
            assert infra is not None, "config validation guarantees the platform for a defaulted principal"
            principal = infra.cluster.node_role_arn
        self._principals[c.name] = principal
        b = AwsByobBucket(self, construct_id, AwsByobBucketProps(
            namespace=config.namespace if c.name is None else f"{config.namespace}-{c.name}",
            wandb_principal_arn=principal,
            bucket_name=c.bucket_name,
            kms_key_arn=c.kms_key_arn,
            kms_key_deletion_window=c.kms_key_deletion_window,
            deletion_protection=config.deletion_protection,
            path=c.path,
        ))
        self.buckets[c.name] = b
        self.levels[c.name] = level
        TerraformOutput(self, f"{out}bucket_name", value=b.bucket_name, description="S3 bucket name (team form: Name).")
        TerraformOutput(self, f"{out}kms_key_arn", value=b.key_arn, description="KMS key ARN (team form: KMS key ARN).")
        TerraformOutput(self, f"{out}region", value=region, description="Region of the bucket.")
        TerraformOutput(self, f"{out}path", value=b.path, description="Sub-path for W&B files (team form: Path; empty = root).")
        TerraformOutput(self, f"{out}bucket_address", value=b.bucket_address, description="s3://<bucket>[/<path>] (instance level: W&B BUCKET).")
        # A self-managed instance lists every team bucket in GORILLA_SUPPORTED_FILE_STORES (seed 001); a
        # same-cloud bucket is reached with the instance's role, so its address carries no credentials. The
        # docs' region rule: ?region= unless the bucket is in the instance's AWS_REGION.
        if byob.deployment_type == "self-managed" and level == "team":
            query = "" if region == config.region else f"?region={region}"
            store = f"s3://{b.bucket_name}{query}"
            self._stores[c.name] = store
            self.supported_file_stores.append(store)
            TerraformOutput(self, f"{out}supported_file_store", value=store,
                            description="Address for GORILLA_SUPPORTED_FILE_STORES (listed automatically for the "
                            "platform built in the same app).")
        TerraformOutput(
            self,
            f"{out}wandb_team_form",
            value={"cloud_provider": "AWS", "name": b.bucket_name, "path": b.path, "kms_key_arn": b.key_arn},
            description=f"Values for the W&B team form (External storage), {level} level, {byob.deployment_type}.",
        )
