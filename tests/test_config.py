"""Config: the example parses, errors name file and key, environment overrides work."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import EXAMPLE_FILE, load_config, parse_config, resolve_path
from bot.errors import ConfigError


def test_example_config_parses_with_reference_topic() -> None:
    config = load_config(EXAMPLE_FILE, env={})
    topic = config.topic("r1_reasoning")
    assert topic is not None and topic.name == "R1_Reasoning"
    assert set(topic.categories) == {"cs.CL", "cs.AI", "cs.LG"}
    assert "reasoning" in topic.keywords
    assert config.bot.language == "zh"


def test_defaults_equal_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_path(None, env={}) is None
    assert load_config(None, env={}).topics == load_config(EXAMPLE_FILE, env={}).topics


def test_env_overrides_scalar_keys() -> None:
    env = {
        "PAPERBOT_LLM_BASE_URL": "http://127.0.0.1:9/v1",
        "PAPERBOT_LLM_MAX_CONCURRENCY": "3",
        "PAPERBOT_BOT_DEFAULT_CATEGORIES": "cs.CV, cs.RO",
    }
    config = load_config(EXAMPLE_FILE, env=env)
    assert config.llm.base_url == "http://127.0.0.1:9/v1"
    assert config.llm.max_concurrency == 3
    assert config.bot.default_categories == ("cs.CV", "cs.RO")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"llm": {"max_concurrency": "eight"}}, "[llm] max_concurrency: expected an integer"),
        ({"llm": {"json_mode": "yaml"}}, "[llm] json_mode: must be one of"),
        ({"bot": {"timezone": "Mars/Olympus"}}, "[bot] timezone: unknown time zone"),
        ({"bot": {"language": "klingon"}}, "[bot] language: 'klingon' is not a language I know"),
        ({"bot": {"colour": "red"}}, "[bot] colour: unknown key"),
        (
            {"topics": [{"name": "x", "categories": ["cs.XX"]}]},
            "categories: Unknown arXiv category",
        ),
        ({"topics": [{"categories": ["cs.CL"]}]}, "topics[0] name: required"),
        (
            {"channels": [{"platform": "telegram", "chat": "@chan", "topics": ["nope"]}]},
            "unknown topic 'nope'",
        ),
        ({"channels": [{"platform": "irc", "chat": "#a", "topics": []}]}, "platform: must be"),
        ({"telegram": {"base_url": "api.telegram.org"}}, "[telegram] base_url: must be an http"),
        ({"bot": {"digest_time": "25:00"}}, "[bot] digest_time: expected HH:MM"),
    ],
)
def test_errors_name_file_and_key(raw: dict, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(raw, "my.toml", env={})
    assert str(info.value).startswith("my.toml: ") or "environment variable" in str(info.value)
    assert expected in str(info.value)


def test_env_override_error_names_variable() -> None:
    with pytest.raises(ConfigError, match="PAPERBOT_ARXIV_BATCH_SIZE: expected an integer"):
        parse_config({}, "x.toml", env={"PAPERBOT_ARXIV_BATCH_SIZE": "many"})


def test_bad_toml_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[bot\nlanguage = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.toml: not valid TOML"):
        load_config(bad, env={})
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "missing.toml", env={})


def test_secrets_only_from_environment() -> None:
    config = load_config(EXAMPLE_FILE, env={})
    text = EXAMPLE_FILE.read_text(encoding="utf-8")
    assert "sk-" not in text
    assert config.llm.api_key_env == "OPENAI_API_KEY"
