"""AzureByobStorage: a storage account + container that a W&B instance uses as bring-your-own bucket.

W&B requirement served: BYOB on Azure (Dedicated Cloud and self-managed, instance
or team level; not SaaS Cloud). Per the W&B BYOB docs the account needs blob soft
delete, container soft delete, blob versioning and the documented CORS rule
(origins ``*``, GET/HEAD/PUT, headers ``*``, exposed ``*``, max age 3600).

- Instance level: W&B is given the account name and an access key (the key is only
  exposed as an attribute token, for a *sensitive* Terraform output).
- Team level: a user-assigned managed identity with one federated identity credential
  per W&B Kubernetes service account (issuer = the instance's OIDC issuer URL, audience
  ``api://AzureADTokenExchange``, subject ``system:serviceaccount:<ns>:<sa>``), and
  two roles on the account, as the current W&B docs list for team-level Azure (Reader +
  Storage Blob Data Contributor; field review of BYOB/Launch, B-41 / earlier reference
  report §3.4): ``Storage Blob Data Contributor`` reads/writes/deletes blobs and has
  ``generateUserDelegationKey`` for the user-delegation SAS (presigned URLs) W&B hands to
  clients; ``Reader`` gives ``Microsoft.Storage/storageAccounts/blobServices/read``, the
  management-plane read of the CORS, versioning and soft-delete settings that W&B checks
  when a team is created (without it that check gets HTTP 403). W&B's older module grants
  "Storage Account Contributor" and "Storage Blob Data Owner"; both are broader (account
  keys, ACL ownership) and are only added if listed in ``additional_role_definition_names``.

Azure rejects concurrent writes of federated credentials on one identity, so the
credentials are chained with ``depends_on``.

Secure defaults: StorageV2, TLS 1.2 minimum, HTTPS only, no public blob access,
no cross-tenant replication, private container, and a SAS expiration policy (1 day,
action "Log": out-of-policy SAS use is recorded in the account's diagnostic logs but
never rejected, so W&B's presigned URLs keep working). Encryption uses
Microsoft-managed keys unless ``customer_managed_key_id`` names a Key Vault key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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

BLOB_DATA_ROLE = "Storage Blob Data Contributor"
READER_ROLE = "Reader"  # blobServices/read: W&B's team-creation check of CORS/versioning/soft delete
CORS_RULE: dict[str, Any] = {
    "allowed_origins": ["*"],
    "allowed_methods": ["GET", "HEAD", "PUT"],
    "allowed_headers": ["*"],
    "exposed_headers": ["*"],
    "max_age_in_seconds": 3600,
}


@dataclass(frozen=True)
class AzureByobStorageProps:
    namespace: str
    """Prefix of the identity and credential names."""
    resource_group_name: str
    """Resource group of every resource (created or existing)."""
    location: str
    """Azure region of every resource."""
    storage_account_name: str
    """Globally unique account name (3-24 lowercase letters and digits)."""
    container_name: str = "wandb"
    """Blob container. Default: "wandb"."""
    level: str = "team"
    """"instance" (access key) or "team" (managed identity). Default: "team"."""
    account_replication_type: str = "ZRS"
    """Default: "ZRS"."""
    blob_soft_delete_days: int = 7
    """Default: 7."""
    container_soft_delete_days: int = 7
    """Default: 7."""
    oidc_issuer_url: str | None = None
    """Team level: the W&B instance's OIDC issuer, verbatim (AKS ends with "/", EKS/GKE do not). Default: None (required for team level)."""
    kubernetes_namespace: str = "default"
    """Team level: namespace of the W&B service accounts. Default: "default"."""
    service_accounts: tuple[str, ...] = ()
    """Team level: W&B service accounts given a federated credential. Default: () (required for team level)."""
    additional_role_definition_names: tuple[str, ...] = ()
    """Team level: roles granted beyond Storage Blob Data Contributor. Default: ()."""
    tags: dict[str, str] = field(default_factory=dict)
    """Tags on every resource. Default: {}."""
    path: str = ""
    """Sub-path in the container for W&B files. Default: "" (container root)."""
    sas_expiration_period: str = DEFAULT_SAS_EXPIRATION_PERIOD
    """SAS expiration policy: the longest validity (``DD.HH:MM:SS``) a SAS on the account should have.
    Default: "1.00:00:00" (one day)."""
    sas_expiration_action: str = DEFAULT_SAS_EXPIRATION_ACTION
    """What Azure does with a SAS exceeding the period: "Log" (record it in the diagnostic logs) or "Block"
    (reject the request). Default: "Log" (never breaks W&B's presigned URLs)."""
    customer_managed_key_id: str | None = None
    """Versionless Key Vault key ID (``https://<vault>.vault.azure.net/keys/<name>``) to encrypt the account with.
    The vault needs soft delete and purge protection. Default: None (Microsoft-managed keys)."""
    customer_managed_key_identity_id: str | None = None
    """Resource ID of a user-assigned identity that may use that key (e.g. "Key Vault Crypto Service Encryption
    User"); it is attached to the account. Required with customer_managed_key_id. Default: None."""


