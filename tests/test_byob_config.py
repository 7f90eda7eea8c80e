"""The ``byob`` config section: the availability matrix, presets, defaults and error messages."""

from __future__ import annotations

import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import pytest

from _support import make_config
from wandb_cdktf.config import ConfigError, config_from_mapping, load_config
from wandb_cdktf.config.byob import AWS_PRINCIPALS, DEFAULT_AZURE_SERVICE_ACCOUNTS, GCP_SERVICE_ACCOUNTS, ByobConfig

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ISSUER = "https://oidc.example.com/tenant/cluster/"
AZURE = {"location": "eastus", "oidc_issuer_url": ISSUER}
ROLE = "arn:aws:iam::123456789012:role/wandb-node"
SA = "wandb@my-project.iam.gserviceaccount.com"


def byob_only(byob: dict[str, Any]) -> dict[str, Any]:
    return {"namespace": "wbtest", "create_platform": False, "byob": byob}


def load(byob: dict[str, Any]):
    return config_from_mapping(byob_only(byob))


# --- the availability matrix: every supported row builds ----------------------------------

SUPPORTED = [
    ("dedicated", "instance", "aws", {}),
    ("dedicated", "team", "aws", {}),
    ("dedicated", "instance", "gcp", {"project": "my-project"}),
    ("dedicated", "team", "gcp", {"project": "my-project"}),
    ("dedicated", "instance", "azure", {"location": "eastus"}),
    ("dedicated", "team", "azure", AZURE),
    ("saas", "team", "aws", {}),
    ("saas", "team", "gcp", {"project": "my-project"}),
    ("self-managed", "instance", "aws", {"wandb_principal_arn": ROLE}),
    ("self-managed", "team", "aws", {"wandb_principal_arn": ROLE}),
    ("self-managed", "instance", "gcp", {"project": "my-project", "wandb_service_account": SA}),
    ("self-managed", "team", "gcp", {"project": "my-project", "wandb_service_account": SA}),
    ("self-managed", "instance", "azure", {"location": "eastus"}),
    ("self-managed", "team", "azure", AZURE),
]


@pytest.mark.parametrize(("deployment_type", "level", "cloud", "section"), SUPPORTED)
def test_supported_matrix_rows(deployment_type: str, level: str, cloud: str, section: dict) -> None:
    config = load({"deployment_type": deployment_type, "level": level, cloud: section})
    assert config.byob is not None
    assert config.byob.clouds() == [cloud]
    assert config.byob.level_for(cloud) == level
    assert config.stack_ids == {f"byob-{cloud}": f"wbtest-byob-{cloud}"}


UNSUPPORTED = [
    ({"deployment_type": "saas", "level": "instance", "aws": {}}, "byob.level",
     "SaaS Cloud has no instance-level BYOB"),
    ({"deployment_type": "saas", "level": "instance", "gcp": {"project": "my-project"}}, "byob.level",
     "SaaS Cloud has no instance-level BYOB"),
    ({"deployment_type": "saas", "aws": {"level": "instance"}}, "byob.aws.level",
     "SaaS Cloud has no instance-level BYOB"),
    ({"deployment_type": "saas", "gcp": {"project": "my-project", "level": "instance"}}, "byob.gcp.level",
     "SaaS Cloud has no instance-level BYOB"),
    ({"deployment_type": "saas", "level": "team", "azure": AZURE}, "byob.azure",
     "BYOB on Azure is not available for SaaS Cloud (W&B fully manages its only Azure bucket)"),
    ({"deployment_type": "saas", "azure": {"location": "eastus", "level": "instance"}}, "byob.azure",
     "not available for SaaS Cloud"),
    ({"deployment_type": "self-managed", "aws": {}}, "byob.aws",
     "wandb_principal_arn is required for self-managed without the platform built here"),
    ({"deployment_type": "self-managed", "gcp": {"project": "my-project"}}, "byob.gcp.wandb_service_account",
     "is required for self-managed"),
    ({"deployment_type": "self-managed", "gcp": [{"name": "a", "project": "my-project", "wandb_service_account": SA},
                                                 {"name": "b", "project": "my-project"}]},
     "byob.gcp[1].wandb_service_account", "is required for self-managed"),
    ({"deployment_type": "dedicated", "azure": {"location": "eastus"}}, "byob.azure.oidc_issuer_url", "is required at team level"),
    ({"deployment_type": "dedicated", "level": "instance", "azure": AZURE}, "byob.azure.oidc_issuer_url",
     "is a team-level option"),
    ({"deployment_type": "dedicated", "level": "instance", "azure": {"location": "eastus", "kubernetes_namespace": "wandb"}},
     "byob.azure.kubernetes_namespace", "is a team-level option"),
    ({"deployment_type": "saas", "aws": [{"name": "a"}, {"name": "b", "level": "instance"}]}, "byob.aws[1].level",
     "SaaS Cloud has no instance-level BYOB"),
    ({"deployment_type": "saas", "file_stores": [{"type": "azure", "account": "acct1", "container": "wandb", "access_key_env": "K"}]},
     "byob.file_stores", "self-managed instance only"),
    ({"deployment_type": "dedicated", "file_stores": [{"type": "azure", "account": "acct1", "container": "wandb", "access_key_env": "K"}]},
     "byob.file_stores", "self-managed instance only"),
    ({"deployment_type": "dedicated"}, "byob", "configure at least one of aws, gcp, azure or file_stores"),
    ({"deployment_type": "cloud", "aws": {}}, "byob.deployment_type", "must be 'saas', 'dedicated' or 'self-managed'"),
    ({"aws": {}}, "byob.deployment_type", "is required"),
    ({"deployment_type": "dedicated", "level": "org", "aws": {}}, "byob.level", "must be 'instance' or 'team'"),
]


