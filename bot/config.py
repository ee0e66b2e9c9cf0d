"""Configuration: one TOML file, validated once at start into frozen values.

Secrets never live in the file: it names the environment variables that hold them.
Any scalar key can be overridden with `PAPERBOT_<SECTION>_<KEY>` for containers and tests.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.arxiv.categories import validate_category
from bot.errors import ConfigError, UserError
from bot.languages import normalize_language
from bot.models import Topic

DEFAULT_FILE = Path("paperbot.toml")
EXAMPLE_FILE = Path(__file__).resolve().parent.parent / "config.example.toml"
TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d)?$")  # seconds: for tests
JSON_MODES = ("json_schema", "json_object", "none")


@dataclass(frozen=True)
class BotConfig:
    database: str = "paperbot.db"
    language: str = "zh"
    timezone: str = "Asia/Shanghai"
    default_categories: tuple[str, ...] = ("cs.CL", "cs.AI", "cs.LG")
    digest_time: str = "10:00"
    daily_llm_requests_per_user: int = 30
    delivery_lease_seconds: float = 60.0


@dataclass(frozen=True)
class ArxivConfig:
    api_url: str = "https://export.arxiv.org/api/query"
    rss_url: str = "https://rss.arxiv.org/rss/"
    request_interval_seconds: float = 3.0
    timeout_seconds: float = 30.0
    batch_size: int = 100
    max_retries: int = 4


@dataclass(frozen=True)
class LLMConfig:
    base_url: str = "https://api.openai.com/v1"
    model: str = "gpt-4o-mini"
    api_key_env: str = "OPENAI_API_KEY"
    max_concurrency: int = 8
    timeout_seconds: float = 60.0
    json_mode: str = "json_object"
    max_retries: int = 3
    temperature: float = 0.2


@dataclass(frozen=True)
class TelegramConfig:
    token_env: str = "TELEGRAM_BOT_TOKEN"
    base_url: str = "https://api.telegram.org/bot"


@dataclass(frozen=True)
class DiscordConfig:
    token_env: str = "DISCORD_BOT_TOKEN"
    api_base: str = "https://discord.com/api/v10"
    gateway_url: str = "wss://gateway.discord.gg"


@dataclass(frozen=True)
class ChannelConfig:
    """A channel or group that receives a daily digest of some topics."""

    platform: str
    chat: str
    topics: tuple[str, ...]
    time: str = "10:00"
    timezone: str = "Asia/Shanghai"
    language: str = "zh"
    quiet_day_notice: bool = False


@dataclass(frozen=True)
class Config:
    bot: BotConfig = field(default_factory=BotConfig)
    arxiv: ArxivConfig = field(default_factory=ArxivConfig)
    llm: LLMConfig = field(default_factory=LLMConfig)
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    discord: DiscordConfig = field(default_factory=DiscordConfig)
    topics: tuple[Topic, ...] = ()
    channels: tuple[ChannelConfig, ...] = ()
    source: str = "<defaults>"

    def topic(self, name: str) -> Topic | None:
        folded = name.casefold()
        return next((t for t in self.topics if t.name.casefold() == folded), None)

    def platform(self, name: str) -> Any:
        """A platform's own config section (`[telegram]`), or None when it has none."""
        return getattr(self, name, None)

    def secret(self, env_name: str) -> str | None:
        """Read a secret from the environment variable the config names."""
        value = os.environ.get(env_name, "").strip()
        return value or None

    @property
    def llm_api_key(self) -> str | None:
        return self.secret(self.llm.api_key_env)

    @property
    def telegram_token(self) -> str | None:
        return self.secret(self.telegram.token_env)

    @property
    def discord_token(self) -> str | None:
        return self.secret(self.discord.token_env)


SECTIONS: dict[str, type] = {
    "bot": BotConfig,
    "arxiv": ArxivConfig,
    "llm": LLMConfig,
    "telegram": TelegramConfig,
    "discord": DiscordConfig,
}


def resolve_path(explicit: str | None, env: Mapping[str, str] = os.environ) -> Path | None:
    """--config, then PAPERBOT_CONFIG, then ./paperbot.toml, then built-in defaults (None)."""
    if explicit:
        return Path(explicit)
    if env.get("PAPERBOT_CONFIG"):
        return Path(env["PAPERBOT_CONFIG"])
    if DEFAULT_FILE.exists():
        return DEFAULT_FILE
    return None


def load_config(path: Path | None, env: Mapping[str, str] = os.environ) -> Config:
    """Read, override from the environment and validate; raise ConfigError naming the key."""
    if path is None:
        path = EXAMPLE_FILE
        label = "<built-in defaults>"
    else:
        label = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{label}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{label}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{label}: cannot read: {exc.strerror}") from None
    return parse_config(raw, label, env)


