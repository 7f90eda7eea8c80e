"""GCP constructs for W&B (one construct per module; provider bindings load lazily).

    from wandb_cdktf.constructs.gcp import GcsByobBucket, GcsByobBucketProps
"""

from .byob_bucket import GcsByobBucket, GcsByobBucketProps

__all__ = ["GcsByobBucket", "GcsByobBucketProps"]
