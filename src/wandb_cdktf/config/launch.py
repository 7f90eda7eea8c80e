"""W&B Launch agent permissions configuration section (``launch:``).

Each cloud sub-section that is present (``aws``, ``gcp``, ``azure``) gets its own
``<namespace>-launch-<cloud>`` stack with a container registry, a build-context
store (Kaniko only) and an identity for the agent's Kubernetes service account
holding exactly the permissions of W&B's "Launch agent advanced setup" page.

The agent runs from the ``wandb/launch-agent`` Helm chart, whose service account
is ``wandb-launch-serviceaccount-<release name>`` in the chart's ``namespace``;
Kaniko build jobs run as the same service account in the same namespace, so one
identity binding covers both.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from . import validators as v
from .base import StrictModel
from .types import (
    AwsRegion,
    AzureContainerName,
    AzureLocation,
    AzureResourceGroupName,
    AzureStorageAccountName,
    GcpProjectId,
    GcpServiceAccountEmail,
    GcpServiceAccountId,
    GcsBucketName,
    GkeWorkloadPool,
    IamPrincipalArn,
    IamRoleArn,
    KmsKeyArn,
    KubernetesName,
    OidcIssuerUrl,
    S3BucketName,
    Uuid,
)

# The helm chart names its service account "wandb-launch-serviceaccount-<release>" (63 characters max).
_SA_PREFIX = "wandb-launch-serviceaccount-"


def _oidc_provider_arn(value: str) -> str:
    v.arn(value, "iam", "oidc-provider/")
    return value


def _ecr_name(value: str) -> str:
    if not (2 <= len(value) <= 256) or not re.match(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$", value):
        raise ValueError(
            "must be an ECR repository name: 2-256 lowercase letters and digits, separated by single '.', '_', '-' "
            f"or '/', got {value!r}"
        )
    return value


OidcProviderArn = Annotated[str, AfterValidator(_oidc_provider_arn)]
EcrName = Annotated[str, AfterValidator(_ecr_name)]


class LaunchSageMakerConfig(StrictModel):
    """Optional Amazon SageMaker permissions for a Launch queue that targets SageMaker training jobs."""

    execution_role_arn: IamRoleArn = Field(
        description="Role SageMaker training jobs run as (the queue's RoleArn); the agent may iam:PassRole it to "
        "SageMaker only. Required."
    )
    kms_key_arn: KmsKeyArn | None = Field(
        default=None,
        description="KMS key the training jobs encrypt with; the agent gets kms:CreateGrant on it via SageMaker "
        "only. Default: none (no KMS grant permission).",
    )


class LaunchAwsConfig(StrictModel):
    """``<namespace>-launch-aws``: ECR repository, S3 build-context bucket and an IRSA role for the agent."""

    region: AwsRegion | None = Field(
        default=None, description="Region of the repository, bucket and the agent's environment. Default: the deployment region."
    )
    repository_name: EcrName | None = Field(default=None, description="ECR repository name. Default: <namespace>-launch.")
    immutable_tags: bool = Field(
        default=False,
        description="IMMUTABLE image tags. The agent tags images with a hash of their source, so immutability only "
        "blocks re-pushing identical builds. Default: false (MUTABLE).",
    )
    untagged_image_expiration_days: int = Field(
        default=14, ge=1, le=3650, description="Expire untagged images (superseded layers) after this many days. Default: 14."
    )
    kms_key_arn: KmsKeyArn | None = Field(
        default=None,
        description="Customer KMS key for the ECR repository and the bucket; the agent role may use it through S3 "
        "only. Default: the AWS managed keys aws/ecr and aws/s3.",
    )
    bucket_name: S3BucketName | None = Field(
        default=None, description="Build-context bucket name (kaniko builder only). Default: generated from <namespace>-launch-ctx-."
    )
    oidc_provider_arn: OidcProviderArn | None = Field(
        default=None,
        description="IAM OIDC provider of the EKS cluster running the agent (IRSA). Default: the <namespace>-infra "
        "cluster's provider when the platform is built here; required with oidc_issuer_url otherwise unless principal_arn is set.",
    )
    oidc_issuer_url: OidcIssuerUrl | None = Field(
        default=None,
        description="Issuer URL of that OIDC provider (https://oidc.eks.<region>.amazonaws.com/id/...). Default: the "
        "<namespace>-infra cluster's issuer.",
    )
    principal_arn: IamPrincipalArn | None = Field(
        default=None,
        description="IAM principal also allowed to assume the agent role, for an agent running outside EKS. "
        "Default: none.",
    )
    sagemaker: LaunchSageMakerConfig | None = Field(
        default=None, description="Grant the SageMaker training-job permissions. Default: none."
    )

    @model_validator(mode="after")
    def _trust(self) -> LaunchAwsConfig:
        if bool(self.oidc_provider_arn) != bool(self.oidc_issuer_url):
            missing = "oidc_issuer_url" if self.oidc_provider_arn else "oidc_provider_arn"
            raise ValueError(f"oidc_provider_arn and oidc_issuer_url go together; set {missing} too")
        if self.oidc_provider_arn and self.oidc_issuer_url:
            host_path = self.oidc_issuer_host_path
            if not self.oidc_provider_arn.endswith(f":oidc-provider/{host_path}"):
                raise ValueError(
                    f"oidc_provider_arn must be the provider of oidc_issuer_url (arn:aws:iam::<account>:oidc-provider/{host_path}), "
                    f"got {self.oidc_provider_arn!r}"
                )
        return self

    @property
    def oidc_issuer_host_path(self) -> str | None:
        """The issuer without ``https://`` (the prefix of IRSA condition keys)."""
        return self.oidc_issuer_url.removeprefix("https://").rstrip("/") if self.oidc_issuer_url else None

    @property
    def has_explicit_trust(self) -> bool:
        return bool(self.oidc_provider_arn or self.principal_arn)


