"""W&B Launch agent on GCP: Artifact Registry repository, Kaniko build-context bucket, agent service account.

Serves W&B's "Launch agent advanced setup" requirements (W&B publishes no
Terraform for them): the registry permissions
(``artifactregistry.dockerimages.list``, ``repositories.downloadArtifacts``,
``repositories.list``, ``repositories.uploadArtifacts``), the Kaniko
build-context permissions (``storage.buckets.get``, ``storage.objects.create``,
``.delete``, ``.get``) and, optionally, Vertex AI custom jobs; the agent's
Kubernetes service account (shared by its Kaniko build jobs) impersonates the
service account through GKE Workload Identity.

Least privilege: the predefined roles that cover these permissions
(``roles/artifactregistry.writer``, ``roles/storage.objectUser`` +
``roles/storage.legacyBucketReader``, ``roles/aiplatform.user``) each carry many
more. So every permission set is a project custom role holding exactly the
documented permissions, bound on the narrowest resource that can grant it:

- registry role on the repository only;
- ``artifactregistry.repositories.list`` alone on the project, because the agent
  verifies its repository by listing ``projects/<p>/locations/<region>``, which a
  repository-level binding cannot grant (it reveals repository names, no content);
- build-context role on the bucket only;
- Vertex AI custom-job role on the project (custom jobs have no narrower IAM resource).

The repository uses Google-managed encryption unless ``repository_kms_key_name``
names a Cloud KMS key (CMEK); the project's Artifact Registry service agent is then
granted Encrypter/Decrypter on that key before the repository is created.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from constructs import Construct

from ..._providers import google

REGISTRY_PERMISSIONS = (
    "artifactregistry.dockerimages.list",
    "artifactregistry.repositories.downloadArtifacts",
    "artifactregistry.repositories.list",
    "artifactregistry.repositories.uploadArtifacts",
)
REGISTRY_LIST_PERMISSIONS = ("artifactregistry.repositories.list",)
BUILD_CONTEXT_PERMISSIONS = ("storage.buckets.get", "storage.objects.create", "storage.objects.delete", "storage.objects.get")
VERTEX_PERMISSIONS = ("aiplatform.customJobs.cancel", "aiplatform.customJobs.create", "aiplatform.customJobs.get", "aiplatform.customJobs.list")


@dataclass(frozen=True)
class GcpLaunchAgentProps:
    """Settings of :class:`GcpLaunchAgent`. Every optional field documents its default."""

    project: str
    """Project of every resource. Required."""
    region: str
    """Region of the repository (and the agent's environment). Required."""
    repository_id: str
    """Artifact Registry repository id. Required."""
    service_account_id: str
    """Account id of the agent's service account (6-30 characters). Required."""
    role_id_prefix: str
    """Prefix of the custom role ids (letters, digits, underscores), e.g. ``<namespace>_launch``. Required."""
    kubernetes_namespace: str = "wandb"
    """Namespace of the agent's Kubernetes service account. Default: wandb."""
    kubernetes_service_account: str = "wandb-launch-serviceaccount-wandb-launch"
    """The agent's Kubernetes service account. Default: the chart's account for release wandb-launch."""
    workload_identity_pool: str | None = None
    """Workload Identity pool of the GKE cluster. Default: ``<project>.svc.id.goog``."""
    image_name: str = "launch"
    """Image name inside the repository (the agent requires one in its destination). Default: launch."""
    untagged_image_expiration_days: int = 14
    """Delete untagged images after this many days. Default: 14."""
    repository_kms_key_name: str | None = None
    """Cloud KMS key (``projects/<p>/locations/<region>/keyRings/<r>/cryptoKeys/<k>``, in the repository's region) to
    encrypt the repository with (CMEK); fixed at creation. The Artifact Registry service agent is granted
    ``roles/cloudkms.cryptoKeyEncrypterDecrypter`` on it. Default: None (Google-managed encryption)."""
    build_context_bucket: bool = True
    """Create the Kaniko build-context bucket and grant access to it. Default: true (kaniko builder)."""
    bucket_name: str | None = None
    """Bucket name (global). Default: ``<service_account_id>-ctx-<project>``."""
    bucket_location: str | None = None
    """Bucket location. Default: region."""
    build_context_prefix: str = "build-contexts"
    """Object prefix of the build contexts. Default: build-contexts."""
    build_context_expiration_days: int = 7
    """Delete build contexts after this many days. Default: 7."""
    force_destroy: bool = False
    """Allow destroying a non-empty bucket. Default: false."""
    vertex_ai: bool = False
    """Grant the Vertex AI custom-job permissions. Default: false."""
    vertex_ai_job_service_account: str | None = None
    """E-mail of the service account Vertex AI jobs run as; the agent may act as it. Default: none."""
    registry: bool = True
    """Create the Artifact Registry repository and grant the agent its registry roles (kaniko/docker builders).
    False for the noop builder (seed 003 "Noop: 미리 빌드된 이미지만"): no repository, no registry grants. Default: true."""
    job_node_service_account: str | None = None
    """E-mail of the GKE node service account running Launch jobs; granted ``roles/artifactregistry.reader`` on the
    repository so jobs can pull built images. Default: none."""

    def __post_init__(self) -> None:
        if not (6 <= len(self.service_account_id) <= 30):
            raise ValueError(f"GcpLaunchAgentProps.service_account_id must be 6-30 characters, got {self.service_account_id!r}")
        if self.vertex_ai_job_service_account and not self.vertex_ai:
            raise ValueError("GcpLaunchAgentProps.vertex_ai_job_service_account requires vertex_ai=True")
        if not self.registry and (self.job_node_service_account or self.repository_kms_key_name):
            raise ValueError("GcpLaunchAgentProps.job_node_service_account and repository_kms_key_name need registry=True")


class GcpLaunchAgent(Construct):
    """Docker repository, private build-context bucket, service account with custom roles, Workload Identity.

    Secure defaults: bucket with uniform bucket-level access, public access
    prevention enforced, Google-managed encryption and an age-based lifecycle;
    repository CMEK when ``repository_kms_key_name`` is set;
    no service account keys; only the one Kubernetes service account may
    impersonate the agent's service account.
    """

    def __init__(self, scope: Construct, construct_id: str, props: GcpLaunchAgentProps) -> None:
        super().__init__(scope, construct_id)
        self._props = props
        self._agent_service_account()
        self._registry_step()
        self._build_context_bucket()
        self._workload_identity()
        self._vertex_ai()

    # --- steps (in creation order; every resource directly in this construct: its id is a Terraform address) ---
    def _agent_service_account(self) -> None:
        p = self._props
        self._service_account = google.service_account.ServiceAccount(
            self,
            "service-account",
            project=p.project,
            account_id=p.service_account_id,
            display_name="W&B Launch agent",
            description="W&B Launch agent and its Kaniko build jobs (GKE Workload Identity)",
        )
        self._member = f"serviceAccount:{self._service_account.email}"

    def _registry_step(self) -> None:
        """Repository (CMEK grant first when ``repository_kms_key_name``), its custom role bound on the repository,
        the project-level listing role and (``job_node_service_account``) the job nodes' reader binding."""
        p, member = self._props, self._member
        self._repository: Any = None
        if not p.registry:  # noop builder: prebuilt images only, nothing to push (seed 003)
            return
        ar = google.artifact_registry_repository
        repo_kwargs: dict[str, Any] = {}
        if p.repository_kms_key_name:
            project = google.data_google_project.DataGoogleProject(self, "project", project_id=p.project)
            grant = google.kms_crypto_key_iam_member.KmsCryptoKeyIamMember(
                self,
                "repository-cmek-grant",
                crypto_key_id=p.repository_kms_key_name,
                role="roles/cloudkms.cryptoKeyEncrypterDecrypter",
                member=f"serviceAccount:service-{project.number}@gcp-sa-artifactregistry.iam.gserviceaccount.com",
            )
            repo_kwargs = {"kms_key_name": p.repository_kms_key_name, "depends_on": [grant]}
        self._repository = ar.ArtifactRegistryRepository(
            self,
            "repository",
            project=p.project,
            location=p.region,
            repository_id=p.repository_id,
            format="DOCKER",
            description="W&B Launch agent images",
            cleanup_policy_dry_run=False,
            cleanup_policies=[
                ar.ArtifactRegistryRepositoryCleanupPolicies(
                    id="delete-untagged",
                    action="DELETE",
                    condition=ar.ArtifactRegistryRepositoryCleanupPoliciesCondition(
                        tag_state="UNTAGGED", older_than=f"{p.untagged_image_expiration_days * 86400}s"
                    ),
                )
            ],
            **repo_kwargs,
        )
        registry_role = self._custom_role("registry-role", "registry", "W&B Launch agent registry", REGISTRY_PERMISSIONS)
        google.artifact_registry_repository_iam_member.ArtifactRegistryRepositoryIamMember(
            self,
            "registry-access",
            project=p.project,
            location=p.region,
            repository=self._repository.name,
            role=registry_role.name,
            member=member,
        )
        list_role = self._custom_role("registry-list-role", "registry_list", "W&B Launch agent repository listing", REGISTRY_LIST_PERMISSIONS)
        google.project_iam_member.ProjectIamMember(
            self, "registry-list-access", project=p.project, role=list_role.name, member=member
        )
        if p.job_node_service_account:
            # Seed 003: jobs pull from a registry the job's nodes can reach; GKE nodes pull as their service account.
            google.artifact_registry_repository_iam_member.ArtifactRegistryRepositoryIamMember(
                self,
                "job-pull-access",
                project=p.project,
                location=p.region,
                repository=self._repository.name,
                role="roles/artifactregistry.reader",
                member=f"serviceAccount:{p.job_node_service_account}",
            )

    def _build_context_bucket(self) -> None:
        """The private build-context bucket (kaniko builder; Vertex AI stages job code in it too) and its role."""
        p = self._props
        self._bucket: Any = None
        if not (p.build_context_bucket or p.vertex_ai):
            return
        sb = google.storage_bucket
        self._bucket = sb.StorageBucket(
            self,
            "build-context-bucket",
            project=p.project,
            name=p.bucket_name or f"{p.service_account_id}-ctx-{p.project}",
            location=p.bucket_location or p.region,
            uniform_bucket_level_access=True,
            public_access_prevention="enforced",
            force_destroy=p.force_destroy,
            lifecycle_rule=[
                sb.StorageBucketLifecycleRule(
                    action=sb.StorageBucketLifecycleRuleAction(type="Delete"),
                    condition=sb.StorageBucketLifecycleRuleCondition(age=p.build_context_expiration_days),
                )
            ],
        )
        ctx_role = self._custom_role("build-context-role", "build_context", "W&B Launch Kaniko build contexts", BUILD_CONTEXT_PERMISSIONS)
        google.storage_bucket_iam_member.StorageBucketIamMember(
            self, "build-context-access", bucket=self._bucket.name, role=ctx_role.name, member=self._member
        )

    def _workload_identity(self) -> None:
        """Only the agent's Kubernetes service account may impersonate the service account."""
        p = self._props
        google.service_account_iam_member.ServiceAccountIamMember(
            self,
            "workload-identity",
            service_account_id=self._service_account.name,
            role="roles/iam.workloadIdentityUser",
            member=f"serviceAccount:{self.workload_identity_pool}[{p.kubernetes_namespace}/{p.kubernetes_service_account}]",
        )

    def _vertex_ai(self) -> None:
        """Vertex AI custom-job role on the project; acting as the jobs' account, which reads the staged code."""
        p, member = self._props, self._member
        if not p.vertex_ai:
            return
        vertex_role = self._custom_role("vertex-role", "vertex", "W&B Launch Vertex AI custom jobs", VERTEX_PERMISSIONS)
        google.project_iam_member.ProjectIamMember(self, "vertex-access", project=p.project, role=vertex_role.name, member=member)
        if p.vertex_ai_job_service_account:
            google.service_account_iam_member.ServiceAccountIamMember(
                self,
                "vertex-act-as",
                service_account_id=f"projects/{p.project}/serviceAccounts/{p.vertex_ai_job_service_account}",
                role="roles/iam.serviceAccountUser",
                member=member,
            )
            if self._bucket is not None:
                # The job reads what the agent staged (Vertex AI custom jobs run as this account).
                google.storage_bucket_iam_member.StorageBucketIamMember(
                    self, "vertex-staging-read", bucket=self._bucket.name, role="roles/storage.objectViewer",
                    member=f"serviceAccount:{p.vertex_ai_job_service_account}",
                )

    def _custom_role(
        self, cid: str, suffix: str, title: str, permissions: tuple[str, ...]
    ) -> google.project_iam_custom_role.ProjectIamCustomRole:
        return google.project_iam_custom_role.ProjectIamCustomRole(
            self,
            cid,
            project=self._props.project,
            role_id=f"{self._props.role_id_prefix}_{suffix}",
            title=title,
            description="Managed by wandb-cdktf (W&B Launch agent)",
            permissions=list(permissions),
            stage="GA",
        )

    # --- typed properties -----------------------------------------------------------------
    @property
    def props(self) -> GcpLaunchAgentProps:
        return self._props

    @property
    def workload_identity_pool(self) -> str:
        return self._props.workload_identity_pool or f"{self._props.project}.svc.id.goog"

    @property
    def service_account_name(self) -> str:
        """Resource name ``projects/<project>/serviceAccounts/<email>`` (for IAM bindings on the account)."""
        return str(self._service_account.name)

    @property
    def repository_name(self) -> str | None:
        """The repository's resource name (for IAM bindings on it); None without a registry (noop builder)."""
        return str(self._repository.name) if self._repository is not None else None

    @property
    def service_account_email(self) -> str:
        """Annotate the Kubernetes service account with ``iam.gke.io/gcp-service-account`` = this."""
        return f"{self._props.service_account_id}@{self._props.project}.iam.gserviceaccount.com"

    @property
    def repository_url(self) -> str | None:
        """``<region>-docker.pkg.dev/<project>/<repository>/<image>``: the launch-config ``builder.destination``;
        None without a registry (noop builder)."""
        p = self._props
        if not p.registry:
            return None
        return f"{p.region}-docker.pkg.dev/{p.project}/{p.repository_id}/{p.image_name}"

    @property
    def bucket_name(self) -> str | None:
        if self._bucket is None:
            return None
        return self._props.bucket_name or f"{self._props.service_account_id}-ctx-{self._props.project}"

    @property
    def build_context_store(self) -> str | None:
        """``gs://<bucket>/<prefix>``: the launch-config ``builder.build-context-store`` (kaniko builder only)."""
        name = self.bucket_name
        if name is None or not self._props.build_context_bucket:
            return None
        return f"gs://{name}/{self._props.build_context_prefix.strip('/')}"

    @property
    def vertex_staging_bucket(self) -> str | None:
        """``gs://<bucket>``: the Vertex AI queue's ``spec.staging_bucket`` (vertex_ai only)."""
        name = self.bucket_name
        return f"gs://{name}" if name is not None and self._props.vertex_ai else None
