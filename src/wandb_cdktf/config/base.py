"""Base class shared by every configuration section, and the one structured validation error."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """Unknown keys are errors and values are frozen once validated."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class OptionError(ValueError):
    """A validation error that names the option it is about, relative to the model that raises it.

    Raise it from any validator; the loader reads it back from pydantic's ``ctx["error"]`` and reports
    ``config error: <location>.<option>: <detail>`` (``<option>`` alone from the top-level model), so the
    option never travels inside the message text.
    """

    def __init__(self, option: str, detail: str) -> None:
        super().__init__(f"{option}: {detail}")
        self.option = option
        self.detail = detail
