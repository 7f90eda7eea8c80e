"""WandbApp: the pre-operator W&B server as plain Kubernetes resources (like terraform-kubernetes-wandb 1.12.0).

A ``wandb`` deployment running ``wandb/local:<version>`` on port 8080, exposed as
NodePort **32543** for the Terraform-managed ALB, a ``prometheus`` service on
8181, a config map with the non-secret settings (host, bucket, queue, region,
KMS key, Redis) and a secret with the license and MySQL connection string. The
license and password arrive as Terraform expressions (a sensitive variable and a
Secrets Manager read), never as literal values in the synthesized JSON.

The pod template carries ``checksum/secret`` (SHA-256 of the secret's values) and
``checksum/config`` (of the config map's data): the pods read both through ``env_from``
only at start, so a new database password (``database_password_version``), license,
host, Redis address or ``other_wandb_env`` value must roll the Deployment, as Helm
charts do with the same annotations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cdktf import Fn, Token
from constructs import Construct

from ..._providers import kubernetes, struct
from ..aws.load_balancer import NODE_PORT
from .bucket_credentials import VERSION_ANNOTATION, BucketCredentials, BucketCredentialsProps

APP_NAME = "wandb"
PROGRESS_DEADLINE_SECONDS = 3600


@dataclass(frozen=True)
class WandbAppProps:
    host: str
    """Public URL, e.g. https://wandb.example.com."""
    license: str
    """Token of a sensitive Terraform variable (never a literal)."""
    mysql_connection_string: str
    """Token built from the infra stack's database secret (never a literal)."""
    bucket: str
    """``s3://<bucket>[/<path>]``; with ``bucket_credentials_secret_arn``, the S3-compatible address with
    ``$(BUCKET_ACCESS_KEY)``/``$(BUCKET_SECRET_KEY)`` in place of the keys."""
    bucket_queue: str = "internal://"
    """``sqs://<queue>`` or ``internal://``. Default: internal://."""
    aws_region: str = ""
    """Bucket region. Default: ""."""
    bucket_kms_key_arn: str = ""
    """Default: "" (bucket default encryption)."""
    redis_connection_string: str = ""
    """Default: "" (W&B's embedded cache)."""
    wandb_image: str = "wandb/local"
    """Default: wandb/local."""
    wandb_version: str = "latest"
    """Image tag. Default: latest."""
    namespace: str = "default"
    """Kubernetes namespace; created unless "default". Default: default."""
    node_port: int = NODE_PORT
    """Default: 32543 (the ALB target group port)."""
    resource_requests: dict[str, str] = field(default_factory=lambda: {"cpu": "500m", "memory": "1G"})
    """Default: cpu 500m, memory 1G (terraform-kubernetes-wandb v1.12.0; schedulable on 2-vCPU nodes)."""
    resource_limits: dict[str, str] = field(default_factory=lambda: {"cpu": "4000m", "memory": "8G"})
    """Default: cpu 4000m, memory 8G (reference)."""
    other_env: dict[str, str] = field(default_factory=dict)
    """Extra environment variables. Default: {}."""
    bucket_credentials_secret_arn: str | None = None
    """Secrets Manager secret with the keys of an S3-compatible bucket (``BucketCredentials``): ``BUCKET`` is then
    a container ``env`` entry expanded by Kubernetes from the keys, not a ConfigMap value. Default: None."""
    bucket_credentials_fields: tuple[str, str] = ("accessKey", "secretKey")
    """JSON members of that secret holding the access and secret key. Default: ("accessKey", "secretKey")."""
    bucket_credentials_version: int = 1
    """Generation of those keys; a change rewrites the Secret and rolls the pods. Default: 1."""
    secret_env: dict[str, str] = field(default_factory=dict)
    """Environment variables whose values are secrets (e.g. GORILLA_SUPPORTED_FILE_STORES): written to the
    Secret, not the ConfigMap. Default: {}."""


