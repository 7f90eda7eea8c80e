"""Base class shared by every configuration section, and the two structured errors.

``OptionError`` is raised inside validation (relative option name); ``ConfigError`` is what the loader and
the commands report (full option path, one printable line).
"""

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


class ConfigError(ValueError):
    """A configuration problem, reported as ``config error: <option>: <what is allowed>``."""

    def __init__(self, option: str, message: str) -> None:
        self.option = option
        self.message = message
        # Option names and messages may echo user input: keep the report one printable line of bounded size.
        super().__init__(f"config error: {_printable(option, 120)}: {_printable(message, 1000)}")


def _printable(text: object, limit: int) -> str:
    text = str(text)
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def one_line(text: str, limit: int = 300) -> str:
    """``text`` with all whitespace runs (newlines too) as one space, cut to ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
