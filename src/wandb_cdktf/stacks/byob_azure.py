"""``<namespace>-byob-azure``: a W&B bring-your-own Azure storage account (azurerm provider only)."""

from __future__ import annotations

import re
from typing import Any

from cdktf import TerraformOutput
from constructs import Construct

from ..config import WandbConfig
from ..constructs.azure.byob_storage import AzureByobStorage, AzureByobStorageProps
from ..storage.connection_strings import validate_azure_storage_account_name
from .base import WandbStack


def default_storage_account_name(namespace: str) -> str:
    """``<namespace without hyphens>byob`` (3-24 lowercase letters and digits)."""
    return validate_azure_storage_account_name(re.sub(r"[^a-z0-9]", "", namespace)[:20] + "byob")


class ByobAzureStack(WandbStack):
    def __init__(self, scope: Construct, stack_id: str, *, config: WandbConfig) -> None:
        super().__init__(scope, stack_id, config=config)
        from .._providers import azurerm

        byob = config.byob
        assert byob is not None and byob.azure is not None
        c = byob.azure
        provider_kwargs: dict[str, Any] = {}
        if c.subscription_id:
            provider_kwargs["subscription_id"] = c.subscription_id
        azurerm.provider.AzurermProvider(self, "azurerm", features=[{}], **provider_kwargs)
        tags = {"managed-by": "wandb-cdktf", **c.tags}
        rg_name = c.resource_group_name or f"{config.namespace}-byob"
        if c.create_resource_group:
            assert c.location is not None
            rg = azurerm.resource_group.ResourceGroup(self, "resource-group", name=rg_name, location=c.location, tags=tags)
            location = rg.location
            rg_name_ref = rg.name
        else:
            data_rg = azurerm.data_azurerm_resource_group.DataAzurermResourceGroup(self, "resource-group", name=rg_name)
            location = c.location or data_rg.location
            rg_name_ref = data_rg.name
        self.level = byob.level_for("azure")
        team = self.level == "team"
        self.storage = AzureByobStorage(self, "byob-storage", AzureByobStorageProps(
            namespace=config.namespace,
            resource_group_name=rg_name_ref,
            location=location,
            storage_account_name=c.storage_account_name or default_storage_account_name(config.namespace),
            container_name=c.container_name,
            level=self.level,
            account_replication_type=c.account_replication_type,
            blob_soft_delete_days=c.blob_soft_delete_days,
            container_soft_delete_days=c.container_soft_delete_days,
            oidc_issuer_url=c.oidc_issuer_url if team else None,
            kubernetes_namespace=c.kubernetes_namespace,
            service_accounts=tuple(c.service_accounts) if team else (),
            additional_role_definition_names=tuple(c.additional_role_definition_names) if team else (),
            tags=tags,
            path=c.path,
        ))
        s = self.storage
        TerraformOutput(self, "storage_account_name", value=s.storage_account_name, description="Team form: Account name.")
        TerraformOutput(self, "container_name", value=s.container_name, description="Team form: Container name.")
        TerraformOutput(self, "path", value=s.path, description="Sub-path for W&B files (team form: Path; empty = root).")
        if team:
            client = azurerm.data_azurerm_client_config.DataAzurermClientConfig(self, "client")
            TerraformOutput(self, "managed_identity_client_id", value=s.managed_identity_client_id,
                            description="Team form: Managed identity client ID.")
            TerraformOutput(self, "tenant_id", value=client.tenant_id, description="Team form: Tenant ID.")
            TerraformOutput(
                self,
                "wandb_team_form",
                value={
                    "cloud_provider": "Azure",
                    "account_name": s.storage_account_name,
                    "container_name": s.container_name,
                    "path": s.path,
                    "managed_identity_client_id": s.managed_identity_client_id,
                    "tenant_id": client.tenant_id,
                },
                description=f"Values for the W&B team form (External storage), team level, {byob.deployment_type}.",
            )
        else:
            TerraformOutput(
                self, "storage_account_access_key", value=s.primary_access_key, sensitive=True,
                description="Instance level: the account access key to share with W&B through a secure channel "
                "(`terraform output -raw storage_account_access_key`).",
            )
