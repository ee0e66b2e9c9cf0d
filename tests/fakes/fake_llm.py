"""An OpenAI-compatible chat-completions stand-in on 127.0.0.1, with fault injection.

By default it answers deterministic, valid card JSON derived from the request (the summary
names the paper's title; translations are prefixed "[zh]" etc.) and plain "[zh] <text>" for
translation requests. Script faults for the next N requests with `script(...)`, or for every
request with `always(...)`. Every request is recorded in `requests`.

    with FakeLLM() as fake:
        fake.script("rate_limit", retry_after=1)
        llm = OpenAILLM(LLMConfig(base_url=fake.base_url), "test-key")
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
import zlib
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.fake_llm_deep import deep_answer
from tests.fakes.server import ThreadedServer

BEHAVIOURS = (
    "ok",  # a valid answer
    "think",  # <think>…</think> before the answer
    "unterminated_think",  # "<think>" never closed, answer after it
    "fence",  # ```json fenced answer
    "prose",  # "Here is the JSON:" … answer … "Hope this helps"
    "numbered_takeaways",  # key_takeaways as one "1. … 2. …" string, with **bold**
    "trailing_comma",  # JSON with trailing commas
    "extra_keys",  # additional keys beside the four
    "few_takeaways",  # only two takeaways
    "garbage",  # prose without any JSON
    "truncated",  # JSON cut off mid-string, finish_reason "length"
    "empty",  # content null
    "malformed_body",  # HTTP 200 whose body is not JSON
    "rate_limit",  # 429 + Retry-After + OpenAI error body
    "server_error",  # 500 with OpenAI error body
    "delay",  # answer after `delay` seconds
    "no_response_format",  # 400 when response_format is sent (like many local servers)
    "bad_request",  # 400 context length exceeded (not retryable)
)


@dataclass
class Step:
    kind: str
    retry_after: float | None = 1.0
    delay: float = 0.0


@dataclass
class Recorded:
    """One request as received: the JSON body plus when and with which key it came."""

    body: dict[str, Any]
    at: float
    authorization: str
    answered: str = ""  # the behaviour applied

    @property
    def model(self) -> str:
        return str(self.body.get("model", ""))

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    @property
    def response_format(self) -> dict[str, Any] | None:
        return self.body.get("response_format")


@dataclass
class _State:
    queue: deque[Step] = field(default_factory=deque)
    persistent: list[Step] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: int = 0
    max_in_flight: int = 0


class FakeLLM:
    def __init__(self) -> None:
        self._state = _State()
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        app.router.add_get("/v1/models", self._models)
        self.embeddings = FakeEmbeddings()
        app.router.add_post("/v1/embeddings", self.embeddings.handle)
        self._server = ThreadedServer(app)

    # lifecycle -------------------------------------------------------------------------
    def start(self) -> FakeLLM:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> FakeLLM:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"{self._server.url}/v1"

    # scripting -------------------------------------------------------------------------
    def script(
        self, kind: str, times: int = 1, retry_after: float | None = 1.0, delay: float = 0.0
    ) -> None:
        """Apply `kind` to the next `times` requests (queued after earlier scripts)."""
        _check(kind)
        with self._state.lock:
            self._state.queue.extend(Step(kind, retry_after, delay) for _ in range(times))

    def always(self, kind: str, retry_after: float | None = 1.0, delay: float = 0.0) -> None:
        """Apply `kind` to every request not covered by `script` (several may combine:
        "no_response_format" then falls through to the next persistent behaviour)."""
        _check(kind)
        with self._state.lock:
            self._state.persistent.append(Step(kind, retry_after, delay))

    def reset(self) -> None:
        with self._state.lock:
            self._state.queue.clear()
            self._state.persistent.clear()
            self._state.requests.clear()
            self._state.max_in_flight = 0

    @property
    def requests(self) -> list[Recorded]:
        with self._state.lock:
            return list(self._state.requests)

    @property
    def count(self) -> int:
        return len(self.requests)

    @property
    def max_in_flight(self) -> int:
        """The most requests being served at once (to check client concurrency limits)."""
        return self._state.max_in_flight

    # handlers --------------------------------------------------------------------------
    async def _models(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"object": "list", "data": [{"id": "fake-model", "object": "model", "owned_by": "x"}]}
        )

    async def _completions(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        state = self._state
        with state.lock:
            step = state.queue.popleft() if state.queue else None
            if step is None:
                step = next(
                    (s for s in state.persistent
                     if s.kind != "no_response_format" or "response_format" in body),
                    Step("ok"),
                )
            record = Recorded(body, time.monotonic(), request.headers.get("Authorization", ""))
            state.requests.append(record)
            state.in_flight += 1
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
        try:
            record.answered = step.kind
            return await self._answer(step, body)
        finally:
            with state.lock:
                state.in_flight -= 1

    async def _answer(self, step: Step, body: dict[str, Any]) -> web.StreamResponse:
        kind = step.kind
        if kind == "rate_limit":
            headers = {} if step.retry_after is None else {"Retry-After": f"{step.retry_after:g}"}
            return _error(429, "Rate limit reached for requests", "rate_limit_exceeded", headers)
        if kind == "server_error":
            # retry-after-ms keeps SDK backoff (0.5 s+) out of the test's wall time
            return _error(500, "The server had an error", "server_error",
                          {"retry-after-ms": "20"})
        if kind == "no_response_format" and "response_format" in body:
            return _error(400, "response_format is not supported by this model",
                          "invalid_request_error", param="response_format")
        if kind == "bad_request":
            return _error(400, "This model's maximum context length is 8192 tokens",
                          "context_length_exceeded", param="messages")
        if kind == "malformed_body":
            return web.Response(text='{"id": "x", "choices": [', content_type="application/json")
        if kind == "delay" or step.delay:
            await asyncio.sleep(step.delay)
        content, finish = _content(kind, body)
        return web.json_response(_completion(body, content, finish))


def _check(kind: str) -> None:
    if kind not in BEHAVIOURS:
        raise ValueError(f"unknown behaviour {kind!r}; known: {', '.join(BEHAVIOURS)}")


def _error(
    status: int, message: str, code: str, headers: dict[str, str] | None = None,
    param: str | None = None,
) -> web.Response:
    err_type = "invalid_request_error" if status == 400 else code
    payload = {"error": {"message": message, "type": err_type, "param": param, "code": code}}
    return web.json_response(payload, status=status, headers=headers or {})


def _completion(body: dict[str, Any], content: str | None, finish: str) -> dict[str, Any]:
    prompt_chars = sum(len(str(m.get("content", ""))) for m in body.get("messages", []))
    completion_tokens = len(content or "") // 4 + 1
    prompt_tokens = prompt_chars // 4 + 1
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake-model"),
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content, "refusal": None},
            "logprobs": None,
            "finish_reason": finish,
        }],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def _content(kind: str, body: dict[str, Any]) -> tuple[str | None, str]:
    messages = body.get("messages", [])
    user = next((m["content"] for m in reversed(messages) if m.get("role") == "user"), "")
    system = next((m["content"] for m in messages if m.get("role") == "system"), "")
    if kind == "empty":
        return None, "stop"
    if kind == "garbage":
        return "I'm sorry, I cannot summarise this paper right now.", "stop"
    deep = deep_answer(system, user)  # issue 15: deep-card prompts
    if deep is not None:
        return deep, "stop"
    if "\nAbstract:" not in user:  # a /translate request
        lang = re.search(r"\(([a-z]{2}(?:-[a-z]{2})?)\)", system)
        text = f"[{lang.group(1) if lang else '??'}] {user}"
        if kind == "think":
            text = f"<think>The user wants a translation.</think>\n{text}"
        return text, "stop"
    card = fake_card(user)
    if kind == "few_takeaways":
        card["key_takeaways"] = card["key_takeaways"][:2]
    if kind == "extra_keys":
        card |= {"confidence": 0.9, "keywords": ["x", "y"]}
    if kind == "numbered_takeaways":
        card["key_takeaways"] = "\n".join(
            f"{i}. **{t}**" for i, t in enumerate(card["key_takeaways"], 1)
        )
    text = json.dumps(card, ensure_ascii=False, indent=1)
    if kind == "truncated":
        return text[: len(text) // 2], "length"
    if kind == "trailing_comma":
        text = text.replace('"\n ]', '",\n ]').rstrip("}").rstrip() + ",\n}"
    wrapped = {
        "think": f"<think>Let me draft {{\"draft\": true}} first.</think>\n{text}",
        "unterminated_think": f"<think>\n{text}",
        "fence": f"```json\n{text}\n```",
        "prose": f"Here is the JSON you asked for:\n{text}\nHope this helps!",
    }
    return wrapped.get(kind, text), "stop"


def fake_card(user_message: str) -> dict[str, Any]:
    """The deterministic card for a card request (also used by tests to predict it)."""
    title = re.search(r"^Title: (.*)$", user_message, re.MULTILINE)
    lang = re.search(r"^Target language: .*\(([a-z-]+)\)$", user_message, re.MULTILINE)
    code = lang.group(1) if lang else "zh"
    name = title.group(1) if title else "?"
    english = code == "en"
    abstract = user_message.split("\nAbstract:\n", 1)[-1]
    return {
        "summary": f"Summary of {name}. It is a paper.",
        "key_takeaways": [f"Takeaway {i} about {name}" for i in range(1, 6)],
        "tldr": f"TL;DR [{code}] {name}",
        "title_translation": None if english else f"[{code}] {name}",
        "abstract_translation": None if english else f"[{code}] {abstract}",
    }


EMBEDDING_DIM = 1024
_COMMON = frozenset((
    "the", "and", "for", "with", "that", "this", "from", "are", "our", "its", "which", "these",
    "their", "has", "have", "can", "was", "were", "into", "over", "such", "than", "not", "also",
    "both", "using", "based", "via", "new", "show", "shows", "propose", "proposed", "method",
    "methods", "approach", "model", "models", "results", "paper", "work", "data", "task",
    "tasks",
))


def fake_embedding(text: str, dim: int = EMBEDDING_DIM) -> list[float]:
    """A deterministic vector: the text's words hashed into `dim` buckets, normalised, so
    texts sharing words are close (a stand-in for a real embedding model)."""
    vector = [0.0] * dim
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        if len(word) > 1 and word not in _COMMON:
            vector[zlib.crc32(word.encode()) % dim] += 1.0
    norm = sum(v * v for v in vector) ** 0.5 or 1.0
    return [v / norm for v in vector]


class FakeEmbeddings:
    """`POST /v1/embeddings`: counts requests and every input text it was asked to embed."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: list[dict[str, Any]] = []
        self.inputs: list[str] = []

    @property
    def calls(self) -> int:
        with self.lock:
            return len(self.requests)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        texts = body.get("input", [])
        texts = [texts] if isinstance(texts, str) else list(texts)
        with self.lock:
            self.requests.append(body)
            self.inputs.extend(texts)
        data = [{"object": "embedding", "index": i, "embedding": fake_embedding(t)}
                for i, t in enumerate(texts)]
        return web.json_response({
            "object": "list", "data": data, "model": body.get("model", "fake-embed"),
            "usage": {"prompt_tokens": len(texts), "total_tokens": len(texts)},
        })