class AzureByobStorage(Construct):
    def __init__(self, scope: Construct, construct_id: str, props: AzureByobStorageProps) -> None:
        super().__init__(scope, construct_id)
        if props.level not in {"instance", "team"}:
            raise ValueError(f"level must be instance or team, got {props.level!r}")
        validate_storage_settings(
            "AzureByobStorageProps",
            sas_expiration_period=props.sas_expiration_period,
            sas_expiration_action=props.sas_expiration_action,
            customer_managed_key_id=props.customer_managed_key_id,
            customer_managed_key_identity_id=props.customer_managed_key_identity_id,
        )
        if props.level == "team":
            if not props.oidc_issuer_url or not props.oidc_issuer_url.startswith("https://"):
                raise ValueError("team level needs oidc_issuer_url: the https issuer exactly as the cluster publishes it")
            if not props.service_accounts:
                raise ValueError("team level needs at least one W&B service account")
        self._props = props
        self._account = azurerm.storage_account.StorageAccount(
            self,
            "account",
            name=props.storage_account_name,
            resource_group_name=props.resource_group_name,
            location=props.location,
            account_kind="StorageV2",
            account_tier="Standard",
            account_replication_type=props.account_replication_type,
            min_tls_version="TLS1_2",
            https_traffic_only_enabled=True,
            allow_nested_items_to_be_public=False,
            # Azure's default, stated explicitly: instance-level BYOB hands W&B the account key.
            shared_access_key_enabled=True,
            cross_tenant_replication_enabled=False,
            blob_properties={
                "versioning_enabled": True,
                "delete_retention_policy": {"days": props.blob_soft_delete_days},
                "container_delete_retention_policy": {"days": props.container_soft_delete_days},
                "cors_rule": [azurerm.storage_account.StorageAccountBlobPropertiesCorsRule(**CORS_RULE)],
            },
            tags=dict(props.tags),
            **storage_account_security_kwargs(
                sas_expiration_period=props.sas_expiration_period,
                sas_expiration_action=props.sas_expiration_action,
                customer_managed_key_id=props.customer_managed_key_id,
                customer_managed_key_identity_id=props.customer_managed_key_identity_id,
            ),
        )
        self._container = azurerm.storage_container.StorageContainer(
            self, "container", name=props.container_name, storage_account_id=self._account.id, container_access_type="private"
        )
        self._identity: Any = None
        self._federated_credentials: list[Any] = []
        self._role_assignments: list[Any] = []
        if props.level == "team":
            self._team_access(props)

    def _team_access(self, props: AzureByobStorageProps) -> None:
        identity = azurerm.user_assigned_identity.UserAssignedIdentity(
            self, "identity", name=f"{props.namespace}-byob-identity",
            resource_group_name=props.resource_group_name, location=props.location, tags=dict(props.tags),
        )
        self._identity = identity
        previous: Any = None
        for sa, subject in zip(props.service_accounts, self.federated_credential_subjects, strict=True):
            cred = azurerm.federated_identity_credential.FederatedIdentityCredential(
                self,
                f"federated-{sa}",
                name=f"{props.namespace}-federated-credential-{sa}",
                resource_group_name=props.resource_group_name,
                parent_id=identity.id,
                audience=[TOKEN_EXCHANGE_AUDIENCE],
                issuer=props.oidc_issuer_url,  # type: ignore[arg-type]
                subject=subject,
                depends_on=[previous] if previous is not None else None,
            )
            self._federated_credentials.append(cred)
            previous = cred
        for role in self.role_definition_names:
            slug = role.lower().replace(" ", "-")
            self._role_assignments.append(
                azurerm.role_assignment.RoleAssignment(
                    self, f"role-{slug}", scope=self._account.id, role_definition_name=role,
                    principal_id=identity.principal_id, principal_type="ServicePrincipal",
                )
            )

    # --- attributes -----------------------------------------------------------------------
    @property
    def props(self) -> AzureByobStorageProps:
        return self._props

    @property
    def storage_account_name(self) -> str:
        return self._account.name

    @property
    def storage_account_id(self) -> str:
        return self._account.id

    @property
    def container_name(self) -> str:
        return self._container.name

    @property
    def primary_access_key(self) -> str:
        """Token for the account key; use only in a sensitive output."""
        return self._account.primary_access_key

    @property
    def federated_credential_ids(self) -> tuple[str, ...]:
        """Team level: resource ids of the federated credentials, one per W&B service account, in
        ``service_accounts`` order; () at instance level."""
        return tuple(str(c.id) for c in self._federated_credentials)

    @property
    def federated_credential_subjects(self) -> tuple[str, ...]:
        """Team level: ``system:serviceaccount:<namespace>:<account>`` of each credential; () at instance level."""
        return tuple(f"system:serviceaccount:{self.props.kubernetes_namespace}:{sa}"
                     for sa in (self.props.service_accounts if self._identity is not None else ()))

    @property
    def role_assignment_ids(self) -> tuple[str, ...]:
        """Team level: resource ids of the identity's role assignments on the account, in
        ``role_definition_names`` order; () at instance level."""
        return tuple(str(r.id) for r in self._role_assignments)

    @property
    def role_definition_names(self) -> tuple[str, ...]:
        """Team level: the roles the identity holds on the account (Storage Blob Data Contributor, Reader, then
        ``additional_role_definition_names``); () at instance level."""
        if self._identity is None:
            return ()
        return (BLOB_DATA_ROLE, READER_ROLE, *self.props.additional_role_definition_names)

    @property
    def managed_identity_id(self) -> str | None:
        """Team level: resource id of the user-assigned identity; None at instance level."""
        return str(self._identity.id) if self._identity is not None else None

    @property
    def managed_identity_client_id(self) -> str | None:
        return self._identity.client_id if self._identity is not None else None

    @property
    def managed_identity_principal_id(self) -> str | None:
        return self._identity.principal_id if self._identity is not None else None

    @property
    def path(self) -> str:
        return self.props.path.strip("/")
