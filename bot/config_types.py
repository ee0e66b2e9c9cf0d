"""Typed config values: bounded numbers, URLs, variable names, and the time, zone, language
and category parsers the chat commands use too, each failing with a one-line reason."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints
from pydantic_core import PydanticCustomError, core_schema

from bot.arxiv.categories import validate_category
from bot.errors import UserError
from bot.languages import normalize_language
from bot.local_time import parse_time, parse_timezone


def fail(message: str) -> PydanticCustomError:
    """A validation error whose text is shown after `file: [section] key: ` as it is."""
    return PydanticCustomError("config", message)


def _checked(parse: Callable[[str], str]) -> Callable[[str], str]:
    """Turn a UserError from our own parsers into a validation error with the same text."""

    def check(value: str) -> str:
        try:
            return parse(value)
        except UserError as exc:
            raise fail(str(exc)) from None

    return check


def _url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https", "ws", "wss") or not parts.hostname:
        raise fail(f"must be an http(s):// or ws(s):// URL, got {value!r}")
    return value


def _env_name(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
        raise fail(f"must be an environment variable name such as OPENAI_API_KEY, got {value!r}")
    return value


@dataclasses.dataclass(frozen=True)
class Between:
    """Annotated bound for a number, with a message that gives the range and the value."""

    low: float
    high: float

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> core_schema.CoreSchema:
        checked = core_schema.no_info_after_validator_function(self._check, handler(source))
        return core_schema.no_info_before_validator_function(self._no_bool, checked)

    @staticmethod
    def _no_bool(value: Any) -> Any:
        if isinstance(value, bool):  # bool is an int to Python, never a count to a person
            raise fail(f"expected a number, got {str(value).lower()}")
        return value

    def _check(self, value: float) -> float:
        if not self.low <= value <= self.high:
            raise fail(f"must be between {self.low:g} and {self.high:g}, got {value:g}")
        return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Url = Annotated[str, AfterValidator(_url)]
EnvName = Annotated[str, AfterValidator(_env_name)]
Language = Annotated[str, AfterValidator(_checked(normalize_language))]
TimeOfDay = Annotated[str, AfterValidator(_checked(parse_time))]
TimeZone = Annotated[str, AfterValidator(_checked(parse_timezone))]
Category = Annotated[str, AfterValidator(_checked(validate_category))]
Seconds = Annotated[float, Between(0.1, 3600)]
Retries = Annotated[int, Between(0, 20)]


class Section(BaseModel):
    """Base of every config table: frozen, and a key it does not know is an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")
