"""``bucket_s3_compatible``: the platform's instance-level file storage in an S3-compatible store (MinIO ...).

W&B BYOB docs (seeds 000/001, availability matrix, self-managed row): "인스턴스 또는 팀 수준 BYOB에
MinIO와 같은 S3 호환 보안 스토리지를 사용할 수도 있습니다" (an instance may use S3-compatible storage
such as MinIO at instance *or* team level). The address W&B reads is the documented
``s3://<accessKey>:<secretAccessKey>@<url_endpoint>/<bucketName>?region=<region>&tls=true``, where the
region "is required unless the W&B instance is on AWS and the AWS_REGION of its nodes matches".

The credentials are never in the configuration, the synthesized JSON or Terraform state: the option
names a Secrets Manager secret holding ``{"accessKey": ..., "secretKey": ...}``, which Terraform opens
as an *ephemeral* resource at plan/apply and writes, URL-encoded, into a Kubernetes Secret through the
write-only ``data_wo`` (``constructs/kubernetes/bucket_credentials.py``). The pods build ``BUCKET`` from
that Secret with Kubernetes ``$(VAR)`` expansion, so the address with credentials is in no manifest either.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field, model_validator

from . import validators as v
from .base import StrictModel
from .types import S3BucketName, StoreRegion

# JSON keys of the Secrets Manager secret (the operator-wandb chart's global.bucket.accessKey/secretKey names).
ACCESS_KEY_FIELD = "accessKey"
SECRET_KEY_FIELD = "secretKey"
_SECRET_ARN_RE = re.compile(r"^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):(\d{12}):secret:[A-Za-z0-9/_+=.@-]+$")
# AWS's own S3 endpoints: an S3 bucket is bucket_name (with IAM through the node role, no static keys).
_RAW_KEY_RE = re.compile(r"access|secret|password|credential|key", re.IGNORECASE)
_AWS_S3_HOST_RE = re.compile(r"(^|\.)s3([.-][a-z0-9-]+)*\.amazonaws\.com(\.cn)?$")


def _secret_arn(value: str) -> str:
    if not _SECRET_ARN_RE.match(value):
        raise ValueError("must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<suffix>), "
                         f"got {value!r}")
    return value


def _endpoint(value: str) -> str:
    v.s3_compatible_endpoint(value)
    host = value.partition("/")[0].rsplit(":", 1)[0] if not value.startswith("[") else ""
    if _AWS_S3_HOST_RE.search(host.lower()):
        raise ValueError(f"{value!r} is Amazon S3: name the bucket in bucket_name instead (W&B reaches it with the "
                         "node role, without static keys)")
    return value


class S3CompatibleBucketConfig(StrictModel):
    """wandb-cdktf: W&B's instance bucket in an existing S3-compatible store instead of the S3 bucket
    ``<namespace>-infra`` creates (docs/byob.md "Instance level: S3-compatible store")."""

    endpoint: Annotated[str, AfterValidator(_endpoint)] = Field(
        description="host[:port][/path] of the store's S3 API without scheme (tls decides http/https), e.g. "
        "minio.example.com:9000 or gw.example.com/s3. Required.")
    bucket: S3BucketName = Field(
        description="Existing bucket in the store (S3 naming rules). Required; bucket_path still selects a sub-path.")
    region: StoreRegion | None = Field(
        default=None,
        description="Region the store signs requests for (MinIO: MINIO_REGION, usually us-east-1); written as "
        "?region= and as the pods' AWS_REGION. Required unless it is the deployment region. Default: region.")
    tls: bool = Field(default=True, description="Reach the endpoint over HTTPS (?tls=true). Default: true.")
    credentials_secret_arn: Annotated[str, AfterValidator(_secret_arn)] = Field(
        description="Secrets Manager secret (in the deployment region) whose value is JSON "
        '{"accessKey": "...", "secretKey": "..."}; read at plan/apply time as an ephemeral value, never stored in '
        "state or the synthesized JSON. Required.")
    credentials_version: int = Field(
        default=1, ge=1,
        description="Generation of the credentials: bump it after changing the secret to rewrite the Kubernetes "
        "Secret and restart the W&B pods. Default: 1.")

    @model_validator(mode="before")
    @classmethod
    def _no_raw_keys(cls, data: Any) -> Any:
        """Keys in the configuration would land in the synthesized JSON and in state: refuse them by name."""
        if isinstance(data, dict):
            for key in data:
                if isinstance(key, str) and _RAW_KEY_RE.search(key) and key not in cls.model_fields:
                    raise ValueError(f"{key}: credentials are never configured here; store them in a Secrets Manager "
                                     f'secret as {{"{ACCESS_KEY_FIELD}": ..., "{SECRET_KEY_FIELD}": ...}} and set '
                                     "credentials_secret_arn")
        return data

    def region_for(self, instance_region: str) -> str:
        """The store's region, written explicitly (docs: omitted only when it equals the instance's AWS_REGION)."""
        return self.region or instance_region

    def query(self, instance_region: str) -> str:
        """``region=<r>&tls=<bool>``: the documented query of an S3-compatible address."""
        return f"region={self.region_for(instance_region)}&tls={'true' if self.tls else 'false'}"

    def address_template(self, instance_region: str, path: str, access_ref: str, secret_ref: str) -> str:
        """``s3://<access_ref>:<secret_ref>@<endpoint>/<bucket>[/<path>]?region=..&tls=..`` with references
        (e.g. ``$(BUCKET_ACCESS_KEY)``) in place of the URL-encoded credentials."""
        sub = path.strip("/")
        return (f"s3://{access_ref}:{secret_ref}@{self.endpoint}/{self.bucket}" + (f"/{sub}" if sub else "")
                + f"?{self.query(instance_region)}")

    def secret_region(self) -> str:
        m = _SECRET_ARN_RE.match(self.credentials_secret_arn)
        assert m is not None
        return m.group(1)
