"""The ``cdktf_cdktf_provider_helm`` submodules wandb-cdktf uses (typing only; see the package docstring)."""

from cdktf_cdktf_provider_helm import provider as provider
from cdktf_cdktf_provider_helm import release as release