@pytest.mark.parametrize(("byob", "option", "message"), UNSUPPORTED)
def test_unsupported_combinations_are_config_errors(byob: dict, option: str, message: str) -> None:
    with pytest.raises(ConfigError) as exc:
        load(byob)
    assert exc.value.option == option
    assert message in exc.value.message
    assert str(exc.value).startswith(f"config error: {option}: ")


def test_cli_exits_2_with_one_line_for_saas_azure(tmp_path: Path) -> None:
    cfg = tmp_path / "saas-azure.yaml"
    cfg.write_text(
        "namespace: wbtest\ncreate_platform: false\nbyob:\n  deployment_type: saas\n"
        f"  azure: {{location: eastus, oidc_issuer_url: '{ISSUER}'}}\n"
    )
    code = (
        "import sys\nfrom wandb_cdktf.config import load_config, ConfigError\n"
        f"try:\n    load_config({str(cfg)!r})\nexcept ConfigError as e:\n    print(e); sys.exit(2)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stdout.strip().startswith("config error: byob.azure: BYOB on Azure is not available for SaaS Cloud")
    assert len(result.stdout.strip().splitlines()) == 1


# --- field validation ------------------------------------------------------------------------

FIELD_ERRORS = [
    ({"deployment_type": "dedicated", "aws": {"bucket_name": "Bad_Name"}}, "byob.aws.bucket_name", "valid S3 bucket name"),
    ({"deployment_type": "dedicated", "aws": {"path": "a/../b"}}, "byob.aws.path", "without '.' or '..' segments"),
    ({"deployment_type": "dedicated", "aws": {"region": "mars-1"}}, "byob.aws.region", "AWS region"),
    ({"deployment_type": "dedicated", "aws": {"kms_key_arn": "arn:aws:s3:::bucket"}}, "byob.aws.kms_key_arn", "ARN of kms"),
    ({"deployment_type": "self-managed", "aws": {"wandb_principal_arn": "arn:aws:iam::123456789012:policy/x"}},
     "byob.aws.wandb_principal_arn", "IAM role, user or account-root ARN"),
    ({"deployment_type": "dedicated", "aws": {"kms_key_arn": "arn:aws:kms:us-east-1:123456789012:key/k", "kms_key_deletion_window": 8}},
     "byob.aws.kms_key_deletion_window", "cannot be combined with kms_key_arn"),
    ({"deployment_type": "dedicated", "aws": {"kms_key_deletion_window": 6}}, "byob.aws.kms_key_deletion_window", "at least 7"),
    ({"deployment_type": "dedicated", "gcp": {"project": "my-project", "soft_delete_retention_days": 6}},
     "byob.gcp.soft_delete_retention_days", "at least 7"),
    ({"deployment_type": "dedicated", "gcp": {"project": "my-project", "bucket_name": "google-files"}},
     "byob.gcp.bucket_name", "valid GCS bucket name"),
    ({"deployment_type": "dedicated", "gcp": {}}, "byob.gcp.project", "is required"),
    ({"deployment_type": "self-managed", "gcp": {"project": "my-project", "wandb_service_account": "someone@gmail.com"}},
     "byob.gcp.wandb_service_account", "service account email"),
    ({"deployment_type": "dedicated", "azure": {**AZURE, "oidc_issuer_url": "http://oidc.example.com/"}},
     "byob.azure.oidc_issuer_url", "must be an OIDC issuer URL: https://"),
    ({"deployment_type": "dedicated", "azure": {**AZURE, "storage_account_name": "has-hyphen"}},
     "byob.azure.storage_account_name", "storage account name"),
    ({"deployment_type": "dedicated", "azure": {**AZURE, "container_name": "a--b"}},
     "byob.azure.container_name", "container name"),
    ({"deployment_type": "dedicated", "azure": {"oidc_issuer_url": ISSUER}}, "byob.azure.location",
     "is required when create_resource_group is true"),
    ({"deployment_type": "dedicated", "azure": {**AZURE, "create_resource_group": False}}, "byob.azure.resource_group_name",
     "is required when create_resource_group is false"),
    ({"deployment_type": "dedicated", "azure": {**AZURE, "service_accounts": [f"sa-{i}" for i in range(21)]}},
     "byob.azure.service_accounts", "at most 20 federated credentials"),
    ({"deployment_type": "dedicated", "azure": {**AZURE, "additional_role_definition_names": ["Storage Blob Data Contributor"]}},
     "byob.azure.additional_role_definition_names", "always assigned"),
    ({"deployment_type": "dedicated", "aws": {"unknown": 1}}, "byob.aws.unknown", "unknown option"),
]


def test_a_nested_check_names_its_option_in_the_path() -> None:
    """A check inside a section raises ``OptionError(option, detail)``: the loader joins the section's location
    and the option, and the message carries no second option prefix (``byob.azure.location: is required``,
    not ``byob.azure: location: is required``)."""
    with pytest.raises(ConfigError) as exc:
        load({"deployment_type": "dedicated", "azure": {"oidc_issuer_url": ISSUER}})
    assert str(exc.value).startswith("config error: byob.azure.location: is required when create_resource_group")
    assert not exc.value.message.startswith("location")


@pytest.mark.parametrize(("byob", "option", "message"), FIELD_ERRORS)
def test_field_errors(byob: dict, option: str, message: str) -> None:
    with pytest.raises(ConfigError) as exc:
        load(byob)
    assert exc.value.option == option
    assert message in exc.value.message


# --- presets and defaults --------------------------------------------------------------------


@pytest.mark.parametrize("deployment_type", ["saas", "dedicated"])
def test_principal_presets(deployment_type: str) -> None:
    byob = load({"deployment_type": deployment_type, "aws": {}, "gcp": {"project": "my-project"}}).byob
    assert byob is not None
    assert byob.aws_principal() == AWS_PRINCIPALS[deployment_type]
    assert byob.gcp_service_account() == GCP_SERVICE_ACCOUNTS[deployment_type]
    assert AWS_PRINCIPALS == {
        "saas": "arn:aws:iam::725579432336:role/WandbIntegration",
        "dedicated": "arn:aws:iam::830241207209:root",
    }
    assert GCP_SERVICE_ACCOUNTS == {
        "saas": "wandb-integration@wandb-production.iam.gserviceaccount.com",
        "dedicated": "deploy@wandb-production.iam.gserviceaccount.com",
    }


def test_explicit_principal_overrides_preset() -> None:
    byob = load({"deployment_type": "dedicated", "aws": {"wandb_principal_arn": ROLE},
                 "gcp": {"project": "my-project", "wandb_service_account": SA}}).byob
    assert byob is not None and byob.aws_principal() == ROLE and byob.gcp_service_account() == SA


def test_defaults() -> None:
    byob = load({"deployment_type": "dedicated", "aws": {}, "gcp": {"project": "my-project"}, "azure": AZURE}).byob
    assert byob is not None
    assert byob.level == "team"
    assert byob.clouds() == ["aws", "gcp", "azure"]
    assert (byob.aws.region, byob.aws.bucket_name, byob.aws.path, byob.aws.kms_key_arn) == (None, None, "", None)
    assert byob.aws.kms_key_deletion_window == 30
    assert (byob.gcp.location, byob.gcp.soft_delete_retention_days, byob.gcp.kms_key_name) == ("US", 7, None)
    az = byob.azure
    assert (az.container_name, az.kubernetes_namespace, az.account_replication_type) == ("wandb", "default", "ZRS")
    assert (az.blob_soft_delete_days, az.container_soft_delete_days, az.create_resource_group) == (7, 7, True)
    assert az.service_accounts == list(DEFAULT_AZURE_SERVICE_ACCOUNTS) and "wandb-app" in az.service_accounts
    assert az.additional_role_definition_names == []


def test_per_cloud_level_override() -> None:
    byob = load({"deployment_type": "dedicated", "level": "team", "aws": {"level": "instance"}, "gcp": {"project": "my-project"}}).byob
    assert byob is not None and byob.level_for("aws") == "instance" and byob.level_for("gcp") == "team"


def test_sub_path_is_normalized() -> None:
    byob = load({"deployment_type": "dedicated", "aws": {"path": "/team/files/"}}).byob
    assert byob is not None and byob.aws.path == "team/files"


def test_every_optional_field_documents_its_default() -> None:
    from pydantic import BaseModel

    seen: set[type] = set()

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, f in model.model_fields.items():
            if not f.is_required():
                assert f.description and "Default" in f.description, f"{model.__name__}.{name} must document its default"
            for sub in models_in(f.annotation):
                walk(sub)

    def models_in(annotation: Any) -> list[type[BaseModel]]:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return [annotation]
        return [m for arg in typing.get_args(annotation) for m in models_in(arg)]

    walk(ByobConfig)
    assert {m.__name__ for m in seen} >= {"AwsByobConfig", "GcpByobConfig", "AzureByobConfig", "S3CompatibleFileStore"}


def test_byob_next_to_platform() -> None:
    config = config_from_mapping(make_config(byob={"deployment_type": "self-managed", "aws": {"wandb_principal_arn": ROLE}}))
    assert config.stack_ids["byob-aws"] == "wbtest-byob-aws" and "infra" in config.stack_ids


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_examples_load(cloud: str) -> None:
    config = load_config(EXAMPLES / f"byob-{cloud}.yaml")
    assert config.create_platform is False
    assert config.byob is not None and config.byob.clouds() == [cloud]


# --- issue 15: gaps between the W&B docs and what we build -----------------------------------

EKS_ISSUER = "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
GKE_ISSUER = "https://container.googleapis.com/v1/projects/my-project/locations/us-central1/clusters/wandb"
AKS_ISSUER = "https://eastus.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000000/11111111-1111-1111-1111-111111111111/"


@pytest.mark.parametrize("issuer", [EKS_ISSUER, GKE_ISSUER, AKS_ISSUER])
def test_azure_issuer_is_kept_exactly_as_published(issuer: str) -> None:
    """Entra ID matches a federated credential's issuer against the token's ``iss`` exactly (Microsoft Learn,
    "Workload identity federation": "issuer ... must match the iss claim"). EKS issuers
    (``https://oidc.eks.<region>.amazonaws.com/id/<ID>``, EKS User Guide "IAM OIDC provider") and GKE issuers have
    no trailing '/', AKS issuers have one: the value is used verbatim, never normalised."""
    byob = load({"deployment_type": "self-managed", "azure": {**AZURE, "oidc_issuer_url": issuer}}).byob
    assert byob is not None and byob.azure is not None and byob.azure.oidc_issuer_url == issuer


def test_platform_with_saas_or_dedicated_byob_is_refused() -> None:
    """create_platform: true builds a self-managed instance (seed 000/001 availability matrix: BYOB levels differ
    per deployment type), so describing its buckets as SaaS/Dedicated Cloud ones is contradictory."""
    for dt in ("saas", "dedicated"):
        with pytest.raises(ConfigError) as exc:
            config_from_mapping(make_config(byob={"deployment_type": dt, "aws": {}}))
        assert exc.value.option == "byob.deployment_type"
        assert "create_platform: true builds a self-managed W&B instance" in exc.value.message


def test_instance_level_aws_bucket_with_platform_is_the_platform_bucket() -> None:
    """Seed 000 "자체 관리: 인스턴스 수준 BYOB가 기본값": the instance bucket of the platform built here is the one
    <namespace>-infra creates (or bucket_name); a second instance-level bucket would be unused."""
    with pytest.raises(ConfigError) as exc:
        config_from_mapping(make_config(byob={"deployment_type": "self-managed", "level": "instance",
                                              "aws": {"wandb_principal_arn": ROLE}}))
    assert exc.value.option == "byob.aws" and "platform's own bucket" in exc.value.message


def test_self_managed_principal_defaults_to_platform_node_role() -> None:
    """Seed 000/001 replace <aws_principal_and_role_arn> only for SaaS/Dedicated; for self-managed the principal is
    the instance's own identity, which for the platform built here is its EKS node role."""
    config = config_from_mapping(make_config(byob={"deployment_type": "self-managed", "aws": {}}))
    assert config.byob is not None and config.byob.aws_principal() is None  # resolved to infra's node role at synth


def test_file_stores_without_platform_names_the_real_problem() -> None:
    """The old message ("nothing to build") hid the actual rule: file_stores configure the platform built here."""
    with pytest.raises(ConfigError) as exc:
        load({"deployment_type": "self-managed",
              "file_stores": [{"type": "azure", "account": "acct1", "container": "wandb", "access_key_env": "K"}]})
    assert exc.value.option == "byob.file_stores" and "create_platform: true" in exc.value.message
    assert "python -m wandb_cdktf.storage" in exc.value.message


def test_dotted_bucket_names_and_gcs_cmek_are_warned_about() -> None:
    """AWS S3 User Guide "Bucket naming rules": dots break virtual-hosted-style HTTPS (W&B hands out presigned
    URLs); Cloud Storage "Bucket names": dotted names need domain verification; seed 000 GCP step 2:
    "암호화 유형을 Google-managed로 설정" (CMEK is accepted but warned)."""
    config = load({"deployment_type": "dedicated", "aws": {"bucket_name": "team.files.example"},
                   "gcp": {"project": "my-project", "bucket_name": "team.files.example.com",
                           "kms_key_name": "projects/p/locations/us/keyRings/r/cryptoKeys/k"}})
    warnings = config.warnings()
    assert any(w.startswith("byob.aws.bucket_name: ") and "TLS" in w for w in warnings)
    assert any(w.startswith("byob.gcp.bucket_name: ") and "verification" in w for w in warnings)
    assert any(w.startswith("byob.gcp.kms_key_name: ") and "Google-managed" in w for w in warnings)
    assert load({"deployment_type": "dedicated", "aws": {"bucket_name": "team-files"}}).warnings() == []


# --- the availability matrix: one table, shown in the docs ------------------------------------

REPO = Path(__file__).resolve().parent.parent


def test_module_docstring_shows_the_availability_table_the_validator_reads() -> None:
    """The matrix of the W&B BYOB docs (seed 000/001) lives once, as byob.AVAILABILITY; the module docstring
    is that table rendered, so prose and code cannot disagree."""
    from wandb_cdktf.config import byob

    assert byob.availability_table() in (byob.__doc__ or "")


def test_docs_byob_md_shows_the_same_availability_table() -> None:
    """docs/byob.md "Who can use what" is AVAILABILITY rendered as markdown."""
    from wandb_cdktf.config.byob import AVAILABILITY, DEPLOYMENT_NAMES, TARGET_NAMES

    def cell(targets: tuple[str, ...]) -> str:
        return ", ".join(TARGET_NAMES[t] for t in targets) or "**refused**"  # type: ignore[index]

    rows = ["| deployment_type | instance level | team level |", "|---|---|---|"]
    for dt, row in AVAILABILITY.items():
        label = f"`{dt}`" + (f" ({DEPLOYMENT_NAMES[dt]})" if DEPLOYMENT_NAMES[dt] != dt else "")
        rows.append(f"| {label} | {cell(row['instance'])} | {cell(row['team'])} |")
    assert "\n".join(rows) + "\n" in (REPO / "docs" / "byob.md").read_text(encoding="utf-8")


def test_every_gap_in_the_matrix_has_a_reason_and_every_reason_a_gap() -> None:
    """A refusal always says why (the docs' reason); a reason for something available would be dead text."""
    from wandb_cdktf.config.byob import AVAILABILITY, WHY_NOT

    gaps = set()
    for dt, row in AVAILABILITY.items():
        gaps |= {(dt, level) for level, targets in row.items() if not targets}
        gaps |= {(dt, t) for t in ("aws", "gcp", "azure", "file_stores") if not any(t in ts for ts in row.values())}
    assert gaps == set(WHY_NOT)


@pytest.mark.parametrize("deployment_type", ["saas", "dedicated", "self-managed"])
@pytest.mark.parametrize("level", ["instance", "team"])
@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_each_matrix_cell_is_accepted_or_refused_as_the_table_says(deployment_type: str, level: str, cloud: str) -> None:
    """Every (deployment type, level, cloud) of the W&B BYOB availability matrix, through the loader."""
    from wandb_cdktf.config.byob import AVAILABILITY

    section: dict[str, Any] = {
        "aws": {"wandb_principal_arn": "arn:aws:iam::123456789012:role/wandb-node"},
        "gcp": {"project": "my-project", "wandb_service_account": SA},
        "azure": {"location": "eastus", **({"oidc_issuer_url": ISSUER} if level == "team" else {})},
    }[cloud]
    byob = {"deployment_type": deployment_type, "level": level, cloud: section}
    if cloud in AVAILABILITY[deployment_type][level]:  # type: ignore[index]
        assert load(byob).byob.level_for(cloud) == level  # type: ignore[union-attr]
    else:
        with pytest.raises(ConfigError) as exc:
            load(byob)
        assert exc.value.option in {"byob.level", f"byob.{cloud}"}
