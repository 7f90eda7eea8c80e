"""The wandb-cdktf stacks, for composing them in your own app (``wandb_cdktf.app.build_app`` builds the set a
configuration asks for). Each takes ``config=WandbConfig``; the stack id is part of every Terraform address.

    from wandb_cdktf.stacks import InfraStack, OperatorStack

Names load on first use (PEP 562), so importing one stack module does not import them all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import AppStack
    from .base import WandbStack
    from .byob_aws import ByobAwsStack
    from .byob_azure import ByobAzureStack
    from .byob_gcp import ByobGcpStack
    from .infra import InfraStack
    from .launch_aws import LaunchAwsStack
    from .launch_azure import LaunchAzureStack
    from .launch_gcp import LaunchGcpStack
    from .operator import OperatorStack

_WHERE = {
    "AppStack": "app", "WandbStack": "base", "ByobAwsStack": "byob_aws", "ByobAzureStack": "byob_azure",
    "ByobGcpStack": "byob_gcp", "InfraStack": "infra", "LaunchAwsStack": "launch_aws",
    "LaunchAzureStack": "launch_azure", "LaunchGcpStack": "launch_gcp", "OperatorStack": "operator",
}

__all__ = [
    "AppStack", "ByobAwsStack", "ByobAzureStack", "ByobGcpStack", "InfraStack", "LaunchAwsStack", "LaunchAzureStack",
    "LaunchGcpStack", "OperatorStack", "WandbStack",
]
assert sorted(__all__) == sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
