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

from cdktf import Fn, TerraformVariable, Token
from constructs import Construct

from .._providers import aws

LICENSE_VARIABLE = "wandb_license"


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
