"""GCP constructs for W&B (one construct per module; provider bindings load lazily, from the ``gcp`` extra).

    from wandb_cdktf.constructs.gcp import GcpByobBucket, GcpByobBucketProps, GcpLaunchAgent

``GcsByobBucket`` stays importable as the former name of ``GcpByobBucket``.
"""

from .byob_bucket import GcsByobBucket, GcsByobBucketProps
from .launch_agent import GcpLaunchAgent, GcpLaunchAgentProps

GcpByobBucket = GcsByobBucket
GcpByobBucketProps = GcsByobBucketProps

__all__ = ["GcpByobBucket", "GcpByobBucketProps", "GcpLaunchAgent", "GcpLaunchAgentProps", "GcsByobBucket",
           "GcsByobBucketProps"]
