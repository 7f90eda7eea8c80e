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
        self.app = WandbApp(self, "wandb", WandbAppProps(
            host=infra.url,
            license=license_variable(self),
            mysql_connection_string=mysql,
            bucket=infra.file_storage.bucket_address,
            bucket_queue=infra.file_storage.queue_address,
            aws_region=c.region,
            bucket_kms_key_arn=c.bucket_kms_key_arn or (infra.kms_key_arn if not c.bucket_name else ""),
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
