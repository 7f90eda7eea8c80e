"""Load a deployment configuration from YAML, JSON or a terraform-aws-wandb ``.tfvars`` file.

All failures become :class:`ConfigError`, whose ``str()`` is one line naming the
option and what is allowed; the command line prints it and exits with code 2.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import legacy, v8
from .base import ConfigError, OptionError, one_line
from .model import WandbConfig

CONFIG_ENV = "WANDB_CDKTF_CONFIG"
LICENSE_ENV = "TF_VAR_wandb_license"
_LICENSE_KEYS = {"license", "wandb_license"}
_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".tfvars": "tfvars", ".hcl": "tfvars"}
# A configuration, even one written by `wandb-cdktf adopt` with its import list, is a few tens of KB: anything past
# these limits is a mistake or an attack (a YAML alias bomb expands a 1 KB file into millions of values).
MAX_CONFIG_BYTES = 1024 * 1024
MAX_CONFIG_VALUES = 50_000


def load_config(path: str | os.PathLike[str] | None = None) -> WandbConfig:
    """Load and validate a configuration.

    ``path`` defaults to ``$WANDB_CDKTF_CONFIG``; with neither, the embedded
    example configuration is used so ``python main.py`` works out of the box.
    """
    if path is None:
        raw = os.environ.get(CONFIG_ENV)
        if raw is not None and not raw.strip():
            raise ConfigError(CONFIG_ENV, "is set but empty: name a .yaml, .json or .tfvars file, or unset it to "
                              "synthesize the embedded example")
        path = raw.strip() if raw is not None else None
    if path is None:
        text = resources.files("wandb_cdktf.config").joinpath("example.yaml").read_text(encoding="utf-8")
        return config_from_mapping(_parse(text, "yaml", "<embedded example>"), source="<embedded example>")
    p = Path(path)
    kind = _SUFFIXES.get(p.suffix.lower())
    if kind is None:
        raise ConfigError(CONFIG_ENV, f"{p.name}: unsupported file type; use .yaml, .yml, .json or .tfvars")
    try:
        size = p.stat().st_size
        if size > MAX_CONFIG_BYTES and p.is_file():
            raise ConfigError(CONFIG_ENV, f"{p.name} is {size:,} bytes; a configuration is at most "
                              f"{MAX_CONFIG_BYTES // 1024} KiB")
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(CONFIG_ENV, f"file not found: {p}") from None
    except IsADirectoryError:
        raise ConfigError(CONFIG_ENV, f"is a directory, not a config file: {p}") from None
    except UnicodeDecodeError:
        raise ConfigError(CONFIG_ENV, f"{p.name} is not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(CONFIG_ENV, f"cannot read {p}: {exc.strerror}") from None
    return config_from_mapping(_parse(text, kind, p.name), source=p.name, tfvars=(kind == "tfvars"))


def config_from_mapping(data: Any, source: str = "the configuration", tfvars: bool = False) -> WandbConfig:
    """Validate an already-parsed mapping (used by the loader, tests and library users)."""
    if not isinstance(data, dict):
        raise ConfigError("<file>", f"{source} must contain a mapping of option names to values, got "
                          f"{_kind(data) if data is not None else 'nothing (only comments?)'}")
    for key in data:
        if not isinstance(key, str):
            raise ConfigError("<file>", f"option names must be strings, got {key!r}")
    data = _without_license(data, source, tfvars)
    # A null in a tfvars/YAML file means "not set": fall back to the default.
    data = {k: val for k, val in data.items() if val is not None}
    if tfvars:  # variables of v1.16.10 / v4.7.2 / v7 that v8 dropped: applied or dropped (see tfvars_notes)
        data, _ = legacy.take_legacy(data)
    known = set(WandbConfig.model_fields)
    v8_unsupported = [k for k in data if k not in known and k in v8.BY_NAME]
    problem = v8.unsupported_message(v8_unsupported, data)
    if problem is not None:
        raise ConfigError(*problem)
    # The rest of the v8 variables asked for what wandb-cdktf does anyway (e.g. enable_clickhouse = false).
    data = {k: val for k, val in data.items() if k not in v8_unsupported}
    unknown = sorted(set(data) - known)
    if unknown:
        hint = difflib.get_close_matches(unknown[0], sorted(known), n=1)
        what = "neither a terraform-aws-wandb v8 variable nor a wandb-cdktf option" if tfvars else "unknown option"
        raise ConfigError(unknown[0], what + (f"; did you mean {hint[0]!r}?" if hint else "; see docs/options.md"))
    try:
        return WandbConfig.model_validate(data)
    except ValidationError as exc:
        raise _from_validation_error(exc) from None


def _without_license(data: dict[str, Any], source: str, tfvars: bool) -> dict[str, Any]:
    """Drop the license from a tfvars file; refuse a license anywhere else.

    A terraform-aws-wandb ``terraform.tfvars`` holds the license, as ``license`` (v8's variable) or as
    ``wandb_license`` (the root variable of W&B's example workspaces, v1.16.10 to v8.0.0, and of the
    operator migration walk-through): both are accepted there and never reach the model, hence never the
    synthesized JSON. YAML/JSON files are wandb-cdktf's own, usually committed: a license there is
    refused (one way to pass it).
    """
    if tfvars:
        _tfvars_license_value(data)  # both names: same checks
        return {k: val for k, val in data.items() if k not in _LICENSE_KEYS}
    found = sorted(_LICENSE_KEYS & set(data))
    if found:
        raise ConfigError(
            found[0],
            f"the license must not be in {source} (only a terraform-aws-wandb .tfvars may carry it, as `license` or "
            f"`wandb_license`); remove it and run `export {LICENSE_ENV}=<license>` before cdktf deploy (it reaches "
            "Terraform as a sensitive variable)",
        )
    return data


def _tfvars_license_value(data: dict[str, Any]) -> str | None:
    """The license of a parsed tfvars: ``license`` or ``wandb_license`` (the same variable under W&B's two names)."""
    values = {k: data[k] for k in ("license", "wandb_license") if data.get(k) is not None}
    for key, value in values.items():
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(key, "must be a non-empty string (the W&B license)")
    if len(set(values.values())) > 1:
        raise ConfigError("wandb_license", "and license are both set, to different values: keep one (they are the same "
                          "variable under W&B's two names)")
    return next(iter(values.values()), None)


def tfvars_notes(data: dict[str, Any], source: str) -> list[str]:
    """One line per thing a tfvars load decided that the user should know (printed, not fatal): each variable of
    an older terraform-aws-wandb version and what happened to it, and the region when the file names none."""
    _, notes = legacy.take_legacy({k: v for k, v in data.items() if v is not None})
    if data.get("region") is None:
        notes.append(f"region: {source} sets none (terraform-aws-wandb takes it from the provider block); deploying "
                     "to us-west-2, the default: add region = \"<your region>\" to deploy elsewhere")
    return notes


def tfvars_license(path: str | os.PathLike[str]) -> str | None:
    """The license (``license`` or ``wandb_license``) of a terraform-aws-wandb ``.tfvars`` file, or None if it has none.

    For ``export TF_VAR_wandb_license="$(wandb-cdktf license terraform.tfvars)"``: the value goes
    from the file to the environment of ``cdktf deploy`` without being written anywhere.
    """
    p = Path(path)
    if _SUFFIXES.get(p.suffix.lower()) != "tfvars":
        raise ConfigError(CONFIG_ENV, f"{p.name}: the license is read only from a .tfvars file")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise ConfigError(CONFIG_ENV, f"cannot read {p}") from None
    data = _parse(text, "tfvars", p.name)
    return _tfvars_license_value(data) if isinstance(data, dict) else None


# pydantic's error types in the configuration's words.
_PYDANTIC_WORDS = {
    "list_type": "must be a list", "dict_type": "must be a mapping of names to values", "string_type": "must be text",
    "bool_type": "must be true or false", "bool_parsing": "must be true or false",
    "int_type": "must be a whole number", "int_parsing": "must be a whole number", "int_from_float": "must be a whole number",
    "float_type": "must be a number", "float_parsing": "must be a number",
    "greater_than_equal": "must be at least {ge}", "less_than_equal": "must be at most {le}",
    "greater_than": "must be more than {gt}", "less_than": "must be less than {lt}",
    "string_too_short": "must be at least {min_length} characters", "string_too_long": "must be at most {max_length} characters",
    "too_short": "must have at least {min_length} items", "too_long": "must have at most {max_length} items",
}


def _kind(value: Any) -> str:
    """A value's type as the configuration file shows it."""
    names = {str: "text", bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "a mapping",
             type(None): "nothing"}
    return names.get(type(value), type(value).__name__)


def _from_validation_error(exc: ValidationError) -> ConfigError:
    errors = exc.errors(include_url=False)
    # An unknown key is usually the cause of the "is required" beside it (a literal access_key_id where
    # access_key_id_env is expected): report it first.
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    # function-*: pydantic's validator wrappers; sections-*: the tags of byob.<cloud> (one section or a list).
    loc = ".".join(str(p) for p in first["loc"] if not (isinstance(p, str) and p.startswith(("function-", "sections-"))))
    msg = str(first["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    error = first.get("ctx", {}).get("error")
    if isinstance(error, OptionError):  # the check names its option (relative to where it was raised)
        loc, msg = (f"{loc}.{error.option}" if loc else error.option), error.detail
    if first["type"] == "missing":
        msg = "is required"
    elif first["type"] == "extra_forbidden":
        msg = "unknown option"
    elif first["type"] in {"literal_error", "enum"}:
        msg = msg.replace("Input should be", "must be")
    elif first["type"] in _PYDANTIC_WORDS:
        with contextlib.suppress(KeyError, IndexError):  # a context pydantic did not give: its own words then
            msg = _PYDANTIC_WORDS[first["type"]].format(**first.get("ctx", {}))
        if "input" in first and first["type"].endswith(("_type", "_parsing")):
            msg += f", got {_kind(first['input'])}"
    elif "input" in first and first["type"].endswith("_type"):
        msg = f"{msg} (got {_kind(first['input'])})"
    more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
    return ConfigError(loc or "<file>", one_line(msg) + more)


def _parse(text: str, kind: str, name: str) -> Any:
    if not text.strip():
        raise ConfigError("<file>", f"{name} is empty")
    if kind == "json":
        try:
            data = json.loads(text, object_pairs_hook=_no_duplicate_pairs)
        except _DuplicateKey as dup:
            raise ConfigError(dup.key, f"is given twice in {name}; keep one (JSON would silently take the last)") from None
        except json.JSONDecodeError as exc:
            raise ConfigError("<file>", f"{name} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
        except (RecursionError, ValueError) as exc:  # absurd nesting, or an integer of > 4300 digits
            raise ConfigError("<file>", f"{name} is not a usable JSON configuration: {_too_big(exc)}") from None
        return _within_limits(data, name)
    if kind == "yaml":
        import yaml

        try:
            data = yaml.load(text, Loader=_yaml_loader())  # a SafeLoader
        except _DuplicateKey as dup:
            raise ConfigError(dup.key, f"is given twice in {name} (line {dup.line}); keep one (YAML would silently "
                              "take the last)") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
            problem = getattr(exc, "problem", None) or "syntax error"
            raise ConfigError("<file>", f"{name} is not valid YAML: {problem}{where}") from None
        except (RecursionError, ValueError) as exc:  # absurd nesting, or an integer of > 4300 digits
            raise ConfigError("<file>", f"{name} is not a usable YAML configuration: {_too_big(exc)}") from None
        return _within_limits(data, name)
    return _parse_tfvars(text, name)


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int = 0) -> None:
        super().__init__(key)
        self.key, self.line = key, line


def _no_duplicate_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _yaml_loader() -> Any:
    """yaml.SafeLoader that refuses a key given twice in one mapping (YAML 1.2 requires unique keys; PyYAML keeps
    the last). Keys brought in by a ``<<`` merge may be overridden, as YAML's merge key defines."""
    import yaml

    class UniqueKeyLoader(yaml.SafeLoader):
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    duplicate = key in seen
                except TypeError:  # an unhashable key: the constructor reports it
                    continue
                if duplicate:
                    raise _DuplicateKey(str(key), key_node.start_mark.line + 1)
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    return UniqueKeyLoader


def _within_limits(data: Any, name: str) -> Any:
    """Refuse a document of more than MAX_CONFIG_VALUES values once YAML aliases are expanded (counted without
    expanding: a shared node counts each time it is reached, and the count stops at the limit)."""
    count, stack = 0, [data]
    while stack:
        node = stack.pop()
        count += 1
        if count > MAX_CONFIG_VALUES:
            raise ConfigError("<file>", f"{name} holds more than {MAX_CONFIG_VALUES:,} values (YAML aliases "
                              "included, each counted where it is used); a configuration is far smaller")
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return data


def _too_big(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "values are nested too deeply"
    return one_line(str(exc), 160)


def _parse_tfvars(text: str, name: str) -> dict[str, Any]:
    import hcl2

    options = hcl2.SerializationOptions(with_comments=False, strip_string_quotes=True, preserve_heredocs=False)
    try:
        raw = hcl2.loads(text, serialization_options=options)
    except Exception as exc:  # lark raises many exception types; all mean "not HCL"
        line, column = getattr(exc, "line", None), getattr(exc, "column", None)
        if isinstance(line, int) and line > 0:  # lark's UnexpectedInput: say where, not which grammar tokens
            token = getattr(exc, "token", None)
            what = ("the file ends too early (an unclosed string, list or block?)"
                    if token is not None and getattr(token, "type", "") == "$END" else "unexpected text")
            raise ConfigError("<file>", f"{name} is not valid HCL at line {line} column {column}: {what}") from None
        first = " ".join(str(exc).split())[:160]
        raise ConfigError("<file>", f"{name} is not valid HCL: {first}") from None
    result: dict[str, Any] = {}
    for key, value in raw.items():
        if key.startswith("__"):  # parser metadata, not a variable
            continue
        if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
            raise ConfigError(key, "must be a literal value; expressions and var references are not supported in .tfvars")
        result[key] = value
    return result
