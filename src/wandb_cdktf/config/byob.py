"""Bring-your-own-bucket (BYOB) configuration section.

Follows the availability matrix of the W&B BYOB docs (``AVAILABILITY``; ``file_stores`` are team level):

===============  ===============  ============================================
deployment_type  instance level   team level
===============  ===============  ============================================
dedicated        AWS, GCP, Azure  AWS, GCP, Azure
saas             not available    AWS, GCP
self-managed     AWS, GCP, Azure  AWS, GCP, Azure, S3-compatible (file_stores)
===============  ===============  ============================================

Refused, with the reason given:

- saas, instance level: W&B manages the SaaS Cloud instance bucket
- saas, azure: W&B fully manages its only Azure bucket
- saas, file_stores: SaaS Cloud does not support them
- dedicated, file_stores: for Dedicated Cloud send the store addresses to W&B support: python -m wandb_cdktf.storage <type> ...

Each cloud sub-section present (``aws``, ``gcp``, ``azure``) builds one
``<namespace>-byob-<cloud>`` stack. ``file_stores`` lists team-level stores that a
self-managed instance deployed by wandb-cdktf gets in ``GORILLA_SUPPORTED_FILE_STORES``;
their credentials come from environment variables, never from this file.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Discriminator, Field, Tag, field_validator, model_validator

from ..storage import connection_strings as cs
from . import validators as v
from .base import OptionError, StrictModel
from .file_stores import FileStore
from .types import (
    AwsRegion,
    AzureContainerName,
    AzureLocation,
    AzureResourceGroupName,
    AzureStorageAccountName,
    GcpProjectId,
    GcpServiceAccountEmail,
    GcsBucketName,
    KmsKeyArn,
    KubernetesName,
    KubernetesSubdomainName,
    OidcIssuerUrl,
    S3BucketName,
    Uuid,
)

DeploymentType = Literal["saas", "dedicated", "self-managed"]
Level = Literal["instance", "team"]
Target = Literal["aws", "gcp", "azure", "file_stores"]
CLOUDS: tuple[Target, ...] = ("aws", "gcp", "azure")

# The availability matrix of the W&B BYOB docs (seed 000/001, "BYOB availability"): what each deployment type
# may bring at each level. ``file_stores`` are always team level. ByobConfig._availability reads this table and
# nothing else; the module docstring shows it (availability_table(); a test keeps them equal).
AVAILABILITY: dict[DeploymentType, dict[Level, tuple[Target, ...]]] = {
    "dedicated": {"instance": ("aws", "gcp", "azure"), "team": ("aws", "gcp", "azure")},
    "saas": {"instance": (), "team": ("aws", "gcp")},
    "self-managed": {"instance": ("aws", "gcp", "azure"), "team": ("aws", "gcp", "azure", "file_stores")},
}
# Why a level or a target is missing from a row, keyed (deployment type, level or target); every gap has one.
WHY_NOT: dict[tuple[DeploymentType, str], str] = {
    ("saas", "instance"): "W&B manages the SaaS Cloud instance bucket",
    ("saas", "azure"): "W&B fully manages its only Azure bucket",
    ("saas", "file_stores"): "SaaS Cloud does not support them",
    ("dedicated", "file_stores"): "for Dedicated Cloud send the store addresses to W&B support: "
    "python -m wandb_cdktf.storage <type> ...",
}
TARGET_NAMES: dict[Target, str] = {"aws": "AWS", "gcp": "GCP", "azure": "Azure", "file_stores": "S3-compatible (file_stores)"}
DEPLOYMENT_NAMES: dict[DeploymentType, str] = {"saas": "SaaS Cloud", "dedicated": "Dedicated Cloud", "self-managed": "self-managed"}
# Azure team level federates a managed identity with the instance's service accounts; instance level uses the key.
AZURE_TEAM_ONLY_OPTIONS = ("oidc_issuer_url", "kubernetes_namespace", "service_accounts", "additional_role_definition_names")

# W&B principals (BYOB docs; facts file "BYOB").
AWS_PRINCIPALS: dict[str, str] = {
    "saas": "arn:aws:iam::725579432336:role/WandbIntegration",
    "dedicated": "arn:aws:iam::830241207209:root",
}
GCP_SERVICE_ACCOUNTS: dict[str, str] = {
    "saas": "wandb-integration@wandb-production.iam.gserviceaccount.com",
    "dedicated": "deploy@wandb-production.iam.gserviceaccount.com",
}
# Kubernetes service accounts of a W&B instance that read/write the bucket
# (terraform-azurerm-wandb modules/secure_storage_connector).
DEFAULT_AZURE_SERVICE_ACCOUNTS: tuple[str, ...] = (
    "wandb-app",
    "wandb-api",
    "wandb-console",
    "wandb-executor",
    "wandb-parquet",
    "wandb-filestream",
    "wandb-filemeta",
    "wandb-glue",
    "wandb-weave",
    "wandb-weave-trace",
    "wandb-settings-migration-job",
    "bufstream-service-account",
    "wandb-bucket-access",
)
AZURE_MAX_FEDERATED_CREDENTIALS = 20  # Azure limit per user-assigned identity


def _iam_principal_arn(value: str) -> str:
    v.arn(value, "iam")
    if not re.search(r":(root|role/.+|user/.+)$", value):
        raise ValueError(f"must be an IAM role, user or account-root ARN (arn:aws:iam::<account>:role/<name>), got {value!r}")
    return value


def _sub_path(value: str) -> str:
    value = value.strip("/")
    if value and (not re.match(r"^[A-Za-z0-9!_.*'()/-]+$", value) or "//" in value or any(p in {".", ".."} for p in value.split("/"))):
        raise ValueError(
            "must be a sub-path of letters, digits and !_.*'()- separated by single '/', without '.' or '..' segments, "
            f"got {value!r}"
        )
    return value


SubPath = Annotated[str, AfterValidator(_sub_path)]
LevelOverride = Field(default=None, description="instance or team for this cloud. Default: byob.level.")
NameField = Field(
    default=None, pattern=r"^[a-z][a-z0-9]{0,11}$",
    description="In a list of buckets: a short name (lowercase letters and digits, e.g. omega) that keeps this "
    "bucket's construct ids and outputs apart (byob-bucket-<name>, <name>_bucket_name, ...). Default: none, the "
    "single section's ids and outputs (at most one bucket per cloud may omit it).",
)
PathField = Field(default="", description="Sub-path in the bucket for W&B files (the team form's optional path). Default: bucket root.")


class AwsByobConfig(StrictModel):
    """``<namespace>-byob-aws``: a KMS-encrypted S3 bucket the W&B principal may use."""

    name: str | None = NameField
    level: Level | None = LevelOverride
    region: AwsRegion | None = Field(
        default=None, description="AWS region of the bucket. Default: the top-level region."
    )
    bucket_name: S3BucketName | None = Field(
        default=None, description="Bucket name. Default: generated, '<namespace>-byob-<unique suffix>'."
    )
    path: SubPath = PathField
    kms_key_arn: KmsKeyArn | None = Field(
        default=None,
        description="Existing KMS key (its policy must already grant the W&B principal the five 'External' actions). "
        "Default: create a key with rotation and the documented policy.",
    )
    kms_key_deletion_window: int = Field(default=30, ge=7, le=30, description="Days before a deleted created key is destroyed, 7..30. Default: 30.")
    wandb_principal_arn: Annotated[str, AfterValidator(_iam_principal_arn)] | None = Field(
        default=None,
        description="IAM principal W&B uses. Default: the preset for deployment_type (saas: role/WandbIntegration in "
        "725579432336, dedicated: 830241207209 root); self-managed: the node role of the platform built in the same "
        "app, else required (your W&B node role ARN).",
    )

    @model_validator(mode="after")
    def _key_options(self) -> AwsByobConfig:
        if self.kms_key_arn and "kms_key_deletion_window" in self.model_fields_set:
            raise OptionError("kms_key_deletion_window", "applies to a key created here; it cannot be combined with kms_key_arn")
        return self


class GcpByobConfig(StrictModel):
    """``<namespace>-byob-gcp``: a GCS bucket with soft delete and versioning for the W&B service account."""

    name: str | None = NameField
    level: Level | None = LevelOverride
    project: GcpProjectId = Field(description="GCP project id of the bucket. Required.")
    location: str = Field(
        default="US",
        pattern=r"^(?:[A-Z]+[0-9]*|[A-Za-z]+-[A-Za-z]+[0-9]+)$",
        description="Bucket location: a multi-region (US, EU, ASIA), dual-region or region (us-central1). Default: US.",
    )
    bucket_name: GcsBucketName | None = Field(
        default=None, description="Bucket name. Default: '<namespace>-byob-<project>' (cut to 63 characters)."
    )
    path: SubPath = PathField
    soft_delete_retention_days: int = Field(
        default=7, ge=7, le=90, description="Soft-delete retention; W&B requires soft delete, GCS allows 7..90 days. Default: 7."
    )
    kms_key_name: str | None = Field(
        default=None,
        pattern=r"^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$",
        description="CMEK (projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>); the GCS service agent is granted "
        "Encrypter/Decrypter on it. Default: Google-managed encryption (as the docs recommend).",
    )
    wandb_service_account: GcpServiceAccountEmail | None = Field(
        default=None,
        description="Service account W&B uses, granted roles/storage.admin on the bucket. Default: the preset for "
        "deployment_type (saas: wandb-integration@, dedicated: deploy@wandb-production.iam.gserviceaccount.com); "
        "required for self-managed (your W&B service account).",
    )
    labels: dict[str, str] = Field(default_factory=dict, description="Labels on the bucket (plus managed-by). Default: {}.")

    @field_validator("labels")
    @classmethod
    def _labels(cls, value: dict[str, str]) -> dict[str, str]:
        for key, val in value.items():
            if not re.match(r"^[a-z][a-z0-9_-]{0,62}$", key) or not re.match(r"^[a-z0-9_-]{0,63}$", val):
                raise ValueError(f"GCP labels are lowercase letters, digits, '_' and '-' (keys start with a letter), got {key!r}: {val!r}")
        return value


class AzureByobConfig(StrictModel):
    """``<namespace>-byob-azure``: a storage account + container; team level adds a federated managed identity."""

    name: str | None = NameField
    level: Level | None = LevelOverride
    subscription_id: Uuid | None = Field(
        default=None,
        description="Azure subscription id. Default: ARM_SUBSCRIPTION_ID / the Azure CLI login at plan time.",
    )
    location: AzureLocation | None = Field(
        default=None,
        description="Azure region (e.g. eastus). Required when create_resource_group is true. Default: the existing "
        "resource group's location.",
    )
    create_resource_group: bool = Field(default=True, description="Create the resource group; false uses an existing one. Default: true.")
    resource_group_name: AzureResourceGroupName | None = Field(
        default=None, description="Resource group name. Default: '<namespace>-byob'."
    )
    storage_account_name: AzureStorageAccountName | None = Field(
        default=None, description="Storage account name (globally unique). Default: '<namespace without hyphens>byob'."
    )
    container_name: AzureContainerName = Field(
        default="wandb", description="Blob container name. Default: wandb."
    )
    path: SubPath = PathField
    account_replication_type: Literal["LRS", "ZRS", "GRS", "RAGRS", "GZRS", "RAGZRS"] = Field(
        default="ZRS", description="Storage account replication. Default: ZRS."
    )
    blob_soft_delete_days: int = Field(default=7, ge=1, le=365, description="Blob soft-delete retention in days, 1..365. Default: 7.")
    container_soft_delete_days: int = Field(default=7, ge=1, le=365, description="Container soft-delete retention in days, 1..365. Default: 7.")
    oidc_issuer_url: OidcIssuerUrl | None = Field(
        default=None,
        description="Team level: the W&B instance's OIDC issuer URL exactly as the identity provider publishes it "
        "(its discovery document's 'issuer'): AKS issuers end with '/', EKS and GKE issuers do not (Dedicated: from "
        "W&B; self-managed: your cluster's issuer). Default: none; required for team level.",
    )
    kubernetes_namespace: KubernetesName = Field(
        default="default",
        description="Team level: Kubernetes namespace of the W&B service accounts (federated subjects). Default: default.",
    )
    service_accounts: list[KubernetesSubdomainName] = Field(
        default_factory=lambda: list(DEFAULT_AZURE_SERVICE_ACCOUNTS),
        description="Team level: W&B Kubernetes service accounts that get a federated credential (max 20). "
        "Default: the 13 of W&B's secure_storage_connector module (wandb-app, wandb-api, ...).",
    )
    additional_role_definition_names: list[str] = Field(
        default_factory=list,
        description="Team level: extra built-in roles for the identity on the account, beyond Storage Blob Data "
        "Contributor and Reader, which are always assigned (W&B's older module also grants 'Storage Account "
        "Contributor'). Default: [].",
    )
    tags: dict[str, str] = Field(default_factory=dict, description="Tags on every Azure resource (plus managed-by). Default: {}.")

    @field_validator("service_accounts")
    @classmethod
    def _service_accounts(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("must list at least one W&B Kubernetes service account")
        if len(set(value)) != len(value):
            raise ValueError("must not repeat a service account")
        if len(value) > AZURE_MAX_FEDERATED_CREDENTIALS:
            raise ValueError(f"Azure allows at most {AZURE_MAX_FEDERATED_CREDENTIALS} federated credentials per identity, got {len(value)}")
        return value

    @field_validator("additional_role_definition_names")
    @classmethod
    def _roles(cls, value: list[str]) -> list[str]:
        for role in value:
            if role in ("Storage Blob Data Contributor", "Reader"):
                raise ValueError(f"{role} is always assigned; list only extra roles")
            if not re.match(r"^[A-Za-z][A-Za-z0-9 ()-]{2,100}$", role):
                raise ValueError(f"must be built-in role names like 'Storage Account Contributor', got {role!r}")
        if len(set(value)) != len(value):
            raise ValueError("must not repeat a role")
        return value

    @model_validator(mode="after")
    def _resource_group(self) -> AzureByobConfig:
        if self.create_resource_group and not self.location:
            raise OptionError("location", "is required when create_resource_group is true (an Azure region like eastus)")
        if not self.create_resource_group and not self.resource_group_name:
            raise OptionError("resource_group_name", "is required when create_resource_group is false (the existing group)")
        return self


# --- the section -----------------------------------------------------------------------------


def _one_or_many(value: Any) -> str:
    return "sections-list" if isinstance(value, list) else "sections-one"


def _items(value: Any) -> list[Any]:
    """The sections of one cloud: a single section or the items of a list."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


