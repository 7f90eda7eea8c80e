"""W&B Launch agent on Azure: container registry, build-context blob container, agent workload identity.

Serves W&B's "Launch agent advanced setup" requirements (W&B publishes no
Terraform for them): ``AcrPush`` on the registry for pushing built images and
``Storage Blob Data Contributor`` for uploading Kaniko build contexts. The
agent's Kubernetes service account (shared by its Kaniko build jobs) signs in as
a user-assigned managed identity through a federated credential (AKS workload
identity). Both role assignments are scoped to the one registry and the one
container, not the resource group or account.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from constructs import Construct

from ..._providers import azurerm
from ._federation import TOKEN_EXCHANGE_AUDIENCE
from ._storage import (
    DEFAULT_SAS_EXPIRATION_ACTION,
    DEFAULT_SAS_EXPIRATION_PERIOD,
    storage_account_security_kwargs,
    validate_storage_settings,
)


@dataclass(frozen=True)
class AzureLaunchAgentProps:
    """Settings of :class:`AzureLaunchAgent`. Every optional field documents its default."""

    name_prefix: str
    """Prefix of the identity and credential names, e.g. ``<namespace>-launch``. Required."""
    location: str
    """Azure region. Required."""
    resource_group_name: str
    """Resource group of every resource. Required."""
    registry_name: str
    """Container registry name (5-50 letters/digits, global). Required."""
    oidc_issuer_url: str
    """OIDC issuer URL of the AKS cluster running the agent. Required."""
    kubernetes_namespace: str = "wandb"
    """Namespace of the agent's Kubernetes service account. Default: wandb."""
    kubernetes_service_account: str = "wandb-launch-serviceaccount-wandb-launch"
    """The agent's Kubernetes service account. Default: the chart's account for release wandb-launch."""
    create_resource_group: bool = True
    """Create the resource group. Default: true."""
    registry_sku: str = "Standard"
    """Registry SKU (Basic, Standard, Premium). Default: Standard."""
    repository: str = "launch"
    """Repository for the agent's images. Default: launch."""
    registry: bool = True
    """Create the container registry and grant the agent AcrPush (kaniko builder). False for the noop builder
    (seed 003 "Noop: 미리 빌드된 이미지만"): no registry, no registry roles; registry_name is then unused.
    Default: true."""
    build_context_storage: bool = True
    """Create the build-context storage account + container and grant access. Default: true (kaniko builder)."""
    storage_account_name: str | None = None
    """Storage account name (3-24 lowercase letters/digits, global). Required when build_context_storage."""
    container_name: str = "build-contexts"
    """Blob container of the build contexts. Default: build-contexts."""
    build_context_expiration_days: int = 7
    """Delete build contexts after this many days. Default: 7."""
    shared_access_key_enabled: bool = True
    """Allow account-key access to the storage account. Kaniko on Azure reads the build context with the account
    key (chart value ``azureStorageAccessKey``), so this must stay true for the kaniko builder. Default: true."""
    sas_expiration_period: str = DEFAULT_SAS_EXPIRATION_PERIOD
    """SAS expiration policy of the storage account: the longest validity (``DD.HH:MM:SS``) a SAS should have.
    Default: "1.00:00:00" (one day)."""
    sas_expiration_action: str = DEFAULT_SAS_EXPIRATION_ACTION
    """What Azure does with a SAS exceeding the period: "Log" (record it in the diagnostic logs) or "Block"
    (reject the request). Default: "Log"."""
    customer_managed_key_id: str | None = None
    """Versionless Key Vault key ID (``https://<vault>.vault.azure.net/keys/<name>``) to encrypt the storage account
    with. The vault needs soft delete and purge protection. Default: None (Microsoft-managed keys)."""
    customer_managed_key_identity_id: str | None = None
    """Resource ID of a user-assigned identity that may use that key (e.g. "Key Vault Crypto Service Encryption
    User"); it is attached to the storage account. Required with customer_managed_key_id. Default: None."""
    kubelet_identity_object_id: str | None = None
    """Object id of the AKS kubelet identity running Launch jobs; granted AcrPull on the registry. Default: none."""
    tags: dict[str, str] | None = None
    """Tags on every resource. Default: none."""

    def __post_init__(self) -> None:
        if not self.registry and (self.build_context_storage or self.kubelet_identity_object_id):
            raise ValueError("AzureLaunchAgentProps.build_context_storage and kubelet_identity_object_id need registry=True")
        if self.build_context_storage and not self.storage_account_name:
            raise ValueError("AzureLaunchAgentProps.storage_account_name is required with build_context_storage")
        if not self.oidc_issuer_url.startswith("https://"):
            raise ValueError("AzureLaunchAgentProps.oidc_issuer_url must be an https:// URL")
        validate_storage_settings(
            "AzureLaunchAgentProps",
            sas_expiration_period=self.sas_expiration_period,
            sas_expiration_action=self.sas_expiration_action,
            customer_managed_key_id=self.customer_managed_key_id,
            customer_managed_key_identity_id=self.customer_managed_key_identity_id,
        )


