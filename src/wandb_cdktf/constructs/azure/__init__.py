"""Azure constructs for W&B (one construct per module; provider bindings load lazily, from the ``azure`` extra).

    from wandb_cdktf.constructs.azure import AzureByobStorage, AzureByobStorageProps, AzureLaunchAgent
"""

from .byob_storage import AzureByobStorage, AzureByobStorageProps
from .launch_agent import AzureLaunchAgent, AzureLaunchAgentProps

__all__ = ["AzureByobStorage", "AzureByobStorageProps", "AzureLaunchAgent", "AzureLaunchAgentProps"]
