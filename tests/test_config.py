"""Config: defaults in code equal the example, which documents every key; errors are one line
naming file and key; every number has bounds; environment overrides reach every section."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

import adapters
import bot.config
from adapters.discord.config import DiscordConfig
from adapters.telegram.config import TelegramConfig
from bot.config import (
    CORE_SECTIONS,
    EXAMPLE_FILE,
    ArxivConfig,
    ChannelConfig,
    Config,
    TopicEntry,
    load_config,
    masked,
    parse_config,
    resolve_path,
)
from bot.errors import ConfigError
from bot.main.cli import main
from bot.models import Topic
from tests.conftest import ROOT

PLATFORMS = {n: (e.section, e.check_chat) for n, e in adapters.registered().items()}
LOCAL = {"api_url": "http://127.0.0.1:9/api/query", "rss_url": "http://127.0.0.1:9/rss/"}


def _parse(raw: dict[str, Any], env: dict[str, str] | None = None) -> Config:
    return parse_config(raw, "my.toml", env or {}, PLATFORMS)


def _error(raw: dict[str, Any], env: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as info:
        _parse(raw, env)
    message = str(info.value)
    assert "\n" not in message and "pydantic" not in message, message
    return message


def _models() -> dict[str, type[BaseModel]]:
    platform_sections = {name: spec[0] for name, spec in PLATFORMS.items()}
    return {**CORE_SECTIONS, **platform_sections, "topics": TopicEntry, "channels": ChannelConfig}


# --- defaults and documentation ---------------------------------------------------------


def test_example_parses_to_exactly_the_built_in_defaults() -> None:
    example = load_config(EXAMPLE_FILE, env={}, platforms=PLATFORMS)
    built_in = load_config(None, env={}, platforms=PLATFORMS)
    assert example.model_dump() == built_in.model_dump() == Config().model_dump()
    assert example.platforms == built_in.platforms
    assert example.platform("telegram") == TelegramConfig()
    assert example.platform("discord") == DiscordConfig()
    topic = built_in.topic("r1_reasoning")
    assert isinstance(topic, Topic) and "reasoning" in topic.keywords


def test_built_in_defaults_read_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The installed wheel has no config.example.toml next to it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(bot.config, "EXAMPLE_FILE", tmp_path / "absent.toml")
    assert resolve_path(None, env={}) is None
    config = load_config(None, env={}, platforms=PLATFORMS)
    assert config.source == "<built-in defaults>"
    assert [t.name for t in config.topics] == ["R1_Reasoning"]


def _documented_keys(text: str) -> dict[str, set[str]]:
    """Keys per section in the example, commented out or not."""
    keys: dict[str, set[str]] = {}
    section = ""
    for line in text.splitlines():
        header = re.match(r"^#?\s*\[\[?([\w]+)\]\]?\s*(#.*)?$", line)
        if header:
            section = header.group(1)
            continue
        key = re.match(r"^#?\s*(\w+)\s*=", line)
        if key and section:
            keys.setdefault(section, set()).add(key.group(1))
    return keys


def test_example_documents_every_field_of_every_model_in_its_section() -> None:
    documented = _documented_keys(EXAMPLE_FILE.read_text(encoding="utf-8"))
    expected = {name: set(model.model_fields) for name, model in _models().items()}
    assert documented == expected


def test_readme_configuration_table_lists_every_key() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration")[1].split("\n## ")[0]
    rows = re.findall(r"^\| `\[\[?(\w+)\]\]?` \| (.+) \|$", section, re.MULTILINE)
    table = {name: re.findall(r"`(\w+)`", keys) for name, keys in rows}
    assert table == {name: list(model.model_fields) for name, model in _models().items()}


def test_models_are_frozen_and_reject_unknown_keys() -> None:
    config = Config()
    with pytest.raises(ValidationError):
        config.bot.language = "en"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        ArxivConfig(colour="red")  # type: ignore[call-arg]


# --- environment overrides ----------------------------------------------------------------


def test_env_overrides_scalars_lists_and_platform_sections() -> None:
    env = {
        "PAPERBOT_LLM_BASE_URL": "http://127.0.0.1:9/v1",
        "PAPERBOT_LLM_MAX_CONCURRENCY": "3",
        "PAPERBOT_LLM_TEMPERATURE": "0",
        "PAPERBOT_BOT_DEFAULT_CATEGORIES": "cs.CV, cs.RO",
        "PAPERBOT_BOT_TIMEZONE": "Berlin",
        "PAPERBOT_TELEGRAM_BASE_URL": "http://127.0.0.1:8081/bot",
        "PAPERBOT_DISCORD_GATEWAY_URL": "ws://127.0.0.1:9000",
    }
    config = load_config(EXAMPLE_FILE, env=env, platforms=PLATFORMS)
    assert config.llm.base_url == "http://127.0.0.1:9/v1"
    assert config.llm.max_concurrency == 3 and config.llm.temperature == 0
    assert config.bot.default_categories == ("cs.CV", "cs.RO")
    assert config.bot.timezone == "Europe/Berlin"
    assert config.platform("telegram").base_url == "http://127.0.0.1:8081/bot"
    assert config.platform("discord").gateway_url == "ws://127.0.0.1:9000"


def test_env_override_error_names_the_variable() -> None:
    message = _error({}, {"PAPERBOT_ARXIV_BATCH_SIZE": "many"})
    assert message == (
        "environment variable PAPERBOT_ARXIV_BATCH_SIZE: expected an integer, got 'many'"
    )
    message = _error({}, {"PAPERBOT_TELEGRAM_BASE_URL": "localhost"})
    assert message.startswith("environment variable PAPERBOT_TELEGRAM_BASE_URL: must be an http")


# --- errors: one line, file, key, problem -------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"llm": {"max_concurrency": "eight"}},
         "my.toml: [llm] max_concurrency: expected an integer, got 'eight'"),
        ({"llm": {"max_concurrency": True}}, "my.toml: [llm] max_concurrency: expected a number"),
        ({"llm": {"json_mode": "yaml"}}, "my.toml: [llm] json_mode: must be one of "
         "'json_schema', 'json_object' or 'none', got 'yaml'"),
        ({"llm": {"model": 4}}, "my.toml: [llm] model: expected a string, got 4"),
        ({"llm": {"api_key_env": "sk-abc"}}, "my.toml: [llm] api_key_env: must be an "
         "environment variable name"),
        ({"llm": "fast"}, "my.toml: [llm] must be a table"),
        ({"bot": {"timezone": "Mars/Olympus"}}, "my.toml: [bot] timezone: Unknown time zone"),
        ({"bot": {"language": "klingon"}},
         "my.toml: [bot] language: 'klingon' is not a language I know"),
        ({"bot": {"digest_time": "25:00"}}, "my.toml: [bot] digest_time: '25:00' is not a time"),
        ({"bot": {"default_categories": ["cs.CL", "cs.XX"]}},
         "my.toml: [bot] default_categories[1]: Unknown arXiv category 'cs.XX'"),
        ({"bot": {"colour": "red"}}, "my.toml: [bot] colour: unknown key (known: database,"),
        ({"slack": {}}, "my.toml: [slack]: unknown section (known: bot, arxiv, llm,"),
        ({"topics": [{"name": "x", "categories": ["cs.XX"]}]},
         "my.toml: topics[0] (x) categories[0]: Unknown arXiv category 'cs.XX'"),
        ({"topics": [{"categories": ["cs.CL"]}]}, "my.toml: topics[0] name: required"),
        ({"topics": [{"name": "a b"}]}, "my.toml: topics[0] (a b) name: must be 1-40 letters"),
        ({"topics": [{"name": "x", "categories": []}]},
         "my.toml: topics[0] (x) categories: must not be empty"),
        ({"topics": [{"name": "x", "keywords": [" "]}]},
         "my.toml: topics[0] (x) keywords[0]: each keyword must be 1-100 characters"),
        ({"topics": [{"name": "x", "colour": 1}]}, "my.toml: topics[0] (x) colour: unknown key"),
        ({"topics": [{"name": "x"}, {"name": "X"}]}, "my.toml: topics[1] name: two topics"),
        ({"topics": 3}, "my.toml: topics: must be an array of tables ([[topics]])"),
        ({"channels": [{"platform": "telegram", "chat": "@chan", "topics": ["nope"]}]},
         "my.toml: channels[0] topics: unknown topic 'nope' (known: R1_Reasoning)"),
        ({"channels": [{"platform": "irc", "chat": "#a", "topics": ["R1_Reasoning"]}]},
         "my.toml: channels[0] platform: unknown platform 'irc' "
         "(known: console, discord, telegram, web)"),
        ({"channels": [{"platform": "telegram", "chat": "#a", "topics": ["R1_Reasoning"]}]},
         'my.toml: channels[0] chat: expected "@channelname" or a numeric chat id'),
        ({"channels": [{"platform": "discord", "chat": "general", "topics": ["R1_Reasoning"]}]},
         "my.toml: channels[0] chat: a Discord channel id is a number, got 'general'"),
        ({"channels": [{"platform": "discord", "chat": "1", "topics": []}]},
         "my.toml: channels[0] topics: list at least one topic"),
        ({"channels": [{"platform": "discord", "chat": "1", "topics": ["r1_reasoning"],
                        "time": "9am"}]}, "my.toml: channels[0] time: '9am' is not a time"),
        ({"telegram": {"base_url": "api.telegram.org"}},
         "my.toml: [telegram] base_url: must be an http(s):// or ws(s):// URL"),
        ({"discord": {"token": "abc"}}, "my.toml: [discord] token: unknown key (known: token_env"),
    ],
)
def test_errors_are_one_line_naming_file_and_key(raw: dict[str, Any], expected: str) -> None:
    assert _error(raw).startswith(expected)


@pytest.mark.parametrize(
    ("section", "key", "value", "expected"),
    [
        ("bot", "daily_llm_requests_per_user", -1, "between 0 and 100000, got -1"),
        ("bot", "delivery_lease_seconds", 0, "between 1 and 86400, got 0"),
        ("bot", "translation_retention_days", 0, "between 1 and 3650, got 0"),
        ("bot", "translation_retention_days", 3651, "between 1 and 3650, got 3651"),
        ("arxiv", "request_interval_seconds", -5, "between 0 and 600, got -5"),
        ("arxiv", "request_interval_seconds", 1.5, "arXiv allows one request every 3 s, got 1.5"),
        ("arxiv", "timeout_seconds", 0, "between 0.1 and 3600, got 0"),
        ("arxiv", "batch_size", 0, "between 1 and 2000, got 0"),
        ("arxiv", "batch_size", 2001, "between 1 and 2000, got 2001"),
        ("arxiv", "max_retries", -1, "between 0 and 20, got -1"),
        ("llm", "max_concurrency", 0, "between 1 and 256, got 0"),
        ("llm", "max_concurrency", 257, "between 1 and 256, got 257"),
        ("llm", "timeout_seconds", -1, "between 0.1 and 3600, got -1"),
        ("llm", "max_retries", -1, "between 0 and 20, got -1"),
        ("llm", "temperature", 2.5, "between 0 and 2, got 2.5"),
        ("llm", "temperature", float("nan"), "between 0 and 2, got nan"),
    ],
)
def test_every_number_has_bounds(section: str, key: str, value: float, expected: str) -> None:
    message = _error({section: {key: value}})
    assert message.startswith(f"my.toml: [{section}] {key}: ")
    assert expected in message


def test_topic_max_papers_bounds() -> None:
    for bad in (0, 501):
        assert _error({"topics": [{"name": "x", "max_papers": bad}]}) == (
            f"my.toml: topics[0] (x) max_papers: must be between 1 and 500, got {bad}"
        )


def test_the_max_concurrency_example_message() -> None:
    assert _error({"llm": {"max_concurrency": 0}}) == (
        "my.toml: [llm] max_concurrency: must be between 1 and 256, got 0"
    )


def test_arxiv_pacing_floor_only_for_arxiv_hosts() -> None:
    local = _parse({"arxiv": {**LOCAL, "request_interval_seconds": 0.01}})
    assert local.arxiv.request_interval_seconds == 0.01
    assert ArxivConfig(**LOCAL, request_interval_seconds=0).request_interval_seconds == 0
    half_local = {"api_url": LOCAL["api_url"], "request_interval_seconds": 1}
    assert "arXiv allows one request every 3 s" in _error({"arxiv": half_local})
    assert "arXiv allows" in _error({"arxiv": {"api_url": "https://arxiv.org/api/query",
                                               "rss_url": LOCAL["rss_url"],
                                               "request_interval_seconds": 2}})


# --- sections, topics and channels --------------------------------------------------------


def test_channels_take_defaults_from_bot_and_accept_numeric_ids() -> None:
    config = _parse({
        "bot": {"digest_time": "8:30", "timezone": "Shanghai", "language": "english"},
        "channels": [
            {"platform": "telegram", "chat": -1001234, "topics": ["r1_reasoning"]},
            {"platform": "discord", "chat": 42, "topics": ["R1_Reasoning"], "time": "21:00",
             "timezone": "UTC+8", "language": "ja", "quiet_day_notice": True},
        ],
    })
    first, second = config.channels
    assert (first.chat, first.time, first.timezone, first.language) == (
        "-1001234", "08:30", "Asia/Shanghai", "en")
    assert (second.chat, second.time, second.timezone, second.language) == (
        "42", "21:00", "Etc/GMT-8", "ja")
    assert second.quiet_day_notice is True


def test_topics_replace_the_built_in_one_and_default_to_bot_categories() -> None:
    config = _parse({"bot": {"default_categories": ["cs.cv"]},
                     "topics": [{"name": "vision", "keywords": ["diffusion"]}]})
    assert config.topics == (Topic(name="vision", categories=("cs.CV",), keywords=("diffusion",)),)
    assert config.topic("R1_Reasoning") is None


def test_platform_sections_default_when_absent_and_parse_when_present() -> None:
    config = _parse({"telegram": {"base_url": "http://127.0.0.1:8081/bot"}})
    assert config.platform("telegram") == TelegramConfig(base_url="http://127.0.0.1:8081/bot")
    assert config.platform("discord") == DiscordConfig()
    assert config.platform("irc") is None


def test_secrets_only_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(EXAMPLE_FILE, env={}, platforms=PLATFORMS)
    assert "sk-" not in EXAMPLE_FILE.read_text(encoding="utf-8")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert config.llm_api_key == "sk-secret"
    shown = masked(config)
    assert "sk-secret" not in repr(shown)
    assert shown["llm"]["secret"] == "set" and shown["telegram"]["secret"] == "unset"


# --- reading the file ---------------------------------------------------------------------


def test_bad_toml_missing_file_and_directory(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[bot\nlanguage = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.toml: not valid TOML"):
        load_config(bad, env={})
    with pytest.raises(ConfigError, match=r"missing\.toml: file not found"):
        load_config(tmp_path / "missing.toml", env={})
    with pytest.raises(ConfigError, match="is a directory"):
        load_config(tmp_path, env={})


def test_non_utf8_file_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    latin = tmp_path / "latin1.toml"
    latin.write_bytes('[llm]\nmodel = "caf\xe9"\n'.encode("latin-1"))
    assert main(["check", "--config", str(latin)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().splitlines() == [
        f"paperbot: config error: {latin}: not UTF-8 text (byte 0xe9 on line 2); "
        "save the file as UTF-8"
    ]


def test_cli_reports_bounds_as_one_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "paperbot.toml"
    path.write_text("[bot]\ndelivery_lease_seconds = 0\n", encoding="utf-8")
    assert main(["check", "--config", str(path)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"paperbot: config error: {path}: [bot] delivery_lease_seconds: "
        "must be between 1 and 86400, got 0"
    )


def test_a_topic_glossary_parses_into_pairs_and_round_trips() -> None:
    config = Config.model_validate(
        {"topics": [{"name": "T", "categories": ["cs.CL"], "glossary": {" GRPO ": "GRPO"}}]}
    )
    assert config.topics[0].glossary == (("GRPO", "GRPO"),)
    assert Config.model_validate(config.model_dump()).topics == config.topics
    message = _error({"topics": [{"name": "T", "categories": ["cs.CL"], "glossary": {"GRPO": ""}}]})
    assert "glossary" in message
