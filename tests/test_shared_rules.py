"""One rule per identifier: the BYOB (``byob:``) and Launch (``launch:``) sections refuse the same bad value with
the same message, because both use the one definition in config/validators.py / config/types.py (or the storage
leaf's, for names that also appear in storage addresses)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from wandb_cdktf.config import ConfigError, config_from_mapping

ISSUER = "https://eastus.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000000/11111111-1111-1111-1111-111111111111/"
SA = "wandb@my-project.iam.gserviceaccount.com"
BYOB_GCP = {"project": "my-project", "wandb_service_account": SA}
BYOB_AZURE = {"location": "eastus", "oidc_issuer_url": ISSUER}
LAUNCH_GCP = {"project": "my-project", "region": "us-central1"}
LAUNCH_AZURE = {"location": "eastus", "oidc_issuer_url": ISSUER}


def _byob(cloud: str, **fields: Any) -> dict[str, Any]:
    section = copy.deepcopy({"gcp": BYOB_GCP, "azure": BYOB_AZURE}[cloud]) | fields
    return {"namespace": "wbtest", "create_platform": False, "byob": {"deployment_type": "dedicated", cloud: section}}


def _launch(cloud: str, top: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    section = copy.deepcopy({"gcp": LAUNCH_GCP, "azure": LAUNCH_AZURE}[cloud]) | fields
    return {"namespace": "wbtest", "create_platform": False, "launch": {cloud: section, **(top or {})}}


def _refusal(data: dict[str, Any]) -> ConfigError:
    with pytest.raises(ConfigError) as exc:
        config_from_mapping(data)
    return exc.value


def _same_refusal(byob: dict[str, Any], byob_option: str, launch: dict[str, Any], launch_option: str) -> str:
    a, b = _refusal(byob), _refusal(launch)
    assert (a.option, b.option) == (byob_option, launch_option)
    assert a.message == b.message
    return a.message


@pytest.mark.parametrize("bad", ["my-p1", "a" * 31, "1project", "my-project-", "My-Project", "my_project"])
def test_gcp_project_id(bad: str) -> None:
    """GCP Resource Manager, "Creating and managing projects": a project ID is 6 to 30 characters, lowercase
    letters, digits and hyphens, starts with a letter and cannot end with a hyphen."""
    message = _same_refusal(_byob("gcp", project=bad), "byob.gcp.project", _launch("gcp", project=bad), "launch.gcp.project")
    assert "6-30 lowercase letters" in message
    for good in ("my-project", "a" * 30, "abc123"):
        config_from_mapping(_byob("gcp", project=good))
        config_from_mapping(_launch("gcp", project=good))


@pytest.mark.parametrize("bad", ["agent@example.com", "agent@my-project.iam.gserviceaccount.com.evil.io", "Agent@x.iam.gserviceaccount.com"])
def test_gcp_service_account_email(bad: str) -> None:
    """GCP IAM, "Service accounts": a service account is identified by an email address in gserviceaccount.com
    (SA_NAME@PROJECT_ID.iam.gserviceaccount.com; defaults such as PROJECT_NUMBER-compute@developer.gserviceaccount.com).
    Launch used to accept any e-mail address here."""
    _same_refusal(_byob("gcp", wandb_service_account=bad), "byob.gcp.wandb_service_account",
                  _launch("gcp", job_node_service_account=bad), "launch.gcp.job_node_service_account")
    for good in (SA, "123456789012-compute@developer.gserviceaccount.com"):
        config_from_mapping(_byob("gcp", wandb_service_account=good))
        config_from_mapping(_launch("gcp", job_node_service_account=good))


@pytest.mark.parametrize("bad", [
    "http://issuer.example.com/x/",  # not https
    "https://issuer.example.com/x?tenant=1",  # a query
    "https://issuer.example.com/x#frag",  # a fragment
    "https://issuer.example.com/a b/",  # whitespace
    "https://issuer.example.com/${aws:username}",  # an IAM policy variable in the condition key built from it
    "https://issuer.example.com/*",  # an IAM wildcard
])
def test_oidc_issuer_url(bad: str) -> None:
    """OpenID Connect Discovery 1.0 section 3: "issuer ... URL using the https scheme with no query or fragment
    components". Byob allowed any non-space path character, Launch only RFC 3986 unreserved ones: both now allow
    the latter (IAM builds condition keys from the issuer's host/path)."""
    _same_refusal(_byob("azure", oidc_issuer_url=bad), "byob.azure.oidc_issuer_url",
                  _launch("azure", oidc_issuer_url=bad), "launch.azure.oidc_issuer_url")


@pytest.mark.parametrize("issuer", [
    ISSUER,  # AKS: ends with '/'
    "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",  # EKS: no trailing '/'
    "https://container.googleapis.com/v1/projects/my-project/locations/us-central1/clusters/wandb",  # GKE
    "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",  # Entra ID
])
def test_oidc_issuer_url_is_kept_verbatim_in_both(issuer: str) -> None:
    """Entra ID compares a federated credential's issuer with the token's ``iss`` exactly (Microsoft Learn,
    "Workload identity federation": "issuer ... must match the iss claim"): neither section adds or strips '/'."""
    byob = config_from_mapping(_byob("azure", oidc_issuer_url=issuer)).byob
    launch = config_from_mapping(_launch("azure", oidc_issuer_url=issuer)).launch
    assert byob is not None and launch is not None and launch.azure is not None
    assert byob.sections("azure")[0][1].oidc_issuer_url == launch.azure.oidc_issuer_url == issuer


@pytest.mark.parametrize("bad", ["not-a-uuid", "00000000-0000-0000-0000-00000000000", "{00000000-0000-0000-0000-000000000000}"])
def test_azure_subscription_id_is_a_uuid(bad: str) -> None:
    """Azure subscription ids are GUIDs (Microsoft Learn, "Get subscription and tenant IDs")."""
    _same_refusal(_byob("azure", subscription_id=bad), "byob.azure.subscription_id",
                  _launch("azure", subscription_id=bad), "launch.azure.subscription_id")


@pytest.mark.parametrize("bad", ["Wandb", "wandb_ns", "-wandb", "wandb-", "a" * 64])
def test_kubernetes_namespace(bad: str) -> None:
    """Kubernetes "Namespaces" / "Object Names and IDs": a namespace name is an RFC 1123 label, at most 63
    characters of lowercase alphanumerics and '-', starting and ending with an alphanumeric."""
    _same_refusal(_byob("azure", kubernetes_namespace=bad), "byob.azure.kubernetes_namespace",
                  _launch("gcp", top={"agent_namespace": bad}), "launch.agent_namespace")


@pytest.mark.parametrize("bad", ["goog-bucket", "my-google-bucket", "ab", "Bucket", "bucket-", "192.168.5.4"])
def test_gcs_bucket_name(bad: str) -> None:
    """Cloud Storage, "Bucket names": 3-63 characters of lowercase letters, digits, '-', '_' and '.', starting and
    ending with a letter or digit, not an IP address, not beginning with "goog" nor containing "google". Launch
    used to check only the characters."""
    _same_refusal(_byob("gcp", bucket_name=bad), "byob.gcp.bucket_name", _launch("gcp", bucket_name=bad), "launch.gcp.bucket_name")


@pytest.mark.parametrize("bad", ["ab", "a" * 25, "Wandbacct", "wandb-acct", "wandb_acct"])
def test_azure_storage_account_name(bad: str) -> None:
    """Azure "Storage account overview": names are 3 to 24 characters, numbers and lowercase letters only."""
    _same_refusal(_byob("azure", storage_account_name=bad), "byob.azure.storage_account_name",
                  _launch("azure", storage_account_name=bad), "launch.azure.storage_account_name")


@pytest.mark.parametrize("bad", ["ab", "a" * 64, "build--contexts", "-build", "build-", "Build"])
def test_azure_container_name(bad: str) -> None:
    """Azure Blob Storage, "Naming and referencing containers": 3-63 characters, lowercase letters, numbers and
    hyphens, starting with a letter or number, every hyphen preceded and followed by a letter or number. Launch's
    pattern used to accept 2 characters and names longer than 63."""
    _same_refusal(_byob("azure", container_name=bad), "byob.azure.container_name",
                  _launch("azure", container_name=bad), "launch.azure.container_name")


@pytest.mark.parametrize("bad", ["East US", "east-us", ""])
def test_azure_location(bad: str) -> None:
    """Azure region names as the CLI lists them (az account list-locations: name), e.g. eastus, westeurope."""
    _same_refusal(_byob("azure", location=bad), "byob.azure.location", _launch("azure", location=bad), "launch.azure.location")


@pytest.mark.parametrize("bad", ["rg.", "r" * 91, "rg/1", "rg name"])
def test_azure_resource_group_name(bad: str) -> None:
    """Azure "Naming rules and restrictions" (Microsoft.Resources/resourcegroups): 1-90 characters of
    underscores, hyphens, periods, parentheses, letters and digits, not ending in a period."""
    _same_refusal(_byob("azure", resource_group_name=bad), "byob.azure.resource_group_name",
                  _launch("azure", resource_group_name=bad), "launch.azure.resource_group_name")
    for good in ("r", "rg-(wandb)_1.x"):
        config_from_mapping(_launch("azure", resource_group_name=good))
