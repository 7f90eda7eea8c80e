"""The W&B Launch agent permission stacks: ``<namespace>-launch-aws``, ``-launch-gcp``, ``-launch-azure``.

Each cloud's stack module (and so its provider bindings) is imported only when
the configuration has that cloud, so an AWS-only user never loads google or azurerm.
Every stack emits ``launch_config`` (the agent's launch-config.yaml) and
``helm_values`` (values for the ``wandb/launch-agent`` chart) as Terraform outputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cdktf import TerraformOutput, TerraformStack
from constructs import Construct

from ..launch_config import build_launch_config, helm_values, render_yaml

if TYPE_CHECKING:
    from ..config import WandbConfig

DEFAULT_BASE_URL = "https://api.wandb.ai"


def add_launch_stacks(app: Construct, config: WandbConfig, infra: Any = None) -> dict[str, TerraformStack]:
    """Build one stack per cloud in ``config.launch``; keys "launch-aws", "launch-gcp", "launch-azure".

    ``infra`` is the ``<namespace>-infra`` stack when the platform is built here
    (its EKS OIDC provider then trusts the AWS agent role), else None.
    """
    launch = config.launch
    if launch is None:
        return {}
    stacks: dict[str, TerraformStack] = {}
    ids = config.stack_ids
    if launch.aws is not None:
        from .launch_aws import LaunchAwsStack

        stacks["launch-aws"] = LaunchAwsStack(app, ids["launch-aws"], config=config, infra=infra)
    if launch.gcp is not None:
        from .launch_gcp import LaunchGcpStack

        stacks["launch-gcp"] = LaunchGcpStack(app, ids["launch-gcp"], config=config)
    if launch.azure is not None:
        from .launch_azure import LaunchAzureStack

        stacks["launch-azure"] = LaunchAzureStack(app, ids["launch-azure"], config=config)
    return stacks


def agent_base_url(config: WandbConfig) -> str:
    """The chart's ``baseUrl``: launch.base_url, else this platform's URL, else W&B SaaS."""
    assert config.launch is not None
    if config.launch.base_url:
        return config.launch.base_url
    return config.url if config.create_platform else DEFAULT_BASE_URL


def emit_launch_outputs(
    stack: TerraformStack,
    config: WandbConfig,
    *,
    environment: str,
    region: str,
    destination: str | None,
    build_context_store: str | None,
    service_account_annotations: Mapping[str, str],
    project: str | None = None,
    agent_labels: Mapping[str, str] | None = None,
    service_account_trusted: bool = True,
) -> dict[str, Any]:
    """Write the ``launch_config`` and ``helm_values`` outputs; return the launch-config document."""
    launch = config.launch
    assert launch is not None
    doc = build_launch_config(
        environment=environment,  # type: ignore[arg-type]
        region=region,
        project=project,
        builder=launch.builder,
        destination=destination,
        build_context_store=build_context_store,
        queues=list(launch.queues),
        entity=launch.entity,
        max_jobs=launch.max_jobs,
        build_job_name=launch.build_job_name,
        secret_name=launch.kaniko_credentials_secret.name if launch.kaniko_credentials_secret else None,
        secret_key=launch.kaniko_credentials_secret.key if launch.kaniko_credentials_secret else None,
    )
    text = render_yaml(doc)
    TerraformOutput(
        stack,
        "launch_config",
        value=text,
        description="launch-config.yaml for the W&B Launch agent (the wandb/launch-agent chart's launchConfig value)",
    )
    TerraformOutput(
        stack,
        "helm_values",
        value=helm_values(
            text,
            namespace=launch.agent_namespace,
            base_url=agent_base_url(config),
            service_account_annotations=service_account_annotations,
            agent_labels=agent_labels,
        ),
        description="values.yaml for the wandb/launch-agent chart (add agent.apiKey); helm upgrade --install "
        f"{launch.agent_release_name} wandb/launch-agent -f values.yaml",
    )
    if service_account_trusted:  # AWS with principal_arn only: the role trusts no service account
        TerraformOutput(stack, "service_account", value=f"{launch.agent_namespace}/{launch.service_account}",
                        description="Kubernetes service account trusted by the agent identity (namespace/name)")
    secret = launch.kaniko_credentials_secret
    if secret is not None:
        # The credentials are never created by Terraform (they would sit in its state): the user makes the
        # secret from the credentials file the docs name (AWS credentials file / GCP service-account JSON).
        what = "an AWS credentials file" if environment == "aws" else "a GCP service-account JSON key"
        TerraformOutput(
            stack, "kaniko_credentials_secret",
            value=f"kubectl create secret generic {secret.name} -n {launch.agent_namespace} --from-file={secret.key}=<{what}>",
            description="Create the Kaniko credentials secret (cluster without IRSA/Workload Identity) before the first build",
        )
    return doc
