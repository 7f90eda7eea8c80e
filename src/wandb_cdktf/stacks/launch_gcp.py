"""``<namespace>-launch-gcp``: Artifact Registry repository, GCS build-context bucket, agent service account."""

from __future__ import annotations

from cdktf import TerraformOutput
from constructs import Construct

from ..config import WandbConfig
from ..constructs.gcp.launch_agent import GcpLaunchAgent, GcpLaunchAgentProps
from .base import WandbStack, google_provider
from .launch import emit_launch_outputs


class LaunchGcpStack(WandbStack):
    """W&B Launch agent permissions on GCP (custom roles scoped to the repository and bucket; see the construct)."""

    def __init__(self, scope: Construct, stack_id: str, *, config: WandbConfig) -> None:
        super().__init__(scope, stack_id, config=config)
        launch = config.launch
        assert launch is not None and launch.gcp is not None
        lg = launch.gcp
        google_provider(self, project=lg.project, region=lg.region)

        ns = config.namespace
        self.agent = GcpLaunchAgent(
            self,
            "launch-agent",
            GcpLaunchAgentProps(
                project=lg.project,
                region=lg.region,
                repository_id=lg.repository_id or f"{ns}-launch",
                service_account_id=lg.service_account_id or f"{ns}-launch",
                role_id_prefix=f"{ns.replace('-', '_')}_launch",
                kubernetes_namespace=launch.agent_namespace,
                kubernetes_service_account=launch.service_account,
                workload_identity_pool=lg.workload_identity_pool,
                image_name=lg.image_name,
                registry=launch.builder != "noop",
                build_context_bucket=launch.builder == "kaniko",
                bucket_name=lg.bucket_name or f"{ns}-launch-ctx-{lg.project}",
                bucket_location=lg.bucket_location,
                build_context_expiration_days=launch.build_context_expiration_days,
                force_destroy=not config.deletion_protection,
                vertex_ai=lg.vertex_ai,
                vertex_ai_job_service_account=lg.vertex_ai_job_service_account,
                job_node_service_account=lg.job_node_service_account,
            ),
        )
        self.launch_config = emit_launch_outputs(
            self,
            config,
            environment="gcp",
            region=lg.region,
            project=lg.project,
            destination=self.agent.repository_url,
            build_context_store=self.agent.build_context_store,
            service_account_annotations={"iam.gke.io/gcp-service-account": self.agent.service_account_email},
        )
        TerraformOutput(self, "service_account_email", value=self.agent.service_account_email, description="Launch agent service account")
        if self.agent.repository_url is not None:  # noop builder: prebuilt images, no repository
            TerraformOutput(self, "repository_url", value=self.agent.repository_url, description="Artifact Registry image for built images")
        if self.agent.build_context_store:
            TerraformOutput(self, "build_context_store", value=self.agent.build_context_store, description="Kaniko build-context store")
        if self.agent.vertex_staging_bucket:
            TerraformOutput(self, "vertex_staging_bucket", value=self.agent.vertex_staging_bucket,
                            description="Vertex AI queue config: spec.staging_bucket")

    @property
    def service_account_email(self) -> str:
        return self.agent.service_account_email
