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


def ephemeral_secret_string(scope: Construct, name: str, secret_id: str) -> str:
    """Declare ``ephemeral.aws_secretsmanager_secret_version.<name>`` (the current version of an existing secret,
    read on every plan/apply and never persisted) in ``scope``'s stack; return the reference to its
    ``secret_string`` without ``${}``. Only write-only arguments may consume it."""
    TerraformStack.of(scope).add_override(
        f"ephemeral.aws_secretsmanager_secret_version.{name}", {"secret_id": secret_id})
    return f"ephemeral.aws_secretsmanager_secret_version.{name}.secret_string"
