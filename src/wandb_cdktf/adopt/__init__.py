"""Take over an existing terraform-aws-wandb deployment in place (``wandb-cdktf adopt``)."""

from .plan import Takeover, plan_takeover, report

__all__ = ["Takeover", "plan_takeover", "report"]
