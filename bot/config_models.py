"""The config models: `[bot]`, `[arxiv]`, `[llm]`, `[[topics]]`, `[[channels]]` and the whole
file. Defaults live here and equal `config.example.toml`; platform sections are their adapters'.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    GetPydanticSchema,
    PrivateAttr,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import core_schema

from bot.arxiv.ids import parse_arxiv_id
from bot.config_types import (
    Between,
    Category,
    EnvName,
    Language,
    Retries,
    Seconds,
    Section,
    Text,
    TimeOfDay,
    TimeZone,
    Url,
    fail,
)
from bot.errors import UserError
from bot.models import Topic

ARXIV_MIN_INTERVAL = 3.0  # arXiv's terms: one request every 3 s, API and RSS alike

# A platform's config section model and its `[[channels]] chat` checker (raises ValueError).
PlatformSpec = tuple[type[Section], Callable[[str], str]]


class BotConfig(Section):
    """[bot]: the database, and defaults for readers who set nothing themselves."""

    database: Text = "paperbot.db"
    language: Language = "zh"
    timezone: TimeZone = "Asia/Shanghai"
    default_categories: tuple[Category, ...] = ("cs.CL", "cs.AI", "cs.LG")
    digest_time: TimeOfDay = "10:00"
    daily_llm_requests_per_user: Annotated[int, Between(0, 100_000)] = 30
    daily_llm_requests_per_chat: Annotated[int, Between(0, 1_000_000)] = 100
    daily_arxiv_lookups_per_user: Annotated[int, Between(0, 100_000)] = 50
    # 0 would re-claim every message while it is being sent; a day is longer than any send.
    delivery_lease_seconds: Annotated[float, Between(1, 86_400)] = 60.0
    # /translate texts are the users' own words: stored translations expire after this.
    translation_retention_days: Annotated[int, Between(1, 3_650)] = 30


def is_arxiv_host(url: str) -> bool:
    """True for arxiv.org and its subdomains (where arXiv's 3 s rule applies)."""
    return _is_arxiv_host(url)


def _is_arxiv_host(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host == "arxiv.org" or host.endswith(".arxiv.org")


class ArxivConfig(Section):
    """[arxiv]: endpoints and pacing; arXiv's own hosts never get less than 3 s."""

    api_url: Url = "https://export.arxiv.org/api/query"
    rss_url: Url = "https://rss.arxiv.org/rss/"
    # Full text for deep summaries (issue 15): `<html_base_url>/<id>v<n>`, else the PDF.
    html_base_url: Url = "https://arxiv.org/html"
    pdf_base_url: Url = "https://arxiv.org/pdf"
    request_interval_seconds: Annotated[float, Between(0, 600)] = 3.0
    timeout_seconds: Seconds = 30.0
    batch_size: Annotated[int, Between(1, 2000)] = 100
    max_retries: Retries = 4
    # A full text (HTML or PDF) larger than this is not read: the deep card says "abstract only".
    fulltext_max_bytes: Annotated[int, Between(10_000, 200_000_000)] = 20_000_000

    @field_validator("request_interval_seconds")
    @classmethod
    def _arxiv_pacing(cls, value: float, info: ValidationInfo) -> float:
        urls = [info.data.get("api_url", ""), info.data.get("rss_url", "")]
        if value < ARXIV_MIN_INTERVAL and any(_is_arxiv_host(u) for u in urls):
            raise fail(
                f"arXiv allows one request every {ARXIV_MIN_INTERVAL:g} s, got {value:g} "
                "(shorter intervals are only for api_url/rss_url on other hosts)"
            )
        return value


class LLMConfig(Section):
    """[llm]: any OpenAI-compatible endpoint; the key comes from `api_key_env`."""

    base_url: Url = "https://api.openai.com/v1"
    model: Text = "gpt-4o-mini"
    api_key_env: EnvName = "OPENAI_API_KEY"
    max_concurrency: Annotated[int, Between(1, 256)] = 8
    timeout_seconds: Seconds = 60.0
    json_mode: Literal["json_schema", "json_object", "none"] = "json_object"
    max_retries: Retries = 3
    temperature: Annotated[float, Between(0, 2)] = 0.2
    # Deep summaries (issue 15): the paper's text sent per request, in tokens (≈ 4 chars
    # each); a longer paper is summarised section group by section group, then combined.
    deep_token_budget: Annotated[int, Between(1_000, 1_000_000)] = 12_000
    # Relevance ranking (issue 12): "" ranks by keywords (BM25); a model name ranks by
    # embeddings from `embedding_base_url` (default: base_url) with the key in
    # `embedding_api_key_env` (default: api_key_env), e.g. a local Ollama beside a hosted chat.
    embedding_model: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    embedding_base_url: Url | Literal[""] = ""
    embedding_api_key_env: EnvName | Literal[""] = ""
    embedding_batch_size: Annotated[int, Between(1, 2048)] = 128


def _keyword(value: str) -> str:
    if not value.strip() or len(value) > 100:
        raise fail(f"each keyword must be 1-100 characters, got {value!r}")
    return value


def _seed_id(value: str) -> str:
    try:
        return parse_arxiv_id(value).base
    except UserError:
        raise fail(f"seed_papers: {value!r} is not an arXiv id (e.g. 2501.12948)") from None


class TopicEntry(Section):
    """One `[[topics]]` table; becomes a `bot.models.Topic`. Categories default to [bot]'s."""

    model_config = ConfigDict(frozen=True, extra="forbid", from_attributes=True)

    name: Annotated[str, StringConstraints(pattern=r"^[\w.\-]{1,40}$")]
    categories: tuple[Category, ...]
    keywords: tuple[Annotated[str, AfterValidator(_keyword)], ...] = ()
    exclude_keywords: tuple[Annotated[str, AfterValidator(_keyword)], ...] = ()
    include_cross_lists: bool = True
    max_papers: Annotated[int, Between(1, 500)] = 50
    # Terms the card prompt must render this way (term → rendering in the reader's language).
    glossary: dict[
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)],
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)],
    ] = Field(default_factory=dict)

    # What the topic is about and papers that describe it, for relevance ranking (issue 12).
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    seed_papers: tuple[Annotated[str, AfterValidator(_seed_id)], ...] = ()

    @field_validator("glossary", mode="before")
    @classmethod
    def _pairs(cls, value: object) -> object:
        # A Topic (validated from attributes) carries its glossary as (term, rendering) pairs.
        if isinstance(value, tuple | list):
            return dict(value)
        return value

    @field_validator("categories")
    @classmethod
    def _some(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise fail("must not be empty")
        return value

    def to_topic(self) -> Topic:
        return Topic(**{**dict(self), "glossary": tuple(self.glossary.items())})


# Pydantic validates a table as a TopicEntry; the core gets the frozen dataclass it knows.
TopicField = Annotated[
    Topic,
    GetPydanticSchema(
        lambda _source, handler: core_schema.no_info_after_validator_function(
            TopicEntry.to_topic,
            handler(TopicEntry),
            serialization=core_schema.plain_serializer_function_ser_schema(dataclasses.asdict),
        )
    ),
]


class ChannelConfig(Section):
    """A channel or group that receives a daily digest of some topics (`[[channels]]`)."""

    platform: str
    chat: str
    topics: tuple[str, ...]
    time: TimeOfDay = "10:00"
    timezone: TimeZone = "Asia/Shanghai"
    language: Language = "zh"
    quiet_day_notice: bool = False
    style: Literal["compact", "full"] = "compact"  # issue 11: several papers a message

    @field_validator("platform")
    @classmethod
    def _registered(cls, value: str, info: ValidationInfo) -> str:
        platforms: Mapping[str, PlatformSpec] | None = (info.context or {}).get("platforms")
        if platforms is not None and value not in platforms:
            known = ", ".join(sorted(platforms)) or "none registered"
            raise fail(f"unknown platform {value!r} (known: {known})")
        return value

    @field_validator("chat", mode="before")
    @classmethod
    def _chat(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # TOML gives numeric Telegram/Discord ids as integers
        if not isinstance(value, str) or not value.strip():
            raise fail('required: "@channelname" or a numeric id')
        platforms = (info.context or {}).get("platforms") or {}
        spec = platforms.get(info.data.get("platform"))
        if spec is not None:
            try:
                return spec[1](value.strip())
            except ValueError as exc:
                raise fail(str(exc)) from None
        return value.strip()

    @field_validator("topics")
    @classmethod
    def _some(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise fail("list at least one topic")
        return value


DEFAULT_TOPICS = (
    Topic(
        name="R1_Reasoning",
        categories=("cs.CL", "cs.AI", "cs.LG"),
        keywords=("reasoning", "chain of thought", "chain-of-thought", "reinforcement learning",
                  "test-time scaling", "R1", "o1", "math reasoning"),
        glossary=(("test-time scaling", "测试时扩展"), ("GRPO", "GRPO")),
        description="Reasoning in large language models: RL for reasoning, chain of thought, "
        "test-time scaling",
    ),
)


class Config(Section):
    """The whole file. Platform sections (`[telegram]`) are parsed by their adapters' models
    and reached through `platform(name)`."""

    bot: BotConfig = BotConfig()
    arxiv: ArxivConfig = ArxivConfig()
    llm: LLMConfig = LLMConfig()
    topics: tuple[TopicField, ...] = DEFAULT_TOPICS
    channels: tuple[ChannelConfig, ...] = ()
    _platforms: dict[str, Section] = PrivateAttr(default_factory=dict)
    _source: str = PrivateAttr(default="<defaults>")

    @model_validator(mode="before")
    @classmethod
    def _defaults_from_bot(cls, data: Any) -> Any:
        """Topics default to [bot] default_categories; channels to its time, zone, language."""
        if not isinstance(data, dict):
            return data
        bot: dict[str, Any] = data["bot"] if isinstance(data.get("bot"), dict) else {}
        base = BotConfig()

        def fill(table: Any, keys: dict[str, str]) -> Any:
            if not isinstance(table, dict):
                return table
            return {k: bot.get(src, getattr(base, src)) for k, src in keys.items()} | table

        data = dict(data)
        if isinstance(data.get("topics"), list):
            data["topics"] = [fill(t, {"categories": "default_categories"})
                              for t in data["topics"]]
        if isinstance(data.get("channels"), list):
            keys = {"time": "digest_time", "timezone": "timezone", "language": "language"}
            data["channels"] = [fill(c, keys) for c in data["channels"]]
        return data

    @model_validator(mode="after")
    def _names_resolve(self) -> Config:
        names = [t.name.casefold() for t in self.topics]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise fail(f"topics[{i}] name: two topics are named {self.topics[i].name!r}")
        for i, channel in enumerate(self.channels):
            for name in channel.topics:
                if self.topic(name) is None:
                    known = ", ".join(t.name for t in self.topics) or "none configured"
                    raise fail(f"channels[{i}] topics: unknown topic {name!r} (known: {known})")
        return self

    @property
    def source(self) -> str:
        return self._source

    def topic(self, name: str) -> Topic | None:
        folded = name.casefold()
        return next((t for t in self.topics if t.name.casefold() == folded), None)

    def platform(self, name: str) -> Any:
        """A platform's own section (`[telegram]`), or None when that platform isn't known."""
        return self._platforms.get(name)

    @property
    def platforms(self) -> dict[str, Section]:
        return dict(self._platforms)

    def secret(self, env_name: str) -> str | None:
        """Read a secret from the environment variable the config names."""
        value = os.environ.get(env_name, "").strip()
        return value or None

    @property
    def llm_api_key(self) -> str | None:
        return self.secret(self.llm.api_key_env)


CORE_SECTIONS: dict[str, type[Section]] = {"bot": BotConfig, "arxiv": ArxivConfig,
                                           "llm": LLMConfig}
