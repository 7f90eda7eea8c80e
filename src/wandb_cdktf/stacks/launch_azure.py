"""``<namespace>-launch-azure``: container registry, build-context blob container, agent workload identity."""

from __future__ import annotations

from cdktf import TerraformOutput
from constructs import Construct

from ..config import WandbConfig
from ..constructs.azure.launch_agent import AzureLaunchAgent, AzureLaunchAgentProps
from .base import WandbStack, azurerm_provider
from .launch import emit_launch_outputs


class LaunchAzureStack(WandbStack):
    """W&B Launch agent permissions on Azure (AcrPush on the registry, Blob Data Contributor on the container)."""

    def __init__(self, scope: Construct, stack_id: str, *, config: WandbConfig) -> None:
        super().__init__(scope, stack_id, config=config)
        launch = config.launch
        assert launch is not None and launch.azure is not None
        lz = launch.azure
        kaniko = launch.builder == "kaniko"
        azurerm_provider(self, subscription_id=lz.subscription_id)

        ns = config.namespace
        compact = ns.replace("-", "")
        self.agent = AzureLaunchAgent(
            self,
            "launch-agent",
            AzureLaunchAgentProps(
                name_prefix=f"{ns}-launch",
                location=lz.location,
                resource_group_name=lz.resource_group_name or f"{ns}-launch",
                create_resource_group=lz.create_resource_group,
                registry_name=lz.registry_name or f"{compact}launch",
                registry_sku=lz.registry_sku,
                repository=lz.repository,
                oidc_issuer_url=lz.oidc_issuer_url,
                kubernetes_namespace=launch.agent_namespace,
                kubernetes_service_account=launch.service_account,
                registry=launch.builder != "noop",
                build_context_storage=kaniko,
                storage_account_name=lz.storage_account_name or f"{compact[:18]}launch",
                container_name=lz.container_name,
                build_context_expiration_days=launch.build_context_expiration_days,
                shared_access_key_enabled=kaniko,
                kubelet_identity_object_id=lz.kubelet_identity_object_id,
                tags={"managed-by": "wandb-cdktf", **config.tags},
            ),
        )
        self.launch_config = emit_launch_outputs(
            self,
            config,
            environment="azure",
            region=lz.location,
            destination=self.agent.repository_url,
            build_context_store=self.agent.build_context_store,
            service_account_annotations={"azure.workload.identity/client-id": self.agent.client_id},
            agent_labels={"azure.workload.identity/use": "true"},
        )
        TerraformOutput(self, "client_id", value=self.agent.client_id, description="Client id of the agent's managed identity")
        if self.agent.repository_url is not None:  # noop builder: prebuilt images, no registry
            TerraformOutput(self, "repository_url", value=self.agent.repository_url, description="ACR repository for built images")
        if self.agent.build_context_store:
            TerraformOutput(self, "build_context_store", value=self.agent.build_context_store, description="Kaniko build-context store")
