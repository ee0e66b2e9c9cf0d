"""The LLM port over any OpenAI-compatible chat-completions API.

Transport retries (429, 5xx, timeouts, connection errors) are the SDK's own: it backs off
exponentially and honours `Retry-After` / `retry-after-ms` up to two minutes; a longer wait
surfaces as RateLimited so the caller can reschedule. A bad answer (no usable JSON) is a
different failure: it is asked again once, then reported as UpstreamError.
"""

from __future__ import annotations

import asyncio
import json
import logging
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.config import LLMConfig
from bot.errors import ConfigError, RateLimited, UpstreamError, UserError
from bot.llm import prompts
from bot.llm.parsing import BadAnswer, clean_translation, parse_card
from bot.models import CardText, Glossary, Paper
from bot.ports import Completion

if TYPE_CHECKING:
    import openai

log = logging.getLogger(__name__)

BAD_ANSWER_ATTEMPTS = 2  # the first answer and one retry
DEFAULT_RETRY_AFTER = 30.0
# [prompt, completion] tokens of the requests made within one `complete` call (issue 15).
_COUNTED: ContextVar[list[int] | None] = ContextVar("paperbot_llm_counted", default=None)


@dataclass
class TokenUsage:
    """Running totals for benchmarks and logs (mutable on purpose: one per client)."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    bad_answers: int = 0
    failures: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class OpenAILLM:
    """Implements bot.ports.LLM; at most `max_concurrency` requests are in flight."""

    def __init__(self, config: LLMConfig, api_key: str) -> None:
        if not api_key or not api_key.strip():
            raise ConfigError(
                f"[llm] needs an API key: set the environment variable {config.api_key_env}"
            )
        self._config = config
        self._json_mode: str = config.json_mode
        self._api_key = api_key.strip()
        self._sdk: openai.AsyncOpenAI | None = None
        self._semaphore = asyncio.Semaphore(config.max_concurrency)
        self.usage = TokenUsage()

    @property
    def model(self) -> str:
        return str(self._config.model)

    @property
    def offline(self) -> bool:
        return False

    @property
    def json_mode(self) -> str:
        """The structured-output mode in use; drops to "none" if the provider refuses it."""
        return self._json_mode

    async def card(self, paper: Paper, language: str, glossary: Glossary = ()) -> CardText:
        messages = prompts.card_messages(paper, language, glossary)
        last: BadAnswer | None = None
        for attempt in range(1, BAD_ANSWER_ATTEMPTS + 1):
            text = await self._complete(messages, structured=True)
            try:
                return parse_card(text, language, self.model)
            except BadAnswer as exc:
                self.usage.bad_answers += 1
                last = exc
                log.warning("bad card answer for %sv%d (%s), attempt %d: %s",
                            paper.id, paper.version, language, attempt, exc)
        raise UpstreamError(f"{self.model} gave no usable card for {paper.id}: {last}")

    async def translate(self, text: str, language: str) -> str:
        text = text.strip()
        if not text:  # how long a text may be is TranslationService's to say
            raise UserError("There is no text to translate.")
        messages = prompts.translate_messages(text, language)
        last: BadAnswer | None = None
        for _attempt in range(BAD_ANSWER_ATTEMPTS):
            answer = await self._complete(messages, structured=False)
            try:
                return clean_translation(answer, source=text)
            except BadAnswer as exc:
                self.usage.bad_answers += 1
                last = exc
                log.warning("bad translation answer: %s", exc)
        raise UpstreamError(f"{self.model} gave no usable translation: {last}")

    async def complete(self, messages: list[dict[str, str]]) -> Completion:
        """One answer to `messages` (JSON asked for in the prompt, no response_format: the
        card schema is not its shape) with the tokens the API's `usage` says it cost."""
        counted = [0, 0]
        token = _COUNTED.set(counted)
        try:
            text = await self._complete(messages, structured=False)
        finally:
            _COUNTED.reset(token)
        return Completion(text, counted[0], counted[1])

    @property
    def _client(self) -> openai.AsyncOpenAI:
        """The SDK client, made at the first request: importing `openai` takes seconds
        on small machines, which `paperbot run` would otherwise spend before it is ready."""
        if self._sdk is None:
            import openai

            self._sdk = openai.AsyncOpenAI(
                base_url=self._config.base_url,
                api_key=self._api_key,
                timeout=self._config.timeout_seconds,
                max_retries=self._config.max_retries,
            )
        return self._sdk

    async def aclose(self) -> None:
        if self._sdk is not None:
            await self._sdk.close()

    async def _complete(self, messages: list[prompts.Message], structured: bool) -> str:
        import openai

        async with self._semaphore:
            while True:
                try:
                    return await self._request(messages, structured)
                except openai.BadRequestError as exc:
                    if not (structured and self._json_mode != "none" and _about_format(exc)):
                        self.usage.failures += 1
                        raise UpstreamError(f"LLM refused the request: {_reason(exc)}") from None
                    log.warning("%s refuses response_format (%s); sending none from now on",
                                self.model, _reason(exc))
                    self._json_mode = "none"  # the loop ends: the next try sends no format

    async def _request(self, messages: list[prompts.Message], structured: bool) -> str:
        kwargs: dict[str, Any] = {}
        fmt = prompts.response_format(self._json_mode) if structured else None
        if fmt is not None:
            kwargs["response_format"] = fmt
        import openai

        try:
            response = await self._client.chat.completions.create(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]
                temperature=self._config.temperature,
                **kwargs,
            )
        except openai.BadRequestError:
            raise
        except openai.RateLimitError as exc:
            self.usage.failures += 1
            raise RateLimited(f"LLM rate limit: {_reason(exc)}", _retry_after(exc)) from None
        except openai.APITimeoutError:
            self.usage.failures += 1
            raise UpstreamError(
                f"LLM did not answer within {self._config.timeout_seconds:g} s"
            ) from None
        except openai.APIStatusError as exc:
            self.usage.failures += 1
            raise UpstreamError(f"LLM error {exc.status_code}: {_reason(exc)}") from None
        except (openai.APIError, json.JSONDecodeError) as exc:
            # APIConnectionError, a body that is not JSON, or one of the wrong shape.
            self.usage.failures += 1
            raise UpstreamError(f"LLM unreachable or answered garbage: {exc}") from None
        self.usage.calls += 1
        if response.usage is not None:
            self.usage.prompt_tokens += response.usage.prompt_tokens or 0
            self.usage.completion_tokens += response.usage.completion_tokens or 0
            counted = _COUNTED.get()
            if counted is not None:
                counted[0] += response.usage.prompt_tokens or 0
                counted[1] += response.usage.completion_tokens or 0
            log.debug("%s: %d prompt + %d completion tokens", self.model,
                      response.usage.prompt_tokens, response.usage.completion_tokens)
        if not response.choices:
            return ""
        choice = response.choices[0]
        if choice.finish_reason == "length":
            log.warning("%s stopped at its token limit; the answer is truncated", self.model)
        return choice.message.content or ""


def _about_format(exc: openai.BadRequestError) -> bool:
    return "response_format" in f"{exc.message} {exc.param or ''} {exc.body or ''}".lower()


def _reason(exc: openai.APIError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error")
        nested = inner.get("message") if isinstance(inner, dict) else inner
        message = body.get("message") or nested
        if message:
            return str(message)[:200]
    return exc.message[:200]


def _retry_after(exc: openai.APIStatusError) -> float:
    for header, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = exc.response.headers.get(header)
        if value is None:
            continue
        try:
            return max(0.0, float(value) / divisor)
        except ValueError:
            continue
    return DEFAULT_RETRY_AFTER
