"""Storage-account settings shared by the Azure constructs: SAS expiration policy and customer-managed key."""

from __future__ import annotations

import re
from typing import Any

from ..._providers import azurerm

DEFAULT_SAS_EXPIRATION_PERIOD = "1.00:00:00"
DEFAULT_SAS_EXPIRATION_ACTION = "Log"
SAS_EXPIRATION_ACTIONS = ("Log", "Block")
_SAS_PERIOD = re.compile(r"^\d+\.\d{2}:\d{2}:\d{2}$")


def validate_storage_settings(owner: str, *, sas_expiration_period: str, sas_expiration_action: str,
                              customer_managed_key_id: str | None, customer_managed_key_identity_id: str | None) -> None:
    """Raise ValueError for a malformed SAS policy or an incomplete customer-managed key setting."""
    if not _SAS_PERIOD.match(sas_expiration_period) or sas_expiration_period == "0.00:00:00":
        raise ValueError(f"{owner}.sas_expiration_period must be a non-zero DD.HH:MM:SS period, got {sas_expiration_period!r}")
    if sas_expiration_action not in SAS_EXPIRATION_ACTIONS:
        raise ValueError(f"{owner}.sas_expiration_action must be one of {SAS_EXPIRATION_ACTIONS}, got {sas_expiration_action!r}")
    if bool(customer_managed_key_id) != bool(customer_managed_key_identity_id):
        raise ValueError(f"{owner}.customer_managed_key_id and customer_managed_key_identity_id must be set together")


def storage_account_security_kwargs(*, sas_expiration_period: str, sas_expiration_action: str,
                                    customer_managed_key_id: str | None,
                                    customer_managed_key_identity_id: str | None) -> dict[str, Any]:
    """``sas_policy`` and, when a key is given, ``identity`` + ``customer_managed_key`` for a StorageAccount."""
    sa = azurerm.storage_account
    kwargs: dict[str, Any] = {
        "sas_policy": sa.StorageAccountSasPolicy(
            expiration_period=sas_expiration_period, expiration_action=sas_expiration_action
        ),
    }
    if customer_managed_key_id and customer_managed_key_identity_id:
        kwargs["identity"] = sa.StorageAccountIdentity(type="UserAssigned", identity_ids=[customer_managed_key_identity_id])
        kwargs["customer_managed_key"] = sa.StorageAccountCustomerManagedKey(
            key_vault_key_id=customer_managed_key_id, user_assigned_identity_id=customer_managed_key_identity_id
        )
    return kwargs
