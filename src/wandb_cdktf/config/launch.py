"""W&B Launch agent permissions configuration section (filled in by the Launch stacks)."""

from __future__ import annotations

from .base import StrictModel


class LaunchConfig(StrictModel):
    """Which Launch permission stacks to build. Default: none."""

    def clouds(self) -> list[str]:
        """Clouds ("aws", "gcp", "azure") that get a ``<namespace>-launch-<cloud>`` stack."""
        return []