AwsSections = Annotated[
    Annotated[AwsByobConfig, Tag("sections-one")] | Annotated[list[AwsByobConfig], Field(min_length=1), Tag("sections-list")],
    Discriminator(_one_or_many),
]
GcpSections = Annotated[
    Annotated[GcpByobConfig, Tag("sections-one")] | Annotated[list[GcpByobConfig], Field(min_length=1), Tag("sections-list")],
    Discriminator(_one_or_many),
]
AzureSections = Annotated[
    Annotated[AzureByobConfig, Tag("sections-one")] | Annotated[list[AzureByobConfig], Field(min_length=1), Tag("sections-list")],
    Discriminator(_one_or_many),
]


class ByobConfig(StrictModel):
    """wandb-cdktf: bring-your-own-bucket stacks. Default: none.

    Example::

        byob:
          deployment_type: dedicated
          level: team
          aws: {}
          gcp: {project: my-project}
    """

    deployment_type: DeploymentType = Field(
        description="Where the W&B instance runs: saas (SaaS Cloud), dedicated (Dedicated Cloud) or self-managed. Required."
    )
    level: Level = Field(
        default="team",
        description="instance (the instance's default bucket) or team (a team's bucket, set in the team form). Default: team.",
    )
    aws: AwsSections | None = Field(
        default=None, description="Build <namespace>-byob-aws: one bucket (a section) or several (a list of sections, "
        "each with a name but at most one; e.g. team buckets for Kappa and Omega). Default: not built.")
    gcp: GcpSections | None = Field(
        default=None, description="Build <namespace>-byob-gcp: one bucket (a section) or several (a list of named "
        "sections, as for aws). Default: not built.")
    azure: AzureSections | None = Field(
        default=None, description="Build <namespace>-byob-azure: one storage account (a section) or several (a list "
        "of named sections, as for aws). Default: not built.")
    file_stores: list[FileStore] = Field(
        default_factory=list,
        description="Self-managed only: team-level stores (other clouds, MinIO) for GORILLA_SUPPORTED_FILE_STORES; "
        "credentials are read from the named environment variables. Default: [].",
    )

    @model_validator(mode="after")
    def _availability(self) -> ByobConfig:
        """The one availability check: every target (cloud section or file_stores) against ``AVAILABILITY``,
        then what each section needs at its level."""
        dt = self.deployment_type
        row = AVAILABILITY[dt]
        if not row[self.level]:
            raise OptionError("level", _no_level(dt, self.level))
        for cloud in CLOUDS:
            for option, section in self.sections(cloud):
                option = option.removeprefix("byob.")
                level = section.level or self.level
                if not any(cloud in targets for targets in row.values()):
                    raise OptionError(option, f"BYOB on {TARGET_NAMES[cloud]} is not available for {DEPLOYMENT_NAMES[dt]} "
                                      f"({WHY_NOT[(dt, cloud)]}); {DEPLOYMENT_NAMES[dt]} supports {_supported(dt)}")
                if cloud not in row[level]:
                    raise OptionError(f"{option}.level" if section.level else "level", _no_level(dt, level))
                _section_rules(dt, cloud, level, option, section)
        if self.file_stores and "file_stores" not in row["team"]:
            where = " or ".join(DEPLOYMENT_NAMES[d] for d, r in AVAILABILITY.items() if "file_stores" in r["team"])
            raise OptionError("file_stores", f"sets GORILLA_SUPPORTED_FILE_STORES on a {where} instance only "
                              f"({WHY_NOT[(dt, 'file_stores')]})")
        if not (self.clouds() or self.file_stores):
            raise ValueError("configure at least one of aws, gcp, azure or file_stores")
        return self


    # --- derived -----------------------------------------------------------------------------
    def clouds(self) -> list[str]:
        """Clouds ("aws", "gcp", "azure") that get a ``<namespace>-byob-<cloud>`` stack."""
        return [name for name in ("aws", "gcp", "azure") if getattr(self, name) is not None]

    def sections(self, cloud: str) -> list[tuple[str, Any]]:
        """(option path, section) of each bucket of one cloud: ``byob.aws`` for a single section, ``byob.aws[i]``
        for list items."""
        value = getattr(self, cloud)
        if isinstance(value, list):
            return [(f"byob.{cloud}[{i}]", item) for i, item in enumerate(value)]
        return [(f"byob.{cloud}", value)] if value is not None else []

    def level_for(self, cloud: str, section: Any = None) -> str:
        """The effective level (instance/team) of one bucket (default: the cloud's single/first section)."""
        if section is None:
            items = _items(getattr(self, cloud))
            section = items[0] if items else None
        return (section.level if section is not None and section.level else None) or self.level

    def aws_principal(self, section: AwsByobConfig | None = None) -> str | None:
        """The IAM principal granted bucket and key access: explicit, else the preset; None = the platform's node role."""
        section = section or _items(self.aws)[0]
        return section.wandb_principal_arn or AWS_PRINCIPALS.get(self.deployment_type)

    def list_problems(self, namespace: str, region: str) -> tuple[str, str] | None:
        """(option, message) for the first inconsistency among the buckets of one cloud's list, else None."""
        for cloud in ("aws", "gcp", "azure"):
            sections = self.sections(cloud)
            if not isinstance(getattr(self, cloud), list):
                continue
            names: set[str | None] = set()
            instance = 0
            for option, item in sections:
                if item.name in names:
                    what = "more than one bucket has no name" if item.name is None else f"repeats {item.name!r}"
                    return (f"{option}.name", f"{what}: each bucket of a list needs its own name (one may omit it "
                            "and keep the single section's ids)")
                names.add(item.name)
                if self.level_for(cloud, item) == "instance":
                    instance += 1
                    if instance > 1:
                        return (f"{option}.level", "an instance has one instance-level bucket; the others are team "
                                "buckets (level: team)")
            first = sections[0][1]
            for option, item in sections[1:]:
                if cloud == "aws" and (item.region or region) != (first.region or region):
                    return (f"{option}.region", f"must be {first.region or region}, the region of the other buckets "
                            "(one <namespace>-byob-aws stack has one AWS provider); use another configuration for "
                            "another region")
                if cloud == "azure" and item.subscription_id != first.subscription_id:
                    return (f"{option}.subscription_id", "must be the other storage accounts' subscription (one "
                            "<namespace>-byob-azure stack has one azurerm provider)")
            if cloud == "azure":
                seen: dict[str, str] = {}
                for option, item in sections:
                    account = item.storage_account_name or default_azure_account_name(namespace, item.name)
                    if account in seen:
                        return (f"{option}.storage_account_name", f"{account!r} is also {seen[account]}'s account; "
                                "storage account names are global: set distinct names")
                    seen[account] = option
        return None

    def warnings(self) -> list[tuple[str, str]]:
        """(option, message) for accepted settings the W&B docs advise against."""
        out: list[tuple[str, str]] = []
        for option, aws in self.sections("aws"):
            msg = cs.dotted_bucket_warning("s3", aws.bucket_name) if aws.bucket_name else None
            if msg:
                out.append((f"{option}.bucket_name", msg))
        for option, gcp in self.sections("gcp"):
            if gcp.bucket_name:
                msg = cs.dotted_bucket_warning("gcs", gcp.bucket_name)
                if msg:
                    out.append((f"{option}.bucket_name", msg))
            if gcp.kms_key_name:
                out.append((f"{option}.kms_key_name", "the W&B BYOB docs say to set the bucket's encryption to "
                            "Google-managed; a CMEK is not what W&B documents or tests (omit it to follow the docs)"))
        for i, store in enumerate(self.file_stores):
            if store.type in ("s3", "gcs"):  # S3-compatible stores are usually path-style: no virtual-host TLS issue
                msg = cs.dotted_bucket_warning(store.type, store.bucket)
                if msg:
                    out.append((f"byob.file_stores[{i}].bucket", msg))
        return out

    def gcp_service_account(self, section: GcpByobConfig | None = None) -> str:
        """The service account granted roles/storage.admin (explicit value, else the preset)."""
        section = section or _items(self.gcp)[0]
        return section.wandb_service_account or GCP_SERVICE_ACCOUNTS[self.deployment_type]


