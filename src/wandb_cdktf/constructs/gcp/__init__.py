"""GCP constructs for W&B (one construct per module; provider bindings load lazily, from the ``gcp`` extra).

    from wandb_cdktf.constructs.gcp import GcpByobBucket, GcpByobBucketProps, GcpLaunchAgent
"""

from .byob_bucket import GcpByobBucket, GcpByobBucketProps
from .launch_agent import GcpLaunchAgent, GcpLaunchAgentProps

__all__ = ["GcpByobBucket", "GcpByobBucketProps", "GcpLaunchAgent", "GcpLaunchAgentProps"]