def parse_config(raw: dict[str, Any], label: str, env: Mapping[str, str] = os.environ) -> Config:
    unknown = set(raw) - set(SECTIONS) - {"topics", "channels"}
    if unknown:
        raise ConfigError(f"{label}: unknown section [{sorted(unknown)[0]}]")
    sections: dict[str, Any] = {}
    for name, cls in SECTIONS.items():
        table = raw.get(name, {})
        if not isinstance(table, dict):
            raise ConfigError(f"{label}: [{name}] must be a table")
        sections[name] = _build_section(cls, name, table, label, env)
    topics = tuple(
        _build_topic(t, i, label, sections["bot"])
        for i, t in enumerate(_array(raw, "topics", label))
    )
    names = [t.name.casefold() for t in topics]
    if len(set(names)) != len(names):
        raise ConfigError(f"{label}: topics: two topics share a name")
    config = Config(**sections, topics=topics, source=label)
    channels = tuple(
        _build_channel(c, i, label, config) for i, c in enumerate(_array(raw, "channels", label))
    )
    return replace(config, channels=channels)


def _array(raw: dict[str, Any], key: str, label: str) -> list[dict[str, Any]]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(f"{label}: {key} must be an array of tables ([[{key}]])")
    return value


def _coerce(value: Any, default: Any, where: str) -> Any:
    """Check (or, for env strings, convert) a value to the type of the field's default."""
    target = type(default)
    if isinstance(value, str) and target is not str:
        try:
            if target is bool:
                if value.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                    raise ValueError
                return value.lower() in ("1", "true", "yes", "on")
            if target is tuple:
                return tuple(s.strip() for s in value.split(",") if s.strip())
            return target(value)
        except ValueError:
            raise ConfigError(f"{where}: expected {_type_name(target)}, got {value!r}") from None
    if target is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if target is tuple and isinstance(value, list):
        if not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: expected a list of strings")
        return tuple(value)
    if not isinstance(value, target) or (target is int and isinstance(value, bool)):
        raise ConfigError(
            f"{where}: expected {_type_name(target)}, got {_type_name(type(value))} {value!r}"
        )
    return value


def _type_name(t: type) -> str:
    return {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "true/false",
        tuple: "a list",
        list: "a list",
    }.get(t, t.__name__)


def _build_section(
    cls: type, name: str, table: dict[str, Any], label: str, env: Mapping[str, str]
) -> Any:
    defaults = cls()
    known = {f.name for f in fields(cls)}
    for key in table:
        if key not in known:
            raise ConfigError(
                f"{label}: [{name}] {key}: unknown key (known: {', '.join(sorted(known))})"
            )
    values: dict[str, Any] = {}
    for f in fields(cls):
        default = getattr(defaults, f.name)
        where = f"{label}: [{name}] {f.name}"
        value = table.get(f.name, default)
        env_key = f"PAPERBOT_{name.upper()}_{f.name.upper()}"
        if env_key in env:
            value, where = env[env_key], f"environment variable {env_key}"
        values[f.name] = _coerce(value, default, where)
    section = cls(**values)
    _validate_section(name, section, label)
    return section


def _validate_section(name: str, section: Any, label: str) -> None:
    where = f"{label}: [{name}]"
    if name == "bot":
        _check(lambda: normalize_language(section.language), f"{where} language")
        _check_timezone(section.timezone, f"{where} timezone")
        _check_time(section.digest_time, f"{where} digest_time")
        for cat in section.default_categories:
            _check(lambda c=cat: validate_category(c), f"{where} default_categories")
        if section.daily_llm_requests_per_user < 0:
            raise ConfigError(f"{where} daily_llm_requests_per_user: must be 0 or more")
    if name == "llm":
        if section.json_mode not in JSON_MODES:
            raise ConfigError(
                f"{where} json_mode: must be one of {', '.join(JSON_MODES)}, got "
                f"{section.json_mode!r}"
            )
        if not 1 <= section.max_concurrency <= 256:
            raise ConfigError(f"{where} max_concurrency: must be between 1 and 256")
        if section.timeout_seconds <= 0:
            raise ConfigError(f"{where} timeout_seconds: must be positive")
    if name == "arxiv":
        if not 1 <= section.batch_size <= 2000:
            raise ConfigError(f"{where} batch_size: must be between 1 and 2000")
        if section.timeout_seconds <= 0:
            raise ConfigError(f"{where} timeout_seconds: must be positive")
    for key in ("base_url", "api_url", "rss_url", "api_base", "gateway_url"):
        url = getattr(section, key, None)
        if url is not None and not re.match(r"^(https?|wss?)://", url):
            raise ConfigError(f"{where} {key}: must be an http(s):// or ws(s):// URL, got {url!r}")


