"""Configuration: one TOML file, validated once at start into frozen pydantic models.

Defaults live in code (`bot.config_models`) and equal `config.example.toml`, so the installed
package runs without any file. Secrets never live in the file: it names the environment
variables that hold them. Any scalar key can be overridden with `PAPERBOT_<SECTION>_<KEY>`
(lists comma-separated). Reading and the one-line errors are in `bot.config_file`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.config_file import DEFAULTS_LABEL, load, parse
from bot.config_models import (
    CORE_SECTIONS,
    ArxivConfig,
    BotConfig,
    ChannelConfig,
    Config,
    LLMConfig,
    PlatformSpec,
    TopicEntry,
)
from bot.config_types import EnvName, Section, Url
from bot.errors import ConfigError

__all__ = [
    "CORE_SECTIONS", "DEFAULTS_LABEL", "ArxivConfig", "BotConfig", "ChannelConfig", "Config",
    "ConfigError", "EnvName", "LLMConfig", "PlatformSpec", "Section", "TopicEntry", "Url",
    "load_config", "masked", "parse_config", "resolve_path",
]

DEFAULT_FILE = Path("paperbot.toml")
EXAMPLE_FILE = Path(__file__).resolve().parent.parent / "config.example.toml"  # tests only


def resolve_path(explicit: str | None, env: Mapping[str, str] = os.environ) -> Path | None:
    """--config, then PAPERBOT_CONFIG, then ./paperbot.toml, then built-in defaults (None)."""
    if explicit:
        return Path(explicit)
    if env.get("PAPERBOT_CONFIG"):
        return Path(env["PAPERBOT_CONFIG"])
    if DEFAULT_FILE.exists():
        return DEFAULT_FILE
    return None


def masked(config: Config) -> dict[str, Any]:
    """The config as a dict for `paperbot check`, with secrets shown only as set/unset."""
    out: dict[str, Any] = {"source": config.source}
    sections = {name: getattr(config, name) for name in CORE_SECTIONS} | config.platforms
    for name, section in sections.items():
        table = section.model_dump(mode="json")
        env_names = [v for k, v in table.items() if k.endswith("_env") and v]
        if env_names:
            table["secret"] = "set" if all(config.secret(e) for e in env_names) else "unset"
        out[name] = table
    out["topics"] = [t.name for t in config.topics]
    out["channels"] = [f"{c.platform}:{c.chat}" for c in config.channels]
    return out


def load_config(
    path: Path | None,
    env: Mapping[str, str] = os.environ,
    platforms: Mapping[str, PlatformSpec] | None = None,
) -> Config:
    """Read, override from the environment and validate; raise ConfigError naming the key."""
    return load(path, env, platforms or {})


def parse_config(
    raw: dict[str, Any],
    label: str,
    env: Mapping[str, str] = os.environ,
    platforms: Mapping[str, PlatformSpec] | None = None,
) -> Config:
    """Validate an already-read TOML table (tests and `load_config`)."""
    return parse(raw, label, env, platforms or {})
