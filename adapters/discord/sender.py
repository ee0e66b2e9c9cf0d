"""Sending to Discord: payloads as discord.py arguments, and its errors as the core's.

discord.py retries short rate limits itself; what reaches here is mapped to bot.errors so
the outbox knows whether to retry, give up on the chat, or resend as plain text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp
import discord

from adapters.discord.render import CONTENT_MAX
from bot.errors import DeliveryUncertain, MessageRejected, RateLimited, RecipientGone, UpstreamError


def message_kwargs(payload: dict[str, Any]) -> dict[str, Any]:
    """A rendered payload as discord.py send() arguments; mentions are never pinged."""
    return {
        "content": payload.get("content") or None,
        "embeds": [discord.Embed.from_dict(e) for e in payload.get("embeds", [])],
        "allowed_mentions": discord.AllowedMentions.none(),
    }


def plain_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as one text message: embeds flattened to title, link and text."""
    parts = [payload.get("content") or ""]
    for embed in payload.get("embeds", []):
        parts += [embed.get("title", ""), embed.get("url", ""), embed.get("description", "")]
        parts += [f"{f.get('name', '')}: {f.get('value', '')}" for f in embed.get("fields", [])]
    text = "\n".join(p for p in parts if p)
    if len(text) > CONTENT_MAX:
        text = text[: CONTENT_MAX - 1] + "…"
    return {"content": text}


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
