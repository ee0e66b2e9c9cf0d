"""`[web]`: the digest archive as static pages and feeds, optionally served by `paperbot run`."""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator

from bot.config import Section
from bot.config_types import Between, Language, Text, fail


def _listen(value: str) -> str:
    """"" (nothing listens) or host:port, e.g. "127.0.0.1:8080" or "[::1]:8080"."""
    value = value.strip()
    if not value:
        return value
    match = re.fullmatch(r"(\[[0-9a-fA-F:.]+\]|[\w.\-]+):(\d{1,5})", value)
    if match is None or not 0 < int(match.group(2)) < 65536:
        raise fail(f'must be "host:port" such as "127.0.0.1:8080", or "" for off, got {value!r}')
    return value


def _base_url(value: str) -> str:
    """"" or the site's public http(s) URL, kept with one trailing slash."""
    value = value.strip()
    if not value:
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise fail(f"must be an http(s):// URL such as https://papers.example.org/, got {value!r}")
    return value.rstrip("/") + "/"


Listen = Annotated[str, AfterValidator(_listen)]
BaseUrl = Annotated[str, AfterValidator(_base_url)]


class WebConfig(Section):
    """The `[web]` table. With `listen` empty (the default) `paperbot run` serves nothing;
    `paperbot site --output DIR` builds the same pages and feeds on demand."""

    listen: Listen = ""
    base_url: BaseUrl = ""
    output: Text = "site"
    language: Language | None = None
    title: Text = "paperbot"
    feed_entries: Annotated[int, Between(1, 1000)] = 50

    @property
    def host_port(self) -> tuple[str, int] | None:
        if not self.listen:
            return None
        host, port = self.listen.rsplit(":", 1)
        return host.strip("[]"), int(port)
