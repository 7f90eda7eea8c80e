"""wandb-cdktf: CDKTF constructs and stacks for self-managed Weights & Biases.

Importing this package is cheap: provider bindings load lazily (see
``wandb_cdktf.providers``) and stacks are imported only when built.
"""

from __future__ import annotations

__version__ = "0.1.0"
