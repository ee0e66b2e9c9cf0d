"""Reading the config file: TOML, `PAPERBOT_<SECTION>_<KEY>` overrides, and one-line errors.

A person fixing a config wants one line naming the file, the key and the problem, never
pydantic's multi-line report; `_describe` turns the first validation error into that line.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from bot.config_models import CORE_SECTIONS, ChannelConfig, Config, PlatformSpec, TopicEntry
from bot.config_types import Section
from bot.errors import ConfigError

DEFAULTS_LABEL = "<built-in defaults>"
_ARRAYS: dict[str, type[BaseModel]] = {"topics": TopicEntry, "channels": ChannelConfig}


def load(
    path: Path | None, env: Mapping[str, str], platforms: Mapping[str, PlatformSpec]
) -> Config:
    """Read `path` (None: the built-in defaults) and validate it."""
    if path is None:
        return parse({}, DEFAULTS_LABEL, env, platforms)
    label = str(path)
    try:
        data = path.read_bytes()
        raw = tomllib.loads(data.decode("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{label}: file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{label}: is a directory, not a file") from None
    except OSError as exc:
        raise ConfigError(f"{label}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            f"{label}: not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); "
            "save the file as UTF-8"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{label}: not valid TOML: {exc}") from None
    return parse(raw, label, env, platforms)


def parse(
    raw: dict[str, Any], label: str, env: Mapping[str, str], platforms: Mapping[str, PlatformSpec]
) -> Config:
    """Apply overrides, validate the core sections and each registered platform's section."""
    models = {**CORE_SECTIONS, **{name: spec[0] for name, spec in platforms.items()}}
    raw = dict(raw)
    from_env: dict[tuple[str, str], str] = {}
    for name, model in models.items():
        if name in raw and not isinstance(raw[name], dict):
            raise ConfigError(f"{label}: [{name}] must be a table")
        raw[name] = _override(name, model, dict(raw.get(name, {})), env, from_env)
    sections: dict[str, Section] = {}

    def report(exc: ValidationError, prefix: tuple[str, ...] = ()) -> ConfigError:
        error = exc.errors()[0]
        error["loc"] = (*prefix, *error["loc"])
        return ConfigError(_describe(error, label, raw, models, from_env))

    for name in platforms:
        try:
            sections[name] = models[name].model_validate(raw.pop(name))
        except ValidationError as exc:
            raise report(exc, (name,)) from None
    try:
        config = Config.model_validate(raw, context={"platforms": platforms})
    except ValidationError as exc:
        raise report(exc) from None
    config._platforms = sections
    config._source = label
    return config


def _override(
    name: str,
    model: type[Section],
    table: dict[str, Any],
    env: Mapping[str, str],
    from_env: dict[tuple[str, str], str],
) -> dict[str, Any]:
    """`PAPERBOT_LLM_BASE_URL=…` replaces `[llm] base_url`; a list is comma-separated."""
    for key, field in model.model_fields.items():
        var = f"PAPERBOT_{name.upper()}_{key.upper()}"
        if var not in env:
            continue
        value: Any = env[var]
        if isinstance(field.default, tuple):
            value = [item.strip() for item in value.split(",") if item.strip()]
        table[key] = value
        from_env[(name, key)] = var
    return table


_EXPECTED = {
    "int": "an integer",
    "float": "a number",
    "bool": "true or false",
    "string": "a string",
    "tuple": "a list",
    "list": "a list",
}


def _describe(
    error: ErrorDetails,
    label: str,
    raw: Mapping[str, Any],
    models: Mapping[str, type[BaseModel]],
    from_env: Mapping[tuple[str, str], str],
) -> str:
    loc = tuple(error["loc"])
    if not loc:  # a check across tables: the message names its own place
        return f"{label}: {error['msg']}"
    var = from_env.get((str(loc[0]), str(loc[1]))) if len(loc) >= 2 else None
    where = f"environment variable {var}" if var else f"{label}: {_where(loc, raw)}"
    return f"{where}: {_problem(error, loc, models)}"


def _where(loc: tuple[Any, ...], raw: Mapping[str, Any]) -> str:
    """`[llm] max_concurrency`, `topics[0] (R1) max_papers`, `[bot] default_categories[2]`."""
    head, rest = loc[0], loc[1:]
    if head in _ARRAYS:
        if not rest:
            return str(head)
        index, rest = rest[0], rest[1:]
        text = f"{head}[{index}]"
        entry = raw.get(head, [None])[index] if isinstance(index, int) else None
        if head == "topics" and isinstance(entry, dict) and isinstance(entry.get("name"), str):
            text += f" ({entry['name']})"
    else:
        text = f"[{head}]"
    for part in rest:
        text += f"[{part}]" if isinstance(part, int) else f" {part}"
    return text


def _problem(
    error: ErrorDetails, loc: tuple[Any, ...], models: Mapping[str, type[BaseModel]]
) -> str:
    kind, value = error["type"], error.get("input")
    if kind == "config":
        return error["msg"]
    if kind == "extra_forbidden":
        if len(loc) == 1:
            known = ", ".join([*models, *_ARRAYS])
            return f"unknown section (known: {known})"
        model = _ARRAYS.get(loc[0]) or models.get(loc[0])
        known = ", ".join(model.model_fields) if model else "?"
        return f"unknown key (known: {known})"
    if kind == "missing":
        return "required"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "must be a table"
    if loc[0] in _ARRAYS and len(loc) == 1 and kind in ("tuple_type", "list_type"):
        return f"must be an array of tables ([[{loc[0]}]])"
    if kind == "literal_error":
        return f"must be one of {error.get('ctx', {}).get('expected')}, got {value!r}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_pattern_mismatch":
        return f"must be 1-40 letters, digits, _ . or -, got {value!r}"
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    base = kind.split("_")[0]
    if base in _EXPECTED:
        return f"expected {_EXPECTED[base]}, got {value!r}"
    return error["msg"]