class LaunchGcpConfig(StrictModel):
    """``<namespace>-launch-gcp``: Artifact Registry repository, GCS build-context bucket, service account + Workload Identity."""

    project: GcpProjectId = Field(description="GCP project id of the resources and the agent's environment. Required.")
    region: str = Field(pattern=r"^[a-z]+-[a-z]+\d+$", description="GCP region (e.g. us-central1) of the repository and the agent's environment. Required.")
    repository_id: str | None = Field(
        default=None, pattern=r"^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$", description="Artifact Registry repository id. Default: <namespace>-launch."
    )
    image_name: str = Field(default="launch", pattern=r"^[A-Za-z0-9_-]{1,128}$", description="Image name inside the repository. Default: launch.")
    bucket_name: GcsBucketName | None = Field(
        default=None,
        description="Build-context bucket name (kaniko builder only). Default: <namespace>-launch-ctx-<project>.",
    )
    bucket_location: str | None = Field(default=None, pattern=r"^[A-Za-z0-9-]+$", description="Bucket location. Default: region.")
    service_account_id: GcpServiceAccountId | None = Field(
        default=None, description="Agent service account id. Default: <namespace>-launch."
    )
    workload_identity_pool: GkeWorkloadPool | None = Field(
        default=None,
        description="Workload Identity pool of the GKE cluster running the agent. Default: <project>.svc.id.goog.",
    )
    vertex_ai: bool = Field(default=False, description="Grant the Vertex AI custom-job permissions. Default: false.")
    job_node_service_account: GcpServiceAccountEmail | None = Field(
        default=None,
        description="Service account of the GKE nodes running Launch jobs; granted roles/artifactregistry.reader on the "
        "repository so jobs can pull built images. Default: none (the nodes' existing access).",
    )
    vertex_ai_job_service_account: GcpServiceAccountEmail | None = Field(
        default=None,
        description="Service account the Vertex AI jobs run as; the agent gets iam.serviceAccountUser on it. Default: none "
        "(jobs run as Vertex AI's service agent).",
    )

    @model_validator(mode="after")
    def _vertex(self) -> LaunchGcpConfig:
        if self.vertex_ai_job_service_account and not self.vertex_ai:
            raise ValueError("vertex_ai_job_service_account requires vertex_ai: true")
        return self


