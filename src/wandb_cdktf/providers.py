"""The CDKTF provider bindings wandb-cdktf uses, loaded lazily: the public way to get provider classes.

    from wandb_cdktf.providers import aws
    aws.provider.AwsProvider(self, "aws", region="eu-west-1")
    aws.iam_role.IamRole(self, "role", ...)

``aws``, ``google``, ``azurerm``, ``kubernetes`` and ``helm`` stand for the prebuilt packages
``cdktf_cdktf_provider_<name>``. Importing this module loads none of them; ``aws.s3_bucket`` imports
that one submodule on first use (the package ``__init__`` that imports all ~2,200 submodules never
runs). Type checkers and IDEs see the real packages, so calls are checked against the bindings.
``google`` and ``azurerm`` need the ``gcp`` / ``azure`` extras (``MissingExtraError`` names it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._providers import MissingExtraError, ProviderBindings

if TYPE_CHECKING:  # users' type checkers and IDEs see the whole packages
    import cdktf_cdktf_provider_aws as aws
    import cdktf_cdktf_provider_azurerm as azurerm
    import cdktf_cdktf_provider_google as google
    import cdktf_cdktf_provider_helm as helm
    import cdktf_cdktf_provider_kubernetes as kubernetes
else:
    from ._providers import aws, azurerm, google, helm, kubernetes

__all__ = ["MissingExtraError", "ProviderBindings", "aws", "azurerm", "google", "helm", "kubernetes"]