class AzureLaunchAgent(Construct):
    """Registry (no admin user), TLS 1.2/HTTPS-only private storage, identity + federated credential, scoped roles.

    Secure defaults: registry admin account disabled; storage account with
    minimum TLS 1.2, HTTPS only, no public blob access, infrastructure
    encryption, OAuth as the portal default, no cross-tenant replication, a SAS
    expiration policy (1 day, action "Log"), a private container and a lifecycle
    rule deleting old contexts; Microsoft-managed keys unless
    ``customer_managed_key_id`` is set; the federated credential accepts only the
    agent's service account.
    """

    def __init__(self, scope: Construct, construct_id: str, props: AzureLaunchAgentProps) -> None:
        super().__init__(scope, construct_id)
        self._props = props
        self._tags = dict(props.tags or {})
        self._rg_name = self._resource_group_step()
        self._registry_step()
        self._agent_identity()
        self._registry_roles()
        self._build_context_storage()

    # --- steps (in creation order; every resource directly in this construct: its id is a Terraform address) ---
    def _resource_group_step(self) -> str:
        """The resource group (``create_resource_group``); returns the name the other resources reference."""
        p = self._props
        self._resource_group: Any = None
        if not p.create_resource_group:
            return p.resource_group_name
        self._resource_group = azurerm.resource_group.ResourceGroup(
            self, "resource-group", name=p.resource_group_name, location=p.location, tags=self._tags
        )
        return str(self._resource_group.name)

    def _registry_step(self) -> None:
        """The container registry (kaniko builder), admin user disabled."""
        p = self._props
        self._registry: Any = None
        if p.registry:
            self._registry = azurerm.container_registry.ContainerRegistry(
                self,
                "registry",
                name=p.registry_name,
                resource_group_name=self._rg_name,
                location=p.location,
                sku=p.registry_sku,
                admin_enabled=False,
                tags=self._tags,
            )

    def _agent_identity(self) -> None:
        """The agent's user-assigned identity and the federated credential of its Kubernetes service account."""
        p = self._props
        self._identity = azurerm.user_assigned_identity.UserAssignedIdentity(
            self, "identity", name=f"{p.name_prefix}-agent", resource_group_name=self._rg_name, location=p.location,
            tags=self._tags,
        )
        azurerm.federated_identity_credential.FederatedIdentityCredential(
            self,
            "federated-credential",
            name=f"{p.name_prefix}-agent-{p.kubernetes_namespace}",
            resource_group_name=self._rg_name,
            parent_id=self._identity.id,
            audience=[TOKEN_EXCHANGE_AUDIENCE],
            issuer=p.oidc_issuer_url,
            subject=f"system:serviceaccount:{p.kubernetes_namespace}:{p.kubernetes_service_account}",
        )

    def _registry_roles(self) -> None:
        """AcrPush for the agent and (``kubelet_identity_object_id``) AcrPull for the job nodes, on the registry."""
        p = self._props
        if self._registry is None:
            return
        azurerm.role_assignment.RoleAssignment(
            self,
            "registry-push",
            scope=self._registry.id,
            role_definition_name="AcrPush",
            principal_id=self._identity.principal_id,
            principal_type="ServicePrincipal",
            description="W&B Launch agent: push built images",
        )
        if p.kubelet_identity_object_id:
            # Seed 003: jobs pull from a registry the job's nodes can reach; AKS nodes pull as the kubelet identity.
            azurerm.role_assignment.RoleAssignment(
                self,
                "registry-job-pull",
                scope=self._registry.id,
                role_definition_name="AcrPull",
                principal_id=p.kubelet_identity_object_id,
                principal_type="ServicePrincipal",
                description="W&B Launch jobs: pull built images",
            )

    def _build_context_storage(self) -> None:
        """Storage account, private container, lifecycle rule and the agent's Blob Data Contributor on the container."""
        p = self._props
        self._storage_account: Any = None
        self._container: Any = None
        if not p.build_context_storage:
            return
        self._storage_account = azurerm.storage_account.StorageAccount(
            self,
            "storage-account",
            name=p.storage_account_name or "",
            resource_group_name=self._rg_name,
            location=p.location,
            account_kind="StorageV2",
            account_tier="Standard",
            account_replication_type="LRS",
            min_tls_version="TLS1_2",
            https_traffic_only_enabled=True,
            allow_nested_items_to_be_public=False,
            shared_access_key_enabled=p.shared_access_key_enabled,
            default_to_oauth_authentication=True,
            infrastructure_encryption_enabled=True,
            cross_tenant_replication_enabled=False,
            tags=self._tags,
            **storage_account_security_kwargs(
                sas_expiration_period=p.sas_expiration_period,
                sas_expiration_action=p.sas_expiration_action,
                customer_managed_key_id=p.customer_managed_key_id,
                customer_managed_key_identity_id=p.customer_managed_key_identity_id,
            ),
        )
        self._container = azurerm.storage_container.StorageContainer(
            self,
            "container",
            name=p.container_name,
            storage_account_id=self._storage_account.id,
            container_access_type="private",
        )
        smp = azurerm.storage_management_policy
        smp.StorageManagementPolicy(
            self,
            "lifecycle",
            storage_account_id=self._storage_account.id,
            rule=[
                smp.StorageManagementPolicyRule(
                    name="expire-build-contexts",
                    enabled=True,
                    filters=smp.StorageManagementPolicyRuleFilters(blob_types=["blockBlob"], prefix_match=[f"{p.container_name}/"]),
                    actions=smp.StorageManagementPolicyRuleActions(
                        base_blob=smp.StorageManagementPolicyRuleActionsBaseBlob(
                            delete_after_days_since_modification_greater_than=p.build_context_expiration_days
                        )
                    ),
                )
            ],
        )
        azurerm.role_assignment.RoleAssignment(
            self,
            "build-context-contributor",
            scope=self._container.id,
            role_definition_name="Storage Blob Data Contributor",
            principal_id=self._identity.principal_id,
            principal_type="ServicePrincipal",
            description="W&B Launch agent: upload Kaniko build contexts",
        )

    # --- typed properties -----------------------------------------------------------------
    @property
    def props(self) -> AzureLaunchAgentProps:
        return self._props

    @property
    def client_id(self) -> str:
        """Annotate the Kubernetes service account with ``azure.workload.identity/client-id`` = this."""
        return self._identity.client_id

    @property
    def principal_id(self) -> str:
        return self._identity.principal_id

    @property
    def identity_id(self) -> str:
        """Resource id of the agent's user-assigned identity."""
        return str(self._identity.id)

    @property
    def resource_group_name(self) -> str:
        """The resource group of every resource (a reference when this construct creates it)."""
        return self._rg_name

    @property
    def registry_id(self) -> str | None:
        """Resource id of the container registry; None without a registry (noop builder)."""
        return str(self._registry.id) if self._registry is not None else None

    @property
    def storage_account_id(self) -> str | None:
        """Resource id of the build-context storage account; None without ``build_context_storage``."""
        return str(self._storage_account.id) if self._storage_account is not None else None

    @property
    def container_id(self) -> str | None:
        """Resource id of the build-context container (the scope of the agent's Blob Data Contributor)."""
        return str(self._container.id) if self._container is not None else None

    @property
    def registry_login_server(self) -> str:
        """``<registry>.azurecr.io`` (known before apply: the registry name is fixed)."""
        return f"{self._props.registry_name.lower()}.azurecr.io"

    @property
    def repository_url(self) -> str | None:
        """``<registry>.azurecr.io/<repository>``: the launch-config ``builder.destination``; None without a
        registry (noop builder)."""
        if self._registry is None:
            return None
        return f"{self.registry_login_server}/{self._props.repository}"

    @property
    def build_context_store(self) -> str | None:
        """``https://<account>.blob.core.windows.net/<container>``: the launch-config ``builder.build-context-store``."""
        if self._storage_account is None:
            return None
        return f"https://{self._props.storage_account_name}.blob.core.windows.net/{self._props.container_name}"
