"""WeaveWorkerAuth: the ``weave-worker-auth`` Kubernetes secret the W&B chart's Weave workers read.

operator-wandb's weave-trace workers take ``WANDB_INTERNAL_SERVICE_TOKEN`` from
``secretKeyRef {name: weave-worker-auth, key: key}`` without ``optional`` (helm-charts
charts/operator-wandb values.yaml, weave-trace-worker env), so they cannot start without it.
As terraform-aws-wandb v8 does (modules/app_eks ``kubernetes_secret.weave_worker_auth``), the
value comes from the Secrets Manager entry ``AppSecrets`` creates; unlike v8 it is stored as
``data`` (v8's ``binary_data`` base64-decodes the token). The value is in this stack's state.
"""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from ..._providers import aws, kubernetes

SECRET_NAME = "weave-worker-auth"
SECRET_KEY = "key"


@dataclass(frozen=True)
class WeaveWorkerAuthProps:
    secret_arn: str
    """Secrets Manager entry holding the token (``AppSecrets.weave_worker_auth_secret_arn``)."""
    namespace: str = "default"
    """Kubernetes namespace of the W&B resource; created here unless "default" (the W&B resource's chart
    release only creates it later). Default: default."""


class WeaveWorkerAuth(Construct):
    def __init__(self, scope: Construct, construct_id: str, props: WeaveWorkerAuthProps) -> None:
        super().__init__(scope, construct_id)
        value = aws.data_aws_secretsmanager_secret_version.DataAwsSecretsmanagerSecretVersion(
            self, "token", secret_id=props.secret_arn)
        namespace = props.namespace
        if namespace != "default":
            # Refer to the namespace resource (same value) so Terraform creates it before the secret.
            namespace = kubernetes.namespace_v1.NamespaceV1(self, "namespace", metadata={"name": namespace}).metadata.name
        kubernetes.secret_v1.SecretV1(
            self, "secret", metadata={"name": SECRET_NAME, "namespace": namespace},
            data={SECRET_KEY: value.secret_string}, type="Opaque",
        )
        self._namespace = namespace

    @property
    def namespace(self) -> str:
        """The W&B namespace, as a reference to the namespace resource when one is created here (so other
        secrets of the W&B resource can be created in it, after it)."""
        return self._namespace
