"""Team-level stores for ``GORILLA_SUPPORTED_FILE_STORES`` (``byob.file_stores``) and their addresses.

W&B BYOB docs: a self-managed instance lists team-level stores in other clouds or S3-compatible
servers (MinIO), with their credentials, in ``GORILLA_SUPPORTED_FILE_STORES``. The configuration
names only the *environment variables* holding the credentials; :func:`supported_file_stores_from_config`
reads them when the value is printed (``python -m wandb_cdktf.storage``), so no secret is ever in the
configuration file or in synthesized JSON.

The address grammar itself is :mod:`wandb_cdktf.storage` (a leaf that knows nothing of the
configuration); this module is the configuration's side of it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from ..storage import connection_strings as cs
from .base import ConfigError, StrictModel
from .types import (
    AwsRegion,
    AzureContainerName,
    AzureStorageAccountName,
    EnvName,
    GcpServiceAccountEmail,
    GcsBucketName,
    S3BucketName,
    S3CompatibleEndpoint,
    StoreRegion,
)

if TYPE_CHECKING:  # pragma: no cover
    from .model import WandbConfig


def secret_from_env(env: Mapping[str, str], var: str, option: str) -> str:
    """The credential in environment variable ``var``; a ConfigError naming ``option`` if unset."""
    value = env.get(var, "")
    if not value:
        raise ConfigError(option, f"environment variable {var} is not set (it must hold the credential)")
    return value



class _Store(StrictModel):
    def address(self, env: Mapping[str, str], option: str, instance_region: str | None = None) -> cs.StorageAddress:  # pragma: no cover
        raise NotImplementedError


class S3FileStore(_Store):
    """An AWS S3 bucket: ``s3://<key>:<secret>@s3.<region>.amazonaws.com/<bucket>?region=<region>``."""

    type: Literal["s3"]
    bucket: S3BucketName
    region: AwsRegion
    access_key_id_env: EnvName
    secret_access_key_env: EnvName

    def address(self, env: Mapping[str, str], option: str, instance_region: str | None = None) -> cs.StorageAddress:
        return cs.aws_s3_address(
            self.bucket,
            self.region,
            secret_from_env(env, self.access_key_id_env, f"{option}.access_key_id_env"),
            secret_from_env(env, self.secret_access_key_env, f"{option}.secret_access_key_env"),
        )


class S3CompatibleFileStore(_Store):
    """An S3-compatible store such as MinIO: ``s3://<key>:<secret>@<endpoint>/<bucket>?region=<r>&tls=true``."""

    type: Literal["s3-compatible"]
    endpoint: S3CompatibleEndpoint = Field(description="host[:port][/path] of the S3 API, without scheme (e.g. minio.example.com:9000). Required.")
    bucket: S3BucketName
    region: StoreRegion | None = Field(
        default=None,
        description="Region of the store (written as ?region=). Default: the region of the W&B platform built here "
        "(W&B on AWS whose AWS_REGION is the store's, the one case the docs let it be omitted); required otherwise.",
    )
    tls: bool = Field(default=True, description="Use TLS to reach the endpoint. Default: true.")
    access_key_id_env: EnvName
    secret_access_key_env: EnvName

    def address(self, env: Mapping[str, str], option: str, instance_region: str | None = None) -> cs.StorageAddress:
        return cs.s3_compatible_address(
            self.endpoint,
            self.bucket,
            secret_from_env(env, self.access_key_id_env, f"{option}.access_key_id_env"),
            secret_from_env(env, self.secret_access_key_env, f"{option}.secret_access_key_env"),
            region=self.region_for(instance_region, option),
            tls=self.tls,
        )

    def region_for(self, instance_region: str | None, option: str) -> str:
        """The store's region: explicit, else the W&B instance's (docs: required unless they match)."""
        region = self.region or instance_region
        if not region:
            raise ConfigError(f"{option}.region", "is required for an S3-compatible store unless the W&B platform is "
                              "built here in the store's region (W&B BYOB docs: region is mandatory)")
        return region


class GcsFileStore(_Store):
    """A GCS bucket: ``gs://<service account email>:<url-encoded private key>@<bucket>``."""

    type: Literal["gcs"]
    bucket: GcsBucketName
    service_account_email: GcpServiceAccountEmail
    private_key_env: EnvName

    def address(self, env: Mapping[str, str], option: str, instance_region: str | None = None) -> cs.StorageAddress:
        return cs.gcs_address(
            self.bucket, self.service_account_email, secret_from_env(env, self.private_key_env, f"{option}.private_key_env")
        )


class AzureFileStore(_Store):
    """An Azure container: ``az://:<url-encoded access key>@<account>/<container>``."""

    type: Literal["azure"]
    account: AzureStorageAccountName
    container: AzureContainerName
    access_key_env: EnvName

    def address(self, env: Mapping[str, str], option: str, instance_region: str | None = None) -> cs.StorageAddress:
        return cs.azure_address(self.account, self.container, secret_from_env(env, self.access_key_env, f"{option}.access_key_env"))


FileStore = Annotated[S3FileStore | S3CompatibleFileStore | GcsFileStore | AzureFileStore, Field(discriminator="type")]



def supported_file_stores_from_config(config: WandbConfig, environ: Mapping[str, str] | None = None) -> str | None:
    """The ``GORILLA_SUPPORTED_FILE_STORES`` value for ``config.byob.file_stores``, or None.

    Credentials are not in the configuration: each store names the environment
    variables holding them (``*_env`` options), read here from ``environ``
    (default ``os.environ``). A missing variable raises :class:`ConfigError` naming
    the option. The result carries secrets: hand it to Terraform only as a
    *sensitive* variable, never as a literal.
    """
    stores = config.byob.file_stores if config.byob is not None else []
    if not stores:
        return None
    env = os.environ if environ is None else environ
    # The platform built here runs on AWS in config.region: the one case where the docs let an
    # S3-compatible store's region default to the instance's AWS_REGION. It is written explicitly.
    instance_region = config.region if config.create_platform else None
    addresses = [store.address(env, f"byob.file_stores[{i}]", instance_region) for i, store in enumerate(stores)]
    return cs.supported_file_stores(addresses)