def _check(fn: Any, where: str) -> None:
    try:
        fn()
    except UserError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _check_timezone(name: str, where: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{where}: unknown time zone {name!r} (use names like Asia/Shanghai)"
        ) from None


def _check_time(value: str, where: str) -> None:
    if not TIME_RE.match(value):
        raise ConfigError(f"{where}: expected HH:MM (24-hour), got {value!r}")


def _build_topic(table: dict[str, Any], index: int, label: str, bot: BotConfig) -> Topic:
    where = f"{label}: topics[{index}]"
    known = {f.name for f in fields(Topic)}
    for key in table:
        if key not in known:
            raise ConfigError(f"{where} {key}: unknown key (known: {', '.join(sorted(known))})")
    name = table.get("name")
    if not isinstance(name, str) or not re.match(r"^[\w.\-]{1,40}$", name):
        raise ConfigError(f"{where} name: required, 1-40 letters, digits, _ . or -")
    where = f"{label}: topics[{index}] ({name})"
    defaults = Topic(name=name, categories=bot.default_categories)
    values: dict[str, Any] = {"name": name}
    for f in fields(Topic):
        if f.name == "name":
            continue
        values[f.name] = _coerce(
            table.get(f.name, getattr(defaults, f.name)),
            getattr(defaults, f.name),
            f"{where} {f.name}",
        )
    for cat in values["categories"]:
        _check(lambda c=cat: validate_category(c), f"{where} categories")
    if not values["categories"]:
        raise ConfigError(f"{where} categories: must not be empty")
    for kw in (*values["keywords"], *values["exclude_keywords"]):
        if not kw.strip() or len(kw) > 100:
            raise ConfigError(f"{where} keywords: each keyword must be 1-100 characters")
    if not 1 <= values["max_papers"] <= 500:
        raise ConfigError(f"{where} max_papers: must be between 1 and 500")
    return Topic(**values)


def _build_channel(table: dict[str, Any], index: int, label: str, config: Config) -> ChannelConfig:
    where = f"{label}: channels[{index}]"
    known = {f.name for f in fields(ChannelConfig)}
    for key in table:
        if key not in known:
            raise ConfigError(f"{where} {key}: unknown key (known: {', '.join(sorted(known))})")
    platform = table.get("platform")
    if platform not in ("telegram", "discord"):
        raise ConfigError(f'{where} platform: must be "telegram" or "discord"')
    chat = table.get("chat")
    if isinstance(chat, int) and not isinstance(chat, bool):
        chat = str(chat)
    if not isinstance(chat, str) or not chat.strip():
        raise ConfigError(f'{where} chat: required ("@channelname" or a numeric id)')
    if platform == "discord" and not chat.isdigit():
        raise ConfigError(f"{where} chat: a Discord channel id is a number, got {chat!r}")
    if platform == "telegram" and not (re.match(r"^-?\d+$", chat) or re.match(r"^@\w{4,}$", chat)):
        raise ConfigError(f'{where} chat: expected "@channelname" or a numeric chat id')
    topics = _coerce(table.get("topics", ()), (), f"{where} topics")
    if not topics:
        raise ConfigError(f"{where} topics: list at least one topic")
    for name in topics:
        if config.topic(name) is None:
            known_names = ", ".join(t.name for t in config.topics) or "none configured"
            raise ConfigError(f"{where} topics: unknown topic {name!r} (known: {known_names})")
    time = _coerce(table.get("time", config.bot.digest_time), "", f"{where} time")
    _check_time(time, f"{where} time")
    tz = _coerce(table.get("timezone", config.bot.timezone), "", f"{where} timezone")
    _check_timezone(tz, f"{where} timezone")
    lang = _coerce(table.get("language", config.bot.language), "", f"{where} language")
    try:
        lang = normalize_language(lang)
    except UserError as exc:
        raise ConfigError(f"{where} language: {exc}") from None
    quiet = _coerce(table.get("quiet_day_notice", False), False, f"{where} quiet_day_notice")
    return ChannelConfig(
        platform=platform,
        chat=chat,
        topics=tuple(topics),
        time=time,
        timezone=tz,
        language=lang,
        quiet_day_notice=quiet,
    )


def masked(config: Config) -> dict[str, Any]:
    """The config as a dict for `paperbot check`, with secrets shown only as set/unset."""
    out: dict[str, Any] = {"source": config.source}
    for name in SECTIONS:
        out[name] = {
            f.name: getattr(getattr(config, name), f.name) for f in fields(getattr(config, name))
        }
    for section, key in (
        ("llm", "api_key_env"),
        ("telegram", "token_env"),
        ("discord", "token_env"),
    ):
        env_name = out[section][key]
        out[section]["secret"] = "set" if config.secret(env_name) else "unset"
    out["topics"] = [t.name for t in config.topics]
    out["channels"] = [f"{c.platform}:{c.chat}" for c in config.channels]
    return out
