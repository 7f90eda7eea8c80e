"""``<namespace>-app``: the pre-operator W&B application on the EKS cluster (Kubernetes provider).

Reads the cluster, bucket, queue, database and Redis from ``<namespace>-infra``
through cdktf cross-stack references. Upgrading W&B = changing ``wandb_version``,
which changes only this stack.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import Fn, Token
from constructs import Construct

from ..config import WandbConfig
from ..config.s3_compatible import ACCESS_KEY_FIELD, SECRET_KEY_FIELD
from ..constructs.kubernetes.bucket_credentials import ACCESS_KEY_ENV, SECRET_KEY_ENV
from ..constructs.kubernetes.eks_access import kubernetes_provider
from ..constructs.kubernetes.storage_class import DefaultStorageClass
from ..constructs.kubernetes.wandb_app import WandbApp, WandbAppProps
from ._app_inputs import database_password, external_redis_url, license_variable, redis_password, supported_file_stores
from .base import WandbStack, aws_provider
from .infra import InfraStack


class AppStack(WandbStack):
    def __init__(self, scope: Construct, stack_id: str, *, config: WandbConfig, infra: InfraStack,
                 team_buckets: Sequence[str] = ()) -> None:
        super().__init__(scope, stack_id, config=config)
        c = config
        self.add_dependency(infra)
        aws_provider(self, c.region, c.tags)
        kubernetes_provider(self, endpoint=infra.cluster_endpoint, ca_data=infra.cluster_ca_data,
                            cluster_name=infra.cluster_name, region=c.region)
        self.storage_class = DefaultStorageClass(self, "storage-class")
        password = database_password(self, infra.database_secret_arn)
        db = infra.database
        # The created Aurora listens on 3306 (a literal, as before); an existing database on its configured port.
        port = c.external_database_port if c.external_database_host else 3306
        mysql = Token.as_string(Fn.format(f"mysql://%s:%s@%s:{port}/%s", [
            db.master_username, Fn.urlencode(password), db.endpoint, db.database_name]))
        secret_env = _secret_env(supported_file_stores(self, c, team_buckets))
        redis_url = infra.redis.url if infra.redis is not None else ""
        if c.use_external_redis:
            secret = c.external_redis_password_secret_arn
            redis_url = external_redis_url(c, redis_password(self, secret) if secret else None)
            if secret:  # a URL holding a password belongs in the Secret, not the ConfigMap
                secret_env["REDIS"] = redis_url
                redis_url = ""
        ext = c.bucket_s3_compatible
        self.app = WandbApp(self, "wandb", WandbAppProps(
            host=infra.url,
            license=license_variable(self),
            mysql_connection_string=mysql,
            bucket=_bucket(c, infra),
            bucket_queue=infra.bucket_queue,
            aws_region=infra.bucket_region,
            bucket_kms_key_arn=_bucket_kms_key(c, infra),
            bucket_credentials_secret_arn=ext.credentials_secret_arn if ext is not None else None,
            bucket_credentials_version=ext.credentials_version if ext is not None else 1,
            bucket_credentials_fields=(ACCESS_KEY_FIELD, SECRET_KEY_FIELD),
            redis_connection_string=redis_url,
            wandb_image=c.wandb_image,
            wandb_version=c.wandb_version,
            namespace=c.k8s_namespace,
            other_env=dict(c.other_wandb_env),
            secret_env=secret_env,
        ))


def _secret_env(stores: str | None) -> dict[str, str]:
    """Team-level BYOB stores carry credentials: the app's Kubernetes Secret, never its ConfigMap."""
    return {"GORILLA_SUPPORTED_FILE_STORES": stores} if stores is not None else {}


def _bucket(config: WandbConfig, infra: InfraStack) -> str:
    """``BUCKET``: ``s3://<bucket>[/<path>]``, or for bucket_s3_compatible the documented
    ``s3://<key>:<secret>@<endpoint>/<bucket>[/<path>]?region=..&tls=..`` with the keys as ``$(VAR)``
    references the pod expands from the credentials Secret (``BucketCredentials``)."""
    ext = config.bucket_s3_compatible
    if ext is None:
        assert infra.file_storage is not None
        return infra.file_storage.bucket_address
    return ext.address_template(config.region, config.bucket_path, f"$({ACCESS_KEY_ENV})", f"$({SECRET_KEY_ENV})")


def _bucket_kms_key(config: WandbConfig, infra: InfraStack) -> str:
    """``AWS_S3_KMS_ID``: the bucket's key; none for an existing bucket without bucket_kms_key_arn or an
    S3-compatible store (SSE-KMS is an AWS service)."""
    if config.bucket_s3_compatible is not None:
        return ""
    return config.bucket_kms_key_arn or (infra.kms_key_arn if not config.bucket_name else "")