class WandbApp(Construct):
    def __init__(self, scope: Construct, construct_id: str, props: WandbAppProps) -> None:
        super().__init__(scope, construct_id)
        k8s = kubernetes
        ns = props.namespace
        if ns != "default":
            namespace = k8s.namespace_v1.NamespaceV1(self, "namespace", metadata={"name": ns})
            # Refer to the namespace resource (same value) so Terraform creates it before what goes in it.
            ns = namespace.metadata.name
        labels = {"app": APP_NAME}
        priority = k8s.priority_class_v1.PriorityClassV1(
            self, "priority", metadata={"name": "wandb-priority"}, value=1000000000, global_default=False,
            description="Priority class for wandb pods.",
        )
        container_env: list[dict[str, Any]] = []
        annotations: dict[str, str] = {}
        self.bucket_credentials: BucketCredentials | None = None
        if props.bucket_credentials_secret_arn:
            self.bucket_credentials = BucketCredentials(self, "bucket-credentials", BucketCredentialsProps(
                secret_arn=props.bucket_credentials_secret_arn, access_key_field=props.bucket_credentials_fields[0],
                secret_key_field=props.bucket_credentials_fields[1], namespace=ns,
                version=props.bucket_credentials_version))
            # Kubernetes expands $(VAR) only from variables defined earlier in the same container: keys first.
            container_env = [*self.bucket_credentials.container_env(), {"name": "BUCKET", "value": props.bucket}]
            annotations[VERSION_ANNOTATION] = str(props.bucket_credentials_version)
        settings = {
            "HOST": props.host,
            **({} if self.bucket_credentials is not None else {"BUCKET": props.bucket}),
            "BUCKET_QUEUE": props.bucket_queue,
            "AWS_REGION": props.aws_region,
            "AWS_S3_KMS_ID": props.bucket_kms_key_arn,
            "REDIS": props.redis_connection_string,
            **props.other_env,
        }
        # A setting that is also a secret (e.g. a REDIS URL with a password) lives in the Secret only.
        settings = {k: v for k, v in settings.items() if k not in props.secret_env}
        config_map = k8s.config_map_v1.ConfigMapV1(
            self, "config-map", metadata={"name": APP_NAME, "namespace": ns, "labels": labels}, data=settings,
        )
        # The pod reads the ConfigMap through env_from at start only: a new HOST, REDIS or other_wandb_env value must
        # roll it (terraform-kubernetes-wandb v1.12.0 set these as Deployment env, so any change rolled the pod).
        # Hashing the resource's own `data` attribute avoids re-quoting values inside a Terraform function call.
        config_checksum = Token.as_string(Fn.sha256(Fn.jsonencode(config_map.data)))
        secret_checksum = Token.as_string(Fn.sha256(Fn.join("\n", [props.license, props.mysql_connection_string,
                                                                *props.secret_env.values()])))
        secret = k8s.secret_v1.SecretV1(
            self, "secret", metadata={"name": APP_NAME, "namespace": ns, "labels": labels},
            data={"LICENSE": props.license, "MYSQL": props.mysql_connection_string, **props.secret_env}, type="Opaque",
        )
        self._deployment = k8s.deployment_v1.DeploymentV1(
            self, "deployment",
            metadata={"name": APP_NAME, "namespace": ns, "labels": labels},
            spec=struct(k8s.deployment_v1, "DeploymentV1Spec", {
                "replicas": "1",
                # v1.12.0: 3600. The startup probe alone allows 120 x 10 s; a first start that migrates
                # the database must not fail the apply.
                "progress_deadline_seconds": PROGRESS_DEADLINE_SECONDS,
                "strategy": {"type": "RollingUpdate"},
                "selector": {"match_labels": labels},
                "template": {
                    "metadata": {"labels": labels, "annotations": {
                        "checksum/secret": secret_checksum, "checksum/config": config_checksum, **annotations}},
                    "spec": {
                        "priority_class_name": priority.metadata.name,
                        "container": [{
                            "name": APP_NAME,
                            "image": f"{props.wandb_image}:{props.wandb_version}",
                            "image_pull_policy": "Always" if props.wandb_version == "latest" else "IfNotPresent",
                            **({"env": container_env} if container_env else {}),
                            "env_from": [
                                {"config_map_ref": {"name": config_map.metadata.name}},
                                {"secret_ref": {"name": secret.metadata.name}},
                            ],
                            "port": [
                                {"name": "http", "container_port": 8080, "protocol": "TCP"},
                                {"name": "prometheus", "container_port": 8181, "protocol": "TCP"},
                            ],
                            "liveness_probe": {"http_get": {"path": "/healthz", "port": "http"}},
                            "readiness_probe": {"http_get": {"path": "/ready", "port": "http"}},
                            "startup_probe": {"http_get": {"path": "/ready", "port": "http"}, "failure_threshold": 120},
                            "resources": {"requests": dict(props.resource_requests), "limits": dict(props.resource_limits)},
                            "security_context": {"allow_privilege_escalation": False, "capabilities": {"drop": ["NET_RAW"]}},
                        }],
                    },
                },
            }),
            timeouts={"create": "1h", "update": "1h", "delete": "10m"},
        )
        self._service = k8s.service_v1.ServiceV1(
            self, "service", metadata={"name": APP_NAME, "namespace": ns, "labels": labels},
            spec=struct(k8s.service_v1, "ServiceV1Spec", {
                "type": "NodePort", "selector": labels,
                "port": [{"name": "http", "port": 8080, "target_port": "http", "node_port": props.node_port}],
            }),
        )
        k8s.service_v1.ServiceV1(
            self, "prometheus", metadata={"name": "prometheus", "namespace": ns, "labels": labels},
            spec=struct(k8s.service_v1, "ServiceV1Spec", {
                "type": "ClusterIP", "selector": labels,
                "port": [{"name": "prometheus", "port": 8181, "target_port": "prometheus"}],
            }),
        )

    @property
    def deployment_name(self) -> str:
        return APP_NAME

    @property
    def service_name(self) -> str:
        return APP_NAME
