"""What every wandb-cdktf stack shares: its backend (local or S3), IAM defaults and provider set-up (one helper per
cloud: ``aws_provider``, ``google_provider``, ``azurerm_provider``)."""

from __future__ import annotations

from typing import Any

from cdktf import LocalBackend, S3Backend, TerraformStack
from constructs import Construct

from ..config import RemoteStateConfig, WandbConfig
from ..constructs.aws.iam_defaults import IamDefaultsProps, apply_iam_defaults

# The oldest Terraform the stacks run on: ephemeral resources (the generated database password, read without
# state) need 1.10 and write-only arguments (``password_wo`` and friends) need 1.11. Terraform 1.10 fails on them
# with an obscure "ephemeral value" error; with this in the ``terraform {}`` block, Terraform itself refuses
# first and names the version. Below 2.0: Terraform's v1.x compatibility promises end there.
TERRAFORM_REQUIRED_VERSION = ">= 1.11.0, < 2.0.0"


class WandbStack(TerraformStack):
    """A TerraformStack whose state goes to the configured S3 backend, else a local file.

    The stack id is part of the state key, so each stack keeps its own state:
    ``<key_prefix>/<stack id>.tfstate``.
    """

    def __init__(self, scope: Construct, stack_id: str, *, config: WandbConfig) -> None:
        super().__init__(scope, stack_id)
        self._config = config
        self.add_override("terraform.required_version", TERRAFORM_REQUIRED_VERSION)
        configure_backend(self, stack_id, config.remote_state, default_region=config.region)
        # Every IAM role of every stack gets the boundary and path (an aspect, so no construct can miss it).
        apply_iam_defaults(self, IamDefaultsProps(
            permissions_boundary_arn=config.iam_permissions_boundary_arn, path=config.iam_role_path))

    @property
    def config(self) -> WandbConfig:
        return self._config


def configure_backend(stack: TerraformStack, stack_id: str, remote: RemoteStateConfig | None, *, default_region: str) -> None:
    """Attach an S3 backend (with locking and encryption) or a local one named after the stack."""
    if remote is None:
        # Stacks run in <outdir>/stacks/<id>; keep state beside <outdir> (the project root by default)
        # so re-synthesizing, which replaces <outdir>, never touches it. Every stack sits at the same
        # depth, so this relative path also resolves from sibling stacks' cross-stack remote state.
        LocalBackend(stack, path=f"../../../terraform.{stack_id}.tfstate")
        return
    kwargs: dict[str, Any] = {
        "bucket": remote.bucket,
        "key": f"{remote.key_prefix.strip('/')}/{stack_id}.tfstate",
        "region": remote.region or default_region,
        "encrypt": remote.encrypt,
    }
    if remote.dynamodb_table:
        kwargs["dynamodb_table"] = remote.dynamodb_table
    if remote.kms_key_id:
        kwargs["kms_key_id"] = remote.kms_key_id
    backend = S3Backend(stack, **kwargs)
    if remote.use_lockfile:
        # S3-native locking (Terraform >= 1.10) postdates cdktf 0.21's typed S3Backend arguments.
        backend.add_override("use_lockfile", True)


def aws_provider(stack: Construct, region: str, tags: dict[str, str], *, alias: str | None = None) -> Any:
    """The hashicorp/aws provider with our default tags (every AWS resource is tagged)."""
    from .._providers import aws

    default_tags = [aws.provider.AwsProviderDefaultTags(tags={"managed-by": "wandb-cdktf", **tags})]
    kwargs: dict[str, Any] = {"region": region, "default_tags": default_tags}
    if alias:
        kwargs["alias"] = alias
    owner = TerraformStack.of(stack)
    endpoints = owner.config.aws_endpoints if isinstance(owner, WandbStack) else None
    if endpoints is not None:  # tests against an AWS API emulator only (config option aws_endpoints)
        emulator = endpoints.provider_arguments()
        if "endpoints" in emulator:
            emulator["endpoints"] = [aws.provider.AwsProviderEndpoints(**emulator["endpoints"])]
        kwargs.update(emulator)
    return aws.provider.AwsProvider(stack, "aws" if alias is None else f"aws-{alias}", **kwargs)


GCP_DEFAULT_LABELS = {"managed_by": "wandb-cdktf"}
"""Labels the google provider puts on every resource that takes labels: the GCP counterpart of the ``managed-by``
tag of the AWS and Azure stacks (the key spelled as the BYOB stack has always labelled its buckets)."""


def google_provider(stack: Construct, *, project: str, region: str | None = None) -> Any:
    """The hashicorp/google provider of a GCP stack: its project, an optional default region, and our default
    labels (every labelled resource, as ``aws_provider``'s default tags on AWS)."""
    from .._providers import google

    kwargs: dict[str, Any] = {"project": project}
    if region is not None:
        kwargs["region"] = region
    return google.provider.GoogleProvider(stack, "google", default_labels=dict(GCP_DEFAULT_LABELS), **kwargs)


def azurerm_provider(stack: Construct, *, subscription_id: str | None = None) -> Any:
    """The hashicorp/azurerm provider of an Azure stack: the (required, empty) ``features`` block and the
    subscription when one is configured (else the provider's ARM_SUBSCRIPTION_ID / Azure CLI default). azurerm has
    no default tags: each construct tags its resources (``managed-by``) itself."""
    from .._providers import azurerm

    kwargs: dict[str, Any] = {"features": [azurerm.provider.AzurermProviderFeatures()]}
    if subscription_id:
        kwargs["subscription_id"] = subscription_id
    return azurerm.provider.AzurermProvider(stack, "azurerm", **kwargs)
