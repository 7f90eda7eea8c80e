"""BucketCredentials: the Kubernetes Secret holding the URL-encoded keys of an S3-compatible instance bucket.

W&B reads its instance bucket from ``BUCKET`` as
``s3://<accessKey>:<secretAccessKey>@<endpoint>/<bucket>?region=<r>&tls=true`` (BYOB docs). The
operator-wandb chart builds that value as ``s3://$(BUCKET_ACCESS_KEY):$(BUCKET_SECRET_KEY)@$(BUCKET_NAME)``
from ``global.bucket.secret`` {secretName, accessKeyName, secretKeyName} (helm-charts
charts/operator-wandb templates/_bucket.tpl, _env.tpl ``wandb.bucketEnvs``); the pre-operator app does the
same with its own env (``WandbApp``). Kubernetes substitutes ``$(VAR)`` verbatim, so the Secret must hold
the keys already *percent-encoded*: an unencoded ``/``, ``@``, ``:`` or ``%`` in a MinIO secret key would
split the URL. The encoding is Terraform's ``urlencode`` (RFC 3986 percent-encoding of everything but
unreserved characters; it writes a space as ``+``, which is turned into ``%20`` because ``+`` in userinfo
is a literal plus).

Nothing secret is stored in Terraform state or the synthesized JSON: the keys come from an *ephemeral*
read of a Secrets Manager secret (JSON ``{"accessKey", "secretKey"}``) into the write-only ``data_wo``
(hashicorp/kubernetes >= 2.38), which is sent only when ``data_wo_revision`` changes (the provider writes
nothing while it is unset, so it starts at 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from constructs import Construct

from ..._providers import kubernetes
from ..aws.ephemeral import ephemeral_secret_string

SECRET_NAME = "wandb-bucket-credentials"
# The chart's default key names (operator-wandb values.yaml global.bucket.secret.accessKeyName/secretKeyName).
ACCESS_KEY_NAME = "ACCESS_KEY"
SECRET_KEY_NAME = "SECRET_KEY"
# The variables the chart's BUCKET expands (templates/_env.tpl); the pre-operator app uses the same names.
ACCESS_KEY_ENV = "BUCKET_ACCESS_KEY"
SECRET_KEY_ENV = "BUCKET_SECRET_KEY"
# Pod annotation carrying the credentials generation: pods read the Secret only at start, so a new
# generation must roll them.
VERSION_ANNOTATION = "wandb-cdktf/bucket-credentials-version"


def url_encoded(json_ref: str, field: str) -> str:
    """Terraform expression: ``field`` of the JSON in ``json_ref``, percent-encoded for URL userinfo."""
    return f'${{replace(urlencode(jsondecode({json_ref}).{field}), "+", "%20")}}'


@dataclass(frozen=True)
class BucketCredentialsProps:
    secret_arn: str
    """Secrets Manager secret whose value is a JSON object holding the two keys."""
    access_key_field: str
    """Its member with the access key (``bucket_s3_compatible``: ``accessKey``)."""
    secret_key_field: str
    """Its member with the secret key (``bucket_s3_compatible``: ``secretKey``)."""
    namespace: str = "default"
    """Kubernetes namespace of the W&B pods (a name, or a reference to the namespace resource so it is
    created first). Default: default."""
    version: int = 1
    """``data_wo_revision``: bump to send changed credentials. Default: 1."""


class BucketCredentials(Construct):
    def __init__(self, scope: Construct, construct_id: str, props: BucketCredentialsProps) -> None:
        super().__init__(scope, construct_id)
        self.props = props
        value = ephemeral_secret_string(self, f"{construct_id}_secret", props.secret_arn)
        self._secret = kubernetes.secret_v1.SecretV1(
            self, "secret", metadata={"name": SECRET_NAME, "namespace": props.namespace}, type="Opaque",
            data_wo={ACCESS_KEY_NAME: url_encoded(value, props.access_key_field),
                     SECRET_KEY_NAME: url_encoded(value, props.secret_key_field)},
            data_wo_revision=props.version,
        )

    @property
    def secret_name(self) -> str:
        """The Secret's name as a reference (consumers are created after it)."""
        return self._secret.metadata.name

    def chart_secret_values(self) -> dict[str, str]:
        """operator-wandb ``global.bucket.secret``."""
        return {"secretName": self.secret_name, "accessKeyName": ACCESS_KEY_NAME, "secretKeyName": SECRET_KEY_NAME}

    def container_env(self) -> list[dict[str, Any]]:
        """``BUCKET_ACCESS_KEY`` / ``BUCKET_SECRET_KEY`` from the Secret (kubernetes provider ``env`` blocks),
        to be listed before the ``BUCKET`` entry that expands them."""
        return [
            {"name": ACCESS_KEY_ENV, "value_from": {"secret_key_ref": {"name": self.secret_name, "key": ACCESS_KEY_NAME}}},
            {"name": SECRET_KEY_ENV, "value_from": {"secret_key_ref": {"name": self.secret_name, "key": SECRET_KEY_NAME}}},
        ]
