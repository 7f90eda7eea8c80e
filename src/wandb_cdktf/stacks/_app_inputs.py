"""Inputs shared by the app (pre-operator) and operator (post-operator) stacks.

The license is a sensitive Terraform variable (``TF_VAR_wandb_license``); the
database password is read at plan time from the infra stack's Secrets Manager
secret (``<namespace>-database-master-*``), which holds the password RDS has and
changes only when ``database_password_version`` is bumped (never by an automatic
rotation). Neither is ever a literal in the synthesized JSON. Note that the values
do end up in *this* stack's state (as in any Terraform-managed Kubernetes
secret): use an encrypted remote backend (``remote_state``). Rotating = bump the
version, apply ``<ns>-infra``, then apply this stack (README "Database credentials").
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import Fn, TerraformVariable, Token
from constructs import Construct

from .._providers import aws
from ..config import WandbConfig

LICENSE_VARIABLE = "wandb_license"
STORES_VARIABLE = "wandb_supported_file_stores"


def license_variable(scope: Construct) -> str:
    var = TerraformVariable(
        scope, LICENSE_VARIABLE, type="string", sensitive=True, nullable=False,
        description="W&B license. Pass it as TF_VAR_wandb_license; it is never written to the synthesized JSON.",
    )
    return var.string_value


def database_password(scope: Construct, secret_arn: str) -> str:
    secret = aws.data_aws_secretsmanager_secret_version.DataAwsSecretsmanagerSecretVersion(
        scope, "database-master-secret", secret_id=secret_arn
    )
    return Token.as_string(Fn.lookup(Fn.jsondecode(secret.secret_string), "password", ""))


REDIS_TTL_SECONDS = 604800
"""W&B's Redis key lifetime; operator-wandb adds ``ttlInSeconds=604800`` to the Redis URL unless the
parameters give one (helm-charts charts/operator-wandb/templates/_redis.tpl, ``_defaultParams``)."""


def redis_password(scope: Construct, secret_arn: str) -> str:
    """The Redis AUTH password in ``secret_arn``: its JSON ``password`` key, or the whole value if it is not
    such JSON (ElastiCache AUTH tokens are often stored as plain text). Read at plan time, never a literal."""
    secret = aws.data_aws_secretsmanager_secret_version.DataAwsSecretsmanagerSecretVersion(
        scope, "redis-password-secret", secret_id=secret_arn
    )
    value = secret.secret_string
    return Token.as_string(Fn.try_([Fn.lookup(Fn.jsondecode(value), "password", value), value]))


def url_userinfo(value: str) -> str:
    """Terraform expression: ``value`` percent-encoded for the userinfo of a URL (``urlencode`` writes a space as
    ``+``, a literal plus in userinfo, so it becomes ``%20``)."""
    return Token.as_string(Fn.replace(Fn.urlencode(value), "+", "%20"))


def external_redis_params(config: WandbConfig) -> dict[str, str | int | bool]:
    """The query parameters of an external Redis, with the chart's ``ttlInSeconds`` default."""
    return {"ttlInSeconds": REDIS_TTL_SECONDS, **config.external_redis_params}


def external_redis_url(config: WandbConfig, password: str | None) -> str:
    """``redis://[:<password>@]host:port?<params>``: the ``REDIS`` value of the pre-operator app, built as
    operator-wandb builds it (params sorted by name, the password URL-encoded)."""
    params = external_redis_params(config)
    query = "&".join(f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in sorted(params.items()))
    address = f"{config.external_redis_host}:{config.external_redis_port}?{query}"
    if password is None:
        return f"redis://{address}"
    # One Terraform expression (format), not a token inside a Python string: the app's secret checksum
    # joins it, and cdktf cannot nest such a string in a function call. No '%' can occur in `address`.
    return Token.as_string(Fn.format(f"redis://:%s@{address}", [Fn.urlencode(password)]))


def supported_file_stores(scope: Construct, config: WandbConfig, team_buckets: Sequence[str] = ()) -> str | None:
    """The ``GORILLA_SUPPORTED_FILE_STORES`` value of the platform, or None when there is nothing to list.

    W&B requirement (seed 001, BYOB "構成": "GORILLA_SUPPORTED_FILE_STORES 環境変数を使用してストレージ
    バケットを指定する必要があります"; EN "Self-Managed: You must add the bucket path to the
    GORILLA_SUPPORTED_FILE_STORES environment variable"): every team bucket is listed. Two sources:

    - ``byob.file_stores`` carry credentials, so they arrive as the sensitive variable
      ``wandb_supported_file_stores`` (``TF_VAR_wandb_supported_file_stores=$(python -m wandb_cdktf.storage)``),
      never as a literal in the synthesized JSON;
    - ``team_buckets``: credential-less addresses (``s3://<bucket>``) of same-cloud team buckets built in
      this app, which the W&B pods reach with the node role (the bucket policy grants it).
    """
    parts: list[str] = []
    if config.byob is not None and config.byob.file_stores:
        stores = TerraformVariable(
            scope, STORES_VARIABLE, type="string", sensitive=True, nullable=False,
            description="GORILLA_SUPPORTED_FILE_STORES; export TF_VAR_wandb_supported_file_stores=$(python -m wandb_cdktf.storage)",
        )
        parts.append(stores.string_value)
    parts.extend(team_buckets)
    if not parts:
        return None
    # One string template ("${var.x},s3://${...}"), not Fn.join: cdktf warns, once per token, that a
    # built-in function over strings holding tokens "may be incorrect" (it printed 22 lines per synthesis).
    return ",".join(parts)
