"""Base class shared by every configuration section."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """Unknown keys are errors and values are frozen once validated."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
