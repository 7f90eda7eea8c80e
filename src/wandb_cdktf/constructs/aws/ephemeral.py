"""Secrets that Terraform generates or reads without ever storing them in plan or state.

An *ephemeral* ``aws_secretsmanager_random_password`` (Terraform >= 1.10, AWS provider >= 5.83) is
opened on every plan/apply and never persisted; its value may only flow into write-only arguments
(``*_wo``, Terraform >= 1.11), whose ``*_wo_version`` decides when it is sent again. cdktf 0.21 has
no ephemeral-resource classes, so the block is added to the stack's JSON directly.
"""

from __future__ import annotations

from cdktf import TerraformStack
from constructs import Construct


def ephemeral_random_password(scope: Construct, name: str, length: int) -> str:
    """Declare ``ephemeral.aws_secretsmanager_random_password.<name>`` (letters and digits only, so the value
    is safe in URLs and shells) in ``scope``'s stack; return the reference to its value without ``${}``."""
    TerraformStack.of(scope).add_override(
        f"ephemeral.aws_secretsmanager_random_password.{name}",
        {"password_length": length, "exclude_punctuation": True, "include_space": False,
         "require_each_included_type": True},
    )
    return f"ephemeral.aws_secretsmanager_random_password.{name}.random_password"


def ephemeral_secret_string(scope: Construct, name: str, secret_id: str, version_id: str | None = None) -> str:
    """Declare ``ephemeral.aws_secretsmanager_secret_version.<name>`` (the current version of an existing secret, or
    ``version_id``; read on every plan/apply and never persisted) in ``scope``'s stack; return the reference to its
    ``secret_string`` without ``${}``. Only write-only arguments may consume it. Terraform opens an ephemeral
    resource whose arguments are unknown at plan only during the apply, once they are known."""
    body = {"secret_id": secret_id} if version_id is None else {"secret_id": secret_id, "version_id": version_id}
    TerraformStack.of(scope).add_override(f"ephemeral.aws_secretsmanager_secret_version.{name}", body)
    return f"ephemeral.aws_secretsmanager_secret_version.{name}.secret_string"