class KanikoCredentialsSecret(StrictModel):
    """A Kubernetes secret holding cloud credentials for Kaniko on a cluster other than EKS, GKE or AKS.

    Seed 003 (Kaniko): "AKS, EKS, 또는 GKE를 사용하지 않는 쿠버네티스 클러스터를 운영하는 경우 클라우드 환경에 대한
    자격 증명이 포함된 쿠버네티스 시크릿을 생성해야 합니다" (GCP: a service-account JSON; AWS: an AWS credentials file),
    referenced by ``builder.secret-name`` / ``builder.secret-key``.
    """

    name: KubernetesName = Field(description="Secret name in the agent's namespace. Required.")
    key: str = Field(pattern=r"^[-._a-zA-Z0-9]{1,253}$", description="Key (file name) in the secret holding the credentials. Required.")


class LaunchAzureConfig(StrictModel):
    """``<namespace>-launch-azure``: container registry, blob container and a workload identity for the agent."""

    location: AzureLocation = Field(description="Azure region, e.g. eastus. Required.")
    oidc_issuer_url: OidcIssuerUrl = Field(
        description="OIDC issuer URL of the AKS cluster running the agent, verbatim including the trailing '/' "
        "(az aks show --query oidcIssuerProfile.issuerUrl). Required."
    )
    subscription_id: Uuid | None = Field(
        default=None, description="Subscription to deploy into. Default: ARM_SUBSCRIPTION_ID at deploy time."
    )
    resource_group_name: AzureResourceGroupName | None = Field(
        default=None, description="Resource group. Default: <namespace>-launch."
    )
    create_resource_group: bool = Field(default=True, description="Create resource_group_name; false uses an existing one. Default: true.")
    registry_name: str | None = Field(
        default=None, pattern=r"^[a-zA-Z0-9]{5,50}$", description="Container registry name (global). Default: <namespace without '-'>launch."
    )
    registry_sku: Literal["Basic", "Standard", "Premium"] = Field(default="Standard", description="Registry SKU. Default: Standard.")
    repository: str = Field(default="launch", pattern=r"^[a-z0-9_-]{1,128}$", description="Repository inside the registry. Default: launch.")
    storage_account_name: AzureStorageAccountName | None = Field(
        default=None,
        description="Build-context storage account (global, kaniko builder only). Default: <namespace without '-', first 18>launch.",
    )
    container_name: AzureContainerName = Field(
        default="build-contexts", description="Blob container for build contexts. Default: build-contexts."
    )
    kubelet_identity_object_id: Uuid | None = Field(
        default=None,
        description="Object id of the AKS kubelet identity of the nodes running Launch jobs; granted AcrPull on the "
        "registry so jobs can pull built images (az aks show --query identityProfile.kubeletidentity.objectId). "
        "Default: none (attach the registry to the cluster yourself, e.g. az aks update --attach-acr).",
    )


# Settings of the image repository, which the noop builder does not get (it pushes nothing).
NOOP_UNUSED: dict[str, tuple[str, ...]] = {
    "aws": ("repository_name", "immutable_tags", "untagged_image_expiration_days", "kms_key_arn"),
    "gcp": ("repository_id", "image_name", "job_node_service_account"),
    "azure": ("registry_name", "registry_sku", "repository", "kubelet_identity_object_id"),
}


