"""Sending to Discord: payloads as discord.py arguments, and its errors as the core's.

discord.py retries short rate limits itself; what reaches here is mapped to bot.errors so
the outbox knows whether to retry, give up on the chat, or resend as plain text.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp
import discord

from adapters.discord.render import CONTENT_MAX
from bot.errors import DeliveryUncertain, MessageRejected, RateLimited, RecipientGone, UpstreamError


class RawView(discord.ui.View):
    """Components already rendered as JSON, sent as they are. Not dispatchable, so
    discord.py keeps no view per message: presses reach the adapter's on_interaction,
    which decodes the custom_id, and keep working after a restart."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        super().__init__(timeout=None)
        self._rows = rows

    def to_components(self) -> list[dict[str, Any]]:
        return self._rows

    def is_dispatchable(self) -> bool:
        return False

    def has_components_v2(self) -> bool:
        return False


def file_of(payload: dict[str, Any]) -> discord.File | None:
    spec = payload.get("file")
    if not spec:
        return None
    return discord.File(io.BytesIO(str(spec["content"]).encode("utf-8")),
                        filename=str(spec["filename"]))


def message_kwargs(payload: dict[str, Any]) -> dict[str, Any]:
    """A rendered payload as discord.py send() arguments; mentions are never pinged.
    Components and a file are passed only when present (a follow-up refuses `view=None`)."""
    kwargs: dict[str, Any] = {
        "content": payload.get("content") or None,
        "embeds": [discord.Embed.from_dict(e) for e in payload.get("embeds", [])],
        "allowed_mentions": discord.AllowedMentions.none(),
    }
    if payload.get("components"):
        kwargs["view"] = RawView(payload["components"])
    file = file_of(payload)
    if file is not None:
        kwargs["files"] = [file]
    return kwargs


def plain_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as one text message: embeds flattened to title, link and text."""
    parts = [payload.get("content") or ""]
    for embed in payload.get("embeds", []):
        parts += [embed.get("title", ""), embed.get("url", ""), embed.get("description", "")]
        parts += [f"{f.get('name', '')}: {f.get('value', '')}" for f in embed.get("fields", [])]
    text = "\n".join(p for p in parts if p)
    if len(text) > CONTENT_MAX:
        text = text[: CONTENT_MAX - 1] + "…"
    plain: dict[str, Any] = {"content": text}
    if payload.get("file"):
        plain["file"] = payload["file"]
    return plain


@contextmanager
def mapped_errors(chat_id: str) -> Iterator[None]:
    """Turn discord.py's and aiohttp's exceptions into bot.errors for the outbox."""
    try:
        yield
    except (discord.Forbidden, discord.NotFound) as exc:
        raise RecipientGone(f"discord {chat_id}: {exc.text or exc.status}") from exc
    except discord.RateLimited as exc:
        raise RateLimited(f"discord {chat_id}: rate limited", exc.retry_after) from exc
    except discord.HTTPException as exc:
        if exc.status == 400:
            raise MessageRejected(f"discord {chat_id}: {exc.text}") from exc
        raise UpstreamError(f"discord {chat_id}: HTTP {exc.status} {exc.text}") from exc
    except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
        raise UpstreamError(f"discord {chat_id}: unreachable: {exc!r}") from exc
    except (TimeoutError, json.JSONDecodeError) as exc:
        # discord.py parses the body before it looks at the status, so an unreadable
        # answer may be a 200 or an error: the message may or may not be there.
        raise DeliveryUncertain(
            f"discord {chat_id}: no usable answer: {exc!r}", accepted=False
        ) from exc
    except (aiohttp.ClientError, OSError) as exc:
        raise UpstreamError(f"discord {chat_id}: {exc!r}") from exc
