"""Azure constructs for W&B (one construct per module; provider bindings load lazily).

    from wandb_cdktf.constructs.azure import AzureByobStorage, AzureByobStorageProps
"""

from .byob_storage import AzureByobStorage, AzureByobStorageProps

__all__ = ["AzureByobStorage", "AzureByobStorageProps"]