class LaunchConfig(StrictModel):
    """Which Launch permission stacks to build (one per cloud sub-section present) and the agent they serve."""

    builder: Literal["kaniko", "docker", "noop"] = Field(
        default="kaniko",
        description="Agent builder: kaniko (builds in the cluster; creates the build-context store), docker (builds "
        "where the agent runs) or noop (prebuilt images only). Default: kaniko.",
    )
    agent_namespace: KubernetesName = Field(default="wandb", description="Kubernetes namespace of the agent (the chart's `namespace`). Default: wandb.")
    agent_release_name: KubernetesName = Field(
        default="wandb-launch",
        max_length=63 - len(_SA_PREFIX),
        description="Helm release name of the wandb/launch-agent chart; its service account is "
        "wandb-launch-serviceaccount-<release>. Default: wandb-launch.",
    )
    base_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^\s/]+(/\S*)?$",
        description="W&B URL for the chart's baseUrl. Default: the platform URL when create_platform, else https://api.wandb.ai.",
    )
    queues: list[Annotated[str, Field(min_length=1, max_length=128)]] = Field(
        default_factory=list, description="Launch queues written into launch-config.yaml. Default: [] (add them in the chart values)."
    )
    entity: str | None = Field(default=None, min_length=1, max_length=128, description="W&B entity of the queues. Default: none.")
    max_jobs: int | None = Field(default=None, ge=-1, description="Concurrent runs (-1 = unlimited). Default: the agent's default (1).")
    build_job_name: KubernetesName | None = Field(
        default=None, max_length=54,  # leaves room for the agent's "-<run id>" suffix (63 max)
        description="Kaniko: prefix of the Kubernetes build job names (builder.build-job-name). Default: the agent's "
        "(wandb-launch-container-build).",
    )
    kaniko_credentials_secret: KanikoCredentialsSecret | None = Field(
        default=None,
        description="Kaniko on a cluster other than EKS/GKE (no IRSA/Workload Identity): the secret with an AWS "
        "credentials file or GCP service-account JSON (builder.secret-name / secret-key). Default: none.",
    )
    build_context_expiration_days: int = Field(
        default=7, ge=1, le=365, description="Delete build contexts older than this many days. Default: 7."
    )
    aws: LaunchAwsConfig | None = Field(default=None, description="Build <namespace>-launch-aws. Default: none.")
    gcp: LaunchGcpConfig | None = Field(default=None, description="Build <namespace>-launch-gcp. Default: none.")
    azure: LaunchAzureConfig | None = Field(default=None, description="Build <namespace>-launch-azure. Default: none.")

    @model_validator(mode="after")
    def _some_cloud(self) -> LaunchConfig:
        if not self.clouds():
            raise ValueError("configure at least one of launch.aws, launch.gcp, launch.azure")
        if self.azure is not None and self.builder == "docker":
            raise ValueError(
                "builder: docker cannot push to Azure Container Registry (the agent's Docker builder logs in with "
                "registry.get_username_password(), which ACR does not implement); use kaniko or noop with launch.azure"
            )
        if self.builder != "kaniko":
            for name in ("build_job_name", "kaniko_credentials_secret"):
                if getattr(self, name) is not None:
                    raise ValueError(f"{name} is a Kaniko setting; it requires builder: kaniko, got {self.builder!r}")
        if self.builder == "noop":
            # Seed 003: "Noop: 미리 빌드된 이미지만 사용하고 싶을 때" -- nothing is built or pushed, so no image
            # repository is created and its settings have nothing to apply to.
            for cloud, names in NOOP_UNUSED.items():
                section = getattr(self, cloud)
                given = sorted(set(names) & section.model_fields_set) if section is not None else []
                if given:
                    raise ValueError(f"{cloud}.{given[0]} configures the image repository, which builder: noop does not "
                                     "create (prebuilt images only); remove it or use kaniko/docker")
        if self.kaniko_credentials_secret is not None and self.azure is not None:
            raise ValueError(
                "kaniko_credentials_secret holds AWS or GCP credentials (W&B Launch docs, \"Advanced agent setup\"); Kaniko on Azure reads the "
                "azure-storage-access-key secret instead: remove launch.azure or the secret"
            )
        if self.azure is not None and self.builder == "kaniko" and self.agent_namespace != "wandb":
            raise ValueError(
                "agent_namespace must be 'wandb' for kaniko on Azure (the agent reads the azure-storage-access-key "
                f"secret and writes Kaniko's registry config in namespace wandb), got {self.agent_namespace!r}"
            )
        return self

    @property
    def service_account(self) -> str:
        """The agent's Kubernetes service account (also used by its Kaniko build jobs)."""
        return f"{_SA_PREFIX}{self.agent_release_name}"

    @property
    def service_account_subject(self) -> str:
        """The service account as a token subject: ``system:serviceaccount:<namespace>:<name>``."""
        return f"system:serviceaccount:{self.agent_namespace}:{self.service_account}"

    def clouds(self) -> list[str]:
        """Clouds ("aws", "gcp", "azure") that get a ``<namespace>-launch-<cloud>`` stack."""
        return [c for c in ("aws", "gcp", "azure") if getattr(self, c) is not None]
