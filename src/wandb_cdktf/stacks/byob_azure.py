"""``<namespace>-byob-azure``: a W&B bring-your-own Azure storage account (azurerm provider only)."""

from __future__ import annotations

import re
from typing import Any

from cdktf import TerraformOutput
from constructs import Construct

from ..config import WandbConfig
from ..config.byob import AzureByobConfig, default_azure_account_name
from ..constructs.azure.byob_storage import AzureByobStorage, AzureByobStorageProps
from ..storage.connection_strings import validate_azure_storage_account_name
from .base import WandbStack, azurerm_provider


def default_storage_account_name(namespace: str) -> str:
    """``<namespace without hyphens>byob`` (3-24 lowercase letters and digits)."""
    return validate_azure_storage_account_name(re.sub(r"[^a-z0-9]", "", namespace)[:20] + "byob")


class ByobAzureStack(WandbStack):
    """One or more W&B storage accounts; an unnamed section keeps ``resource-group``/``byob-storage`` and the plain
    output names, a named list item (``name: omega``) gets ``resource-group-omega``/``byob-storage-omega``,
    ``omega_<output>`` and the defaults ``<namespace>-omega-byob`` / ``<namespace><omega>byob``."""

    def __init__(self, scope: Construct, stack_id: str, *, config: WandbConfig) -> None:
        super().__init__(scope, stack_id, config=config)
        byob = config.byob
        assert byob is not None and byob.azure is not None
        sections = [section for _, section in byob.sections("azure")]
        c = sections[0]  # config validation: one subscription per list
        azurerm_provider(self, subscription_id=c.subscription_id)
        self._client: Any = None
        self.storages: dict[str | None, AzureByobStorage] = {}
        self.levels: dict[str | None, str] = {}
        for section in sections:
            self._account(config, section)
        self.storage = self.storages[c.name]
        self.level = self.levels[c.name]

    def _account(self, config: WandbConfig, c: AzureByobConfig) -> None:
        from .._providers import azurerm

        byob = config.byob
        assert byob is not None
        suffix, out = ("", "") if c.name is None else (f"-{c.name}", f"{c.name}_")
        namespace = config.namespace if c.name is None else f"{config.namespace}-{c.name}"
        tags = {"managed-by": "wandb-cdktf", **c.tags}
        rg_name = c.resource_group_name or f"{namespace}-byob"
        if c.create_resource_group:
            assert c.location is not None
            rg = azurerm.resource_group.ResourceGroup(self, f"resource-group{suffix}", name=rg_name, location=c.location, tags=tags)
            location = rg.location
            rg_name_ref = rg.name
        else:
            data_rg = azurerm.data_azurerm_resource_group.DataAzurermResourceGroup(self, f"resource-group{suffix}", name=rg_name)
            location = c.location or data_rg.location
            rg_name_ref = data_rg.name
        level = byob.level_for("azure", c)
        team = level == "team"
        s = AzureByobStorage(self, f"byob-storage{suffix}", AzureByobStorageProps(
            namespace=namespace,
            resource_group_name=rg_name_ref,
            location=location,
            storage_account_name=c.storage_account_name or default_azure_account_name(config.namespace, c.name),
            container_name=c.container_name,
            level=level,
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
        self.storages[c.name] = s
        self.levels[c.name] = level
        TerraformOutput(self, f"{out}storage_account_name", value=s.storage_account_name, description="Team form: Account name.")
        TerraformOutput(self, f"{out}container_name", value=s.container_name, description="Team form: Container name.")
        TerraformOutput(self, f"{out}path", value=s.path, description="Sub-path for W&B files (team form: Path; empty = root).")
        if team:
            if self._client is None:
                self._client = azurerm.data_azurerm_client_config.DataAzurermClientConfig(self, "client")
            client = self._client
            TerraformOutput(self, f"{out}managed_identity_client_id", value=s.managed_identity_client_id,
                            description="Team form: Managed identity client ID.")
            TerraformOutput(self, f"{out}tenant_id", value=client.tenant_id, description="Team form: Tenant ID.")
            TerraformOutput(
                self,
                f"{out}wandb_team_form",
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
                self, f"{out}storage_account_access_key", value=s.primary_access_key, sensitive=True,
                description="Instance level: the account access key to share with W&B through a secure channel "
                f"(`terraform output -raw {out}storage_account_access_key`).",
            )
