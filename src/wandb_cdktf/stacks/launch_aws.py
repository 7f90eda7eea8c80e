"""``<namespace>-launch-aws``: ECR repository, S3 build-context bucket and the agent's IRSA role."""

from __future__ import annotations

from typing import Any

from cdktf import TerraformOutput
from constructs import Construct

from ..config import ConfigError, WandbConfig
from ..constructs.aws.launch_agent import AwsLaunchAgent, AwsLaunchAgentProps
from .base import WandbStack, aws_provider
from .launch import emit_launch_outputs


class LaunchAwsStack(WandbStack):
    """W&B Launch agent permissions on AWS.

    The role trusts, in order of precedence: the OIDC provider given in
    ``launch.aws`` (oidc_provider_arn + oidc_issuer_url); otherwise the EKS
    cluster of the ``<namespace>-infra`` stack built in the same app (a
    cross-stack reference); and/or ``launch.aws.principal_arn``.
    """

    def __init__(self, scope: Construct, stack_id: str, *, config: WandbConfig, infra: Any = None) -> None:
        super().__init__(scope, stack_id, config=config)
        launch = config.launch
        assert launch is not None and launch.aws is not None
        la = launch.aws
        self.region = la.region or config.region
        aws_provider(self, self.region, config.tags)

        oidc_arn: str | None = la.oidc_provider_arn
        oidc_issuer: str | None = la.oidc_issuer_host_path
        if oidc_arn is None and infra is not None and getattr(infra, "oidc_provider_arn", None):
            oidc_arn = infra.oidc_provider_arn
            oidc_issuer = infra.oidc_provider_url
        if oidc_arn is None and la.principal_arn is None:
            raise ConfigError(
                "launch.aws",
                "the agent role needs someone to trust: set oidc_provider_arn + oidc_issuer_url (the EKS cluster running "
                "the agent) or principal_arn, or build the platform here (create_platform: true) to use its cluster",
            )

        prefix = f"{config.namespace}-launch"
        self.agent = AwsLaunchAgent(
            self,
            "launch-agent",
            AwsLaunchAgentProps(
                name_prefix=prefix,
                repository_name=la.repository_name or prefix,
                region=self.region,
                service_account_subject=launch.service_account_subject,
                oidc_provider_arn=oidc_arn,
                oidc_issuer=oidc_issuer,
                principal_arn=la.principal_arn,
                registry=launch.builder != "noop",
                build_context_bucket=launch.builder == "kaniko",
                bucket_name=la.bucket_name,
                build_context_expiration_days=launch.build_context_expiration_days,
                kms_key_arn=la.kms_key_arn,
                immutable_tags=la.immutable_tags,
                untagged_image_expiration_days=la.untagged_image_expiration_days,
                force_destroy=not config.deletion_protection,
                sagemaker_execution_role_arn=la.sagemaker.execution_role_arn if la.sagemaker else None,
                sagemaker_kms_key_arn=la.sagemaker.kms_key_arn if la.sagemaker else None,
            ),
        )
        self.launch_config = emit_launch_outputs(
            self,
            config,
            environment="aws",
            region=self.region,
            destination=self.agent.repository_url,
            build_context_store=self.agent.build_context_store,
            # IRSA only when the role trusts an OIDC provider: with principal_arn alone the annotation would name
            # a role the service account cannot assume (AssumeRoleWithWebIdentity denied).
            service_account_annotations={"eks.amazonaws.com/role-arn": self.agent.role_arn} if oidc_arn else {},
            service_account_trusted=oidc_arn is not None,
        )
        TerraformOutput(self, "role_arn", value=self.agent.role_arn, description="IAM role of the Launch agent")
        if self.agent.repository_url is not None:  # noop builder: prebuilt images, no repository
            TerraformOutput(self, "repository_url", value=self.agent.repository_url, description="ECR repository for built images")
        if self.agent.build_context_store:
            TerraformOutput(self, "build_context_store", value=self.agent.build_context_store, description="Kaniko build-context store")

    @property
    def role_arn(self) -> str:
        return self.agent.role_arn

    @property
    def repository_url(self) -> str | None:
        return self.agent.repository_url
