"""``<namespace>-byob-azure``: storage account settings, team-level identity and federation, instance-level key output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from wandb_cdktf.config.byob import DEFAULT_AZURE_SERVICE_ACCOUNTS
from wandb_cdktf.testing import normalize, one_resource, resources

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EXAMPLE = yaml.safe_load((EXAMPLES / "byob-azure.yaml").read_text())
STACK = "wbbyob-byob-azure"
ISSUER = EXAMPLE["byob"]["azure"]["oidc_issuer_url"]
INSTANCE = {
    "namespace": "wb-test",
    "create_platform": False,
    "byob": {
        "deployment_type": "self-managed",
        "level": "instance",
        "azure": {"create_resource_group": False, "resource_group_name": "existing-rg",
                  "subscription_id": "00000000-1111-2222-3333-444444444444"},
    },
}
TEAM_CUSTOM = {
    "namespace": "wbtest",
    "create_platform": False,
    "byob": {
        "deployment_type": "self-managed",
        "azure": {
            "location": "westeurope",
            "oidc_issuer_url": "https://westeurope.oic.prod-aks.azure.com/t/c/",
            "kubernetes_namespace": "wandb",
            "service_accounts": ["wandb-app", "wandb-api"],
            "additional_role_definition_names": ["Storage Account Contributor"],
        },
    },
}


@pytest.fixture(scope="module")
def doc(synth) -> dict[str, Any]:
    return synth(EXAMPLE).stack(STACK)


def ref(doc: dict[str, Any], rtype: str, attr: str) -> str:
    (logical_id,) = resources(doc, rtype)
    return f"${{{rtype}.{logical_id}.{attr}}}"


def test_only_the_byob_stack_is_built(synth) -> None:
    assert list(synth(EXAMPLE).stacks) == [STACK]


def test_provider_has_features(doc) -> None:
    (provider,) = doc["provider"]["azurerm"]
    assert provider["features"] == [{}]


def test_resource_group_created(doc) -> None:
    rg = one_resource(doc, "azurerm_resource_group")
    assert (rg["name"], rg["location"]) == ("wbbyob-storage", "eastus")
    assert rg["tags"] == {"managed-by": "wandb-cdktf", "team": "omega"}


def test_storage_account_settings(doc) -> None:
    account = one_resource(doc, "azurerm_storage_account")
    assert account["name"] == "wbbyobteamomega"
    assert account["resource_group_name"] == ref(doc, "azurerm_resource_group", "name")
    assert account["location"] == ref(doc, "azurerm_resource_group", "location")
    assert account["account_kind"] == "StorageV2"
    assert account["account_tier"] == "Standard"
    assert account["account_replication_type"] == "ZRS"
    assert account["min_tls_version"] == "TLS1_2"
    assert account["https_traffic_only_enabled"] is True
    assert account["allow_nested_items_to_be_public"] is False
    assert account["cross_tenant_replication_enabled"] is False
    blob = account["blob_properties"]
    assert blob["versioning_enabled"] is True
    assert blob["delete_retention_policy"] == {"days": 7}
    assert blob["container_delete_retention_policy"] == {"days": 7}
    assert blob["cors_rule"] == [{
        "allowed_origins": ["*"],
        "allowed_methods": ["GET", "HEAD", "PUT"],
        "allowed_headers": ["*"],
        "exposed_headers": ["*"],
        "max_age_in_seconds": 3600,
    }]


def test_storage_account_sas_policy_and_microsoft_managed_keys(synth, doc) -> None:
    for account in (one_resource(doc, "azurerm_storage_account"),
                    one_resource(synth(INSTANCE).stack("wb-test-byob-azure"), "azurerm_storage_account")):
        # SAS expiration policy: one day, out-of-policy use is only logged (presigned URLs keep working).
        assert account["sas_policy"] == {"expiration_period": "1.00:00:00", "expiration_action": "Log"}
        # Stated explicitly (checkov reads it); instance level hands W&B the account key.
        assert account["shared_access_key_enabled"] is True
        # Microsoft-managed keys unless a customer-managed key is configured.
        assert "customer_managed_key" not in account and "identity" not in account


CMK_KEY_ID = "https://wbvault.vault.azure.net/keys/wandb-byob"
CMK_IDENTITY_ID = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
    "Microsoft.ManagedIdentity/userAssignedIdentities/byob-cmk"
)


def test_construct_customer_managed_key_and_sas_policy_props(tmp_path) -> None:
    from cdktf import App, TerraformStack

    from wandb_cdktf._providers import azurerm
    from wandb_cdktf.constructs.azure import AzureByobStorage, AzureByobStorageProps
    from wandb_cdktf.testing import load_stacks

    app = App(outdir=str(tmp_path))
    stack = TerraformStack(app, "s")
    azurerm.provider.AzurermProvider(stack, "azurerm", features=[{}])
    AzureByobStorage(stack, "byob", AzureByobStorageProps(
        namespace="wbcmk", resource_group_name="rg", location="eastus", storage_account_name="wbcmkbyob",
        level="instance", sas_expiration_period="0.04:00:00", sas_expiration_action="Block",
        customer_managed_key_id=CMK_KEY_ID, customer_managed_key_identity_id=CMK_IDENTITY_ID,
    ))
    app.synth()
    account = one_resource(load_stacks(tmp_path)["s"], "azurerm_storage_account")
    assert account["sas_policy"] == {"expiration_period": "0.04:00:00", "expiration_action": "Block"}
    assert account["identity"] == {"type": "UserAssigned", "identity_ids": [CMK_IDENTITY_ID]}
    assert account["customer_managed_key"] == {"key_vault_key_id": CMK_KEY_ID, "user_assigned_identity_id": CMK_IDENTITY_ID}


@pytest.mark.parametrize(("override", "message"), [
    ({"customer_managed_key_id": CMK_KEY_ID}, "must be set together"),
    ({"customer_managed_key_identity_id": CMK_IDENTITY_ID}, "must be set together"),
    ({"sas_expiration_period": "1 day"}, "sas_expiration_period"),
    ({"sas_expiration_period": "0.00:00:00"}, "sas_expiration_period"),
    ({"sas_expiration_action": "Warn"}, "sas_expiration_action"),
])
def test_construct_refuses_bad_storage_settings(override: dict[str, str], message: str) -> None:
    from cdktf import App, TerraformStack

    from wandb_cdktf.constructs.azure import AzureByobStorage, AzureByobStorageProps

    stack = TerraformStack(App(outdir="/tmp/unused-byob-azure"), "s")
    with pytest.raises(ValueError, match=message):
        AzureByobStorage(stack, "byob", AzureByobStorageProps(
            namespace="x", resource_group_name="rg", location="eastus", storage_account_name="xbyob", level="instance",
            **override,
        ))


def test_container(doc) -> None:
    container = normalize(one_resource(doc, "azurerm_storage_container"))
    assert container == {
        "name": "wandb",
        "storage_account_id": ref(doc, "azurerm_storage_account", "id"),
        "container_access_type": "private",
    }


def test_team_identity_and_federated_credentials(doc) -> None:
    identity = one_resource(doc, "azurerm_user_assigned_identity")
    assert identity["name"] == "wbbyob-byob-identity"
    creds = resources(doc, "azurerm_federated_identity_credential")
    assert sorted(c["subject"] for c in creds.values()) == sorted(
        f"system:serviceaccount:default:{sa}" for sa in DEFAULT_AZURE_SERVICE_ACCOUNTS
    )
    identity_id = ref(doc, "azurerm_user_assigned_identity", "id")
    for cred in creds.values():
        assert cred["issuer"] == ISSUER and cred["issuer"].endswith("/")
        assert cred["audience"] == ["api://AzureADTokenExchange"]
        assert cred["parent_id"] == identity_id
    # Azure rejects concurrent credential writes on one identity: they form a single chain.
    roots = [lid for lid, c in creds.items() if "depends_on" not in c]
    assert len(roots) == 1
    seen, current = [roots[0]], roots[0]
    by_parent = {c["depends_on"][0].split(".", 1)[1]: lid for lid, c in creds.items() if "depends_on" in c}
    while current in by_parent:
        current = by_parent[current]
        seen.append(current)
    assert len(seen) == len(creds)


def test_role_assignments_are_the_documented_pair(doc) -> None:
    """Current W&B docs for team-level Azure (field review B-41, earlier reference report §3.4): Reader + Storage
    Blob Data Contributor on the account. SBDC: blob read/write/delete and generateUserDelegationKey (presigned
    URLs); Reader: Microsoft.Storage/storageAccounts/blobServices/read, which W&B's team-creation check of CORS,
    versioning and soft delete needs (otherwise HTTP 403). Neither grants account keys (listKeys is an action,
    not a read)."""
    roles = resources(doc, "azurerm_role_assignment")
    assert sorted(r["role_definition_name"] for r in roles.values()) == ["Reader", "Storage Blob Data Contributor"]
    for role in roles.values():
        assert role["scope"] == ref(doc, "azurerm_storage_account", "id")
        assert role["principal_id"] == ref(doc, "azurerm_user_assigned_identity", "principal_id")
        assert role["principal_type"] == "ServicePrincipal"
    # The existing assignment keeps its address.
    assert any(lid.startswith("byob-storage_role-storage-blob-data-contributor") for lid in roles)


def test_eks_issuer_without_trailing_slash_is_federated_verbatim(synth) -> None:
    """A self-managed W&B on EKS (the platform this library builds) federates with its issuer exactly as EKS
    publishes it: no trailing '/' (Entra ID matches the token's iss claim exactly)."""
    issuer = "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
    data = {"namespace": "wbtest", "create_platform": False, "byob": {"deployment_type": "self-managed",
            "azure": {"location": "eastus", "oidc_issuer_url": issuer}}}
    creds = resources(synth(data).stack("wbtest-byob-azure"), "azurerm_federated_identity_credential")
    assert creds and {c["issuer"] for c in creds.values()} == {issuer}


def test_team_outputs_are_the_four_form_fields(doc) -> None:
    out = doc["output"]
    (client,) = doc["data"]["azurerm_client_config"]
    expected = {
        "storage_account_name": ref(doc, "azurerm_storage_account", "name"),
        "container_name": ref(doc, "azurerm_storage_container", "name"),
        "managed_identity_client_id": ref(doc, "azurerm_user_assigned_identity", "client_id"),
        "tenant_id": f"${{data.azurerm_client_config.{client}.tenant_id}}",
    }
    for name, value in expected.items():
        assert out[name]["value"] == value
    form = out["wandb_team_form"]["value"]
    assert form["account_name"] == expected["storage_account_name"]
    assert form["managed_identity_client_id"] == expected["managed_identity_client_id"]
    assert form["tenant_id"] == expected["tenant_id"]
    assert "storage_account_access_key" not in out


def test_team_custom_namespace_accounts_and_roles(synth) -> None:
    doc = synth(TEAM_CUSTOM).stack("wbtest-byob-azure")
    creds = resources(doc, "azurerm_federated_identity_credential")
    assert sorted(c["subject"] for c in creds.values()) == [
        "system:serviceaccount:wandb:wandb-api", "system:serviceaccount:wandb:wandb-app"]
    roles = sorted(r["role_definition_name"] for r in resources(doc, "azurerm_role_assignment").values())
    assert roles == ["Reader", "Storage Account Contributor", "Storage Blob Data Contributor"]
    account = one_resource(doc, "azurerm_storage_account")
    assert account["name"] == "wbtestbyob"  # default name


def test_instance_level_existing_group_and_sensitive_key(synth) -> None:
    result = synth(INSTANCE)
    doc = result.stack("wb-test-byob-azure")
    assert not resources(doc, "azurerm_resource_group")
    assert doc["data"]["azurerm_resource_group"]["resource-group"]["name"] == "existing-rg"
    (provider,) = doc["provider"]["azurerm"]
    assert provider["subscription_id"] == "00000000-1111-2222-3333-444444444444"
    account = one_resource(doc, "azurerm_storage_account")
    assert account["name"] == "wbtestbyob"
    assert account["location"] == "${data.azurerm_resource_group.resource-group.location}"
    for rtype in ("azurerm_user_assigned_identity", "azurerm_federated_identity_credential", "azurerm_role_assignment"):
        assert not resources(doc, rtype)
    out = doc["output"]
    assert out["storage_account_access_key"] == {
        "description": out["storage_account_access_key"]["description"],
        "sensitive": True,
        "value": ref(doc, "azurerm_storage_account", "primary_access_key"),
    }
    assert set(out) == {"storage_account_name", "container_name", "path", "storage_account_access_key"}
    # The key itself never appears anywhere in the synthesized JSON, only the attribute reference.
    text = (result.stack_dir("wb-test-byob-azure") / "cdk.tf.json").read_text()
    assert text.count("primary_access_key") == 1


def test_no_secrets_in_any_synthesized_stack(synth) -> None:
    for config in (EXAMPLE, INSTANCE, TEAM_CUSTOM):
        for stack in synth(config).stacks.values():
            text = json.dumps(stack)
            assert "PRIVATE KEY" not in text and "license" not in text.lower()
            assert not stack.get("variable")
            for name, output in stack["output"].items():
                if "key" in name:  # only references to resource attributes, and always sensitive
                    assert output["sensitive"] is True and output["value"].startswith("${azurerm_"), name


def test_snapshot(doc, snapshot) -> None:
    assert normalize(doc) == snapshot


def test_snapshot_instance(synth, snapshot) -> None:
    assert normalize(synth(INSTANCE).stack("wb-test-byob-azure")) == snapshot


def test_a_list_adds_named_accounts_with_distinct_names(synth) -> None:
    """Seed 000/001 Kappa/Omega: more than one team bucket per cloud. The unnamed item keeps resource-group /
    byob-storage (Terraform addresses); the named one gets its own group, account and identity names
    (storage account names are global, identity names unique per group) and prefixed outputs."""
    import copy

    data = copy.deepcopy(EXAMPLE)
    single = synth(copy.deepcopy(data)).stack(STACK)
    second = {**data["byob"]["azure"], "name": "omega"}
    for key in ("storage_account_name", "resource_group_name"):
        second.pop(key, None)
    data["byob"]["azure"] = [data["byob"]["azure"], second]
    listed = synth(data).stack(STACK)
    assert set(resources(single, "azurerm_storage_account")) < set(resources(listed, "azurerm_storage_account"))
    accounts = [a["name"] for a in resources(listed, "azurerm_storage_account").values()]
    identities = [i["name"] for i in resources(listed, "azurerm_user_assigned_identity").values()]
    assert len(set(accounts)) == 2 and len(set(identities)) == len(identities)
    assert len(listed["data"]["azurerm_client_config"]) == 1  # one tenant lookup for all team outputs
    assert "omega_wandb_team_form" in listed["output"]


def test_construct_exposes_team_access_as_read_only_ids(tmp_path) -> None:
    """Credentials and role assignments are typed tuples of ids pointing at the resources built (one per service
    account, in order; Blob Data Contributor then Reader then the extra roles), not the mutable L1 lists."""
    from cdktf import App, TerraformOutput, TerraformStack

    from wandb_cdktf._providers import azurerm
    from wandb_cdktf.constructs.azure import AzureByobStorage, AzureByobStorageProps
    from wandb_cdktf.testing import load_stacks

    app = App(outdir=str(tmp_path))
    stack = TerraformStack(app, "s")
    azurerm.provider.AzurermProvider(stack, "azurerm", features=[{}])
    team = AzureByobStorage(stack, "team", AzureByobStorageProps(
        namespace="wbt", resource_group_name="rg", location="eastus", storage_account_name="wbtbyob",
        oidc_issuer_url="https://oidc.example.com/issuer", kubernetes_namespace="wandb",
        service_accounts=("app", "weave"), additional_role_definition_names=("Storage Blob Data Owner",),
    ))
    instance = AzureByobStorage(stack, "inst", AzureByobStorageProps(
        namespace="wbi", resource_group_name="rg", location="eastus", storage_account_name="wbibyob", level="instance",
    ))
    assert isinstance(team.federated_credential_ids, tuple) and isinstance(team.role_assignment_ids, tuple)
    assert team.federated_credential_subjects == ("system:serviceaccount:wandb:app", "system:serviceaccount:wandb:weave")
    assert team.role_definition_names == ("Storage Blob Data Contributor", "Reader", "Storage Blob Data Owner")
    assert (instance.federated_credential_ids, instance.federated_credential_subjects, instance.role_assignment_ids,
            instance.role_definition_names, instance.managed_identity_id) == ((), (), (), (), None)
    TerraformOutput(stack, "creds", value=list(team.federated_credential_ids))
    TerraformOutput(stack, "roles", value=list(team.role_assignment_ids))
    TerraformOutput(stack, "identity", value=team.managed_identity_id)
    app.synth()
    doc = load_stacks(tmp_path)["s"]
    creds = doc["resource"]["azurerm_federated_identity_credential"]
    by_subject = {c["subject"]: f"${{azurerm_federated_identity_credential.{lid}.id}}" for lid, c in creds.items()}
    assert doc["output"]["creds"]["value"] == [by_subject[s] for s in team.federated_credential_subjects]
    roles = doc["resource"]["azurerm_role_assignment"]
    by_role = {r["role_definition_name"]: f"${{azurerm_role_assignment.{lid}.id}}" for lid, r in roles.items()}
    assert doc["output"]["roles"]["value"] == [by_role[r] for r in team.role_definition_names]
    (identity_id,) = doc["resource"]["azurerm_user_assigned_identity"]
    assert doc["output"]["identity"]["value"] == f"${{azurerm_user_assigned_identity.{identity_id}.id}}"
