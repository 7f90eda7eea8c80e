"""The bring-your-own-bucket stacks: ``<namespace>-byob-aws``, ``-byob-gcp``, ``-byob-azure``.

Each cloud's stack module is imported only when that cloud is configured, so an
AWS-only user never loads the Google or Azure provider bindings.
"""

from __future__ import annotations

from typing import Any

from cdktf import App, TerraformStack

from ..config import WandbConfig


def add_byob_stacks(app: App, config: WandbConfig, infra: Any = None) -> dict[str, TerraformStack]:
    """Build one stack per cloud in ``config.byob``; keys "byob-aws", "byob-gcp", "byob-azure".

    ``infra`` (the InfraStack or None): a self-managed ``byob.aws`` bucket without an
    explicit ``wandb_principal_arn`` grants the node role of that platform (a cross-stack
    reference), since that role is the identity the W&B pods use.
    """
    stacks: dict[str, TerraformStack] = {}
    if config.byob is None:
        return stacks
    ids = config.stack_ids
    for cloud in config.byob.clouds():
        key = f"byob-{cloud}"
        if cloud == "aws":
            from .byob_aws import ByobAwsStack

            stacks[key] = ByobAwsStack(app, ids[key], config=config, infra=infra)
        elif cloud == "gcp":
            from .byob_gcp import ByobGcpStack

            stacks[key] = ByobGcpStack(app, ids[key], config=config)
        elif cloud == "azure":
            from .byob_azure import ByobAzureStack

            stacks[key] = ByobAzureStack(app, ids[key], config=config)
        else:  # pragma: no cover - ByobConfig.clouds() only returns the three above
            raise ValueError(f"unknown BYOB cloud {cloud!r}")
    return stacks