def default_azure_account_name(namespace: str, name: str | None = None) -> str:
    """``<namespace[-name] without hyphens, first 20>byob``: the default storage account of an Azure section."""
    return re.sub(r"[^a-z0-9]", "", f"{namespace}{name or ''}")[:20] + "byob"


def _no_level(deployment_type: DeploymentType, level: Level) -> str:
    others = [lvl for lvl, targets in AVAILABILITY[deployment_type].items() if targets and lvl != level]
    return (f"{DEPLOYMENT_NAMES[deployment_type]} has no {level}-level BYOB ({WHY_NOT[(deployment_type, level)]})"
            + (f"; use level: {others[0]}" if others else ""))


def _supported(deployment_type: DeploymentType) -> str:
    parts = [f"{level}-level BYOB on {' and '.join(TARGET_NAMES[t] for t in targets if t in CLOUDS)}"
             for level, targets in AVAILABILITY[deployment_type].items() if targets]
    return ", ".join(parts)


def _section_rules(deployment_type: DeploymentType, cloud: str, level: Level, option: str, section: Any) -> None:
    """What one available section still needs: an identity W&B uses, and options that exist only at one level."""
    if cloud == "gcp" and deployment_type not in GCP_SERVICE_ACCOUNTS and not section.wandb_service_account:
        raise OptionError(f"{option}.wandb_service_account", f"is required for {deployment_type}: the service account your "
                          f"W&B instance uses; presets exist only for {' and '.join(GCP_SERVICE_ACCOUNTS)}")
    if cloud == "azure" and level == "team" and not section.oidc_issuer_url:
        raise OptionError(f"{option}.oidc_issuer_url", "is required at team level: the W&B instance's OIDC issuer URL "
                          "exactly as its cluster publishes it (Dedicated Cloud: ask W&B; self-managed: your cluster's issuer)")
    if cloud == "azure" and level == "instance":
        given = sorted(set(AZURE_TEAM_ONLY_OPTIONS) & section.model_fields_set)
        if given:
            raise OptionError(f"{option}.{given[0]}", "is a team-level option (managed identity); instance level uses "
                              "the account access key")


def availability_table() -> str:
    """``AVAILABILITY`` as the reStructuredText table and reasons of this module's docstring (a test compares them)."""
    def cell(dt: DeploymentType, level: Level) -> str:
        return ", ".join(TARGET_NAMES[t] for t in AVAILABILITY[dt][level]) or "not available"

    header = ("deployment_type", "instance level", "team level")
    rows = [(dt, cell(dt, "instance"), cell(dt, "team")) for dt in AVAILABILITY]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]
    rule = "  ".join("=" * w for w in widths)

    def line(r: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()

    why = [f"- {dt}, {what}{' level' if what in ('instance', 'team') else ''}: {reason}" for (dt, what), reason in WHY_NOT.items()]
    return "\n".join([rule, line(header), rule, *map(line, rows), rule, "", "Refused, with the reason given:", "", *why])
