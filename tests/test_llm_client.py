"""OpenAILLM against the FakeLLM stand-in: the real openai SDK over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace

import pytest

from bot.config import LLMConfig
from bot.errors import ConfigError, RateLimited, UpstreamError, UserError
from bot.llm import OfflineLLM, OpenAILLM, make_llm
from bot.models import Paper
from tests.fakes.fake_llm import FakeLLM

PAPER = Paper(
    id="2502.11190", version=2, title="Fast Attention", authors=("A", "B"),
    abstract="We propose $O(n)$ attention. It is 2.5x faster.", categories=("cs.CL",),
    primary_category="cs.CL", comment="9 pages",
)


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    with FakeLLM() as fake:
        yield fake


@pytest.fixture
def config(fake_llm: FakeLLM) -> LLMConfig:
    return LLMConfig(base_url=fake_llm.base_url, model="fake-model", timeout_seconds=5,
                     max_retries=2, json_mode="json_object")


@pytest.fixture
async def llm(config: LLMConfig) -> AsyncIterator[OpenAILLM]:
    client = OpenAILLM(config, "sk-test")
    yield client
    await client.aclose()


async def test_card_round_trip_records_request_and_tokens(
    llm: OpenAILLM, fake_llm: FakeLLM
) -> None:
    card = await llm.card(PAPER, "zh")
    assert card.summary == "Summary of Fast Attention. It is a paper."
    assert len(card.key_takeaways) == 5
    assert card.title_translation == "[zh] Fast Attention"
    assert card.abstract_translation == "[zh] We propose $O(n)$ attention. It is 2.5x faster."
    assert (card.source, card.model, card.language) == ("llm", "fake-model", "zh")
    [req] = fake_llm.requests
    assert req.model == "fake-model" and req.authorization == "Bearer sk-test"
    assert req.response_format == {"type": "json_object"}
    assert [m["role"] for m in req.messages] == ["system", "user"]
    assert llm.usage.calls == 1 and llm.usage.prompt_tokens > 0
    assert llm.usage.completion_tokens > 0


@pytest.mark.parametrize(
    ("json_mode", "expected"),
    [("json_schema", "json_schema"), ("json_object", "json_object"), ("none", None)],
)
async def test_json_mode_decides_response_format(
    config: LLMConfig, fake_llm: FakeLLM, json_mode: str, expected: str | None
) -> None:
    llm = OpenAILLM(config.model_copy(update=dict(json_mode=json_mode)), "k")
    await llm.card(PAPER, "en")
    fmt = fake_llm.requests[0].response_format
    assert (fmt or {}).get("type") == expected
    if expected == "json_schema":
        assert fmt is not None and fmt["json_schema"]["name"] == "paper_card"
    await llm.aclose()


@pytest.mark.parametrize(
    "kind", ["think", "unterminated_think", "fence", "prose", "numbered_takeaways",
             "trailing_comma", "extra_keys", "few_takeaways"],
)
async def test_real_provider_quirks_still_give_a_clean_card(
    llm: OpenAILLM, fake_llm: FakeLLM, kind: str
) -> None:
    fake_llm.always(kind)
    card = await llm.card(PAPER, "zh")
    assert card.summary == "Summary of Fast Attention. It is a paper."
    assert card.key_takeaways[0] == "Takeaway 1 about Fast Attention"
    for text in (card.summary, *card.key_takeaways, card.abstract_translation or ""):
        assert not any(bad in text for bad in ("<think>", "```", "**", "{", "Here is"))
    assert fake_llm.count == 1 and llm.usage.bad_answers == 0


@pytest.mark.parametrize("kind", ["garbage", "truncated", "empty"])
async def test_a_bad_answer_is_retried_once(llm: OpenAILLM, fake_llm: FakeLLM, kind: str) -> None:
    fake_llm.script(kind)
    card = await llm.card(PAPER, "zh")
    assert card.source == "llm"
    assert [r.answered for r in fake_llm.requests] == [kind, "ok"]
    assert llm.usage.bad_answers == 1


async def test_two_bad_answers_raise_upstream_error(llm: OpenAILLM, fake_llm: FakeLLM) -> None:
    fake_llm.always("garbage")
    with pytest.raises(UpstreamError, match=r"no usable card for 2502\.11190"):
        await llm.card(PAPER, "zh")
    assert fake_llm.count == 2


async def test_retry_after_is_honoured(llm: OpenAILLM, fake_llm: FakeLLM) -> None:
    fake_llm.script("rate_limit", retry_after=1)
    card = await llm.card(PAPER, "zh")
    first, second = fake_llm.requests
    # without the header the SDK would wait at most 0.5 s before its first retry
    assert second.at - first.at >= 0.95
    assert card.source == "llm" and llm.usage.failures == 0


async def test_persistent_rate_limit_raises_rate_limited_with_the_wait(
    config: LLMConfig, fake_llm: FakeLLM
) -> None:
    llm = OpenAILLM(config.model_copy(update=dict(max_retries=1)), "k")
    fake_llm.always("rate_limit", retry_after=0.05)
    with pytest.raises(RateLimited) as info:
        await llm.card(PAPER, "zh")
    assert info.value.retry_after == pytest.approx(0.05)
    assert fake_llm.count == 2  # the first try and max_retries=1
    await llm.aclose()


async def test_a_wait_longer_than_two_minutes_is_not_slept_through(
    llm: OpenAILLM, fake_llm: FakeLLM
) -> None:
    fake_llm.always("rate_limit", retry_after=600)
    started = time.monotonic()
    with pytest.raises(RateLimited) as info:
        await llm.card(PAPER, "zh")
    assert info.value.retry_after == 600 and time.monotonic() - started < 5
    assert fake_llm.count == 1


async def test_server_errors_are_retried_then_reported(llm: OpenAILLM, fake_llm: FakeLLM) -> None:
    fake_llm.script("server_error", times=2)
    assert (await llm.card(PAPER, "zh")).source == "llm"
    assert fake_llm.count == 3
    fake_llm.reset()
    fake_llm.always("server_error")
    with pytest.raises(UpstreamError, match="LLM error 500: The server had an error"):
        await llm.card(PAPER, "zh")
    assert fake_llm.count == 3


async def test_timeout_becomes_upstream_error(config: LLMConfig, fake_llm: FakeLLM) -> None:
    llm = OpenAILLM(config.model_copy(update=dict(timeout_seconds=0.2, max_retries=0)), "k")
    fake_llm.always("delay", delay=2)
    with pytest.raises(UpstreamError, match=r"did not answer within 0\.2 s"):
        await llm.card(PAPER, "zh")
    await llm.aclose()


async def test_malformed_body_becomes_upstream_error(llm: OpenAILLM, fake_llm: FakeLLM) -> None:
    fake_llm.always("malformed_body")
    with pytest.raises(UpstreamError, match="garbage"):
        await llm.card(PAPER, "zh")


async def test_unreachable_server_becomes_upstream_error(config: LLMConfig) -> None:
    unreachable = dict(base_url="http://127.0.0.1:9/v1", max_retries=0)
    llm = OpenAILLM(config.model_copy(update=unreachable), "k")
    with pytest.raises(UpstreamError, match="unreachable"):
        await llm.card(PAPER, "zh")
    await llm.aclose()


async def test_provider_without_response_format_is_detected_once(
    llm: OpenAILLM, fake_llm: FakeLLM
) -> None:
    fake_llm.always("no_response_format")
    await llm.card(PAPER, "zh")
    await llm.card(replace(PAPER, id="2502.00001"), "zh")
    sent = [r.response_format is not None for r in fake_llm.requests]
    assert sent == [True, False, False] and llm.json_mode == "none"


async def test_other_bad_requests_are_not_retried(llm: OpenAILLM, fake_llm: FakeLLM) -> None:
    fake_llm.always("bad_request")
    with pytest.raises(UpstreamError, match="refused the request: This model's maximum context"):
        await llm.card(PAPER, "zh")
    assert fake_llm.count == 1 and llm.json_mode == "json_object"


async def test_concurrency_is_bounded(config: LLMConfig, fake_llm: FakeLLM) -> None:
    llm = OpenAILLM(config.model_copy(update=dict(max_concurrency=3)), "k")
    fake_llm.always("delay", delay=0.1)
    papers = [replace(PAPER, id=f"2502.{i:05d}") for i in range(9)]
    cards = await asyncio.gather(*(llm.card(p, "zh") for p in papers))
    assert len(cards) == 9 and fake_llm.max_in_flight == 3
    assert llm.usage.calls == 9
    await llm.aclose()


async def test_translate_returns_plain_text(llm: OpenAILLM, fake_llm: FakeLLM) -> None:
    fake_llm.script("think")
    assert await llm.translate("  Attention is all you need.  ", "ja") == (
        "[ja] Attention is all you need."
    )
    req = fake_llm.requests[0]
    assert req.response_format is None  # plain text out, whatever the json_mode
    assert "Japanese (ja)" in req.messages[0]["content"]


async def test_translate_keeps_reasoning_tags_the_user_wrote(
    llm: OpenAILLM, fake_llm: FakeLLM
) -> None:
    text = "Close it with </think> and then answer."
    fake_llm.script("think")  # the model reasons first, then translates
    assert await llm.translate(text, "ja") == f"[ja] {text}"
    assert await llm.translate(text, "ja") == f"[ja] {text}"  # and without reasoning


async def test_translate_refuses_empty_text_and_leaves_length_to_the_service(
    llm: OpenAILLM, fake_llm: FakeLLM
) -> None:
    with pytest.raises(UserError, match="no text"):
        await llm.translate("   ", "zh")
    assert fake_llm.count == 0
    # The one length limit is TranslationService's (4,000); the client adds no other.
    assert await llm.translate("x" * 8001, "zh") == "[zh] " + "x" * 8001


def test_empty_api_key_raises_at_construction(config: LLMConfig) -> None:
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        OpenAILLM(config, "  ")


def test_make_llm_picks_offline_without_a_key(config: LLMConfig) -> None:
    assert isinstance(make_llm(config, None), OfflineLLM)
    assert isinstance(make_llm(config, ""), OfflineLLM)
    real = make_llm(config, "sk-x")
    assert isinstance(real, OpenAILLM) and not real.offline and real.model == "fake-model"
