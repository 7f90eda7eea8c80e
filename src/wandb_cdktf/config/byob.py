"""Bring-your-own-bucket configuration section (filled in by the BYOB stacks)."""

from __future__ import annotations

from .base import StrictModel


class ByobConfig(StrictModel):
    """Which BYOB stacks to build. Default: none."""

    def clouds(self) -> list[str]:
        """Clouds ("aws", "gcp", "azure") that get a ``<namespace>-byob-<cloud>`` stack."""
        return []
