"""Serving the archive: pages and feeds with their types, a 404 page for anything missing,
and nothing outside the site's folder whatever the path says."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.web.config import WebConfig
from adapters.web.server import SiteServer
from adapters.web.site import build_site
from tests.web_archive import TOPIC, filled_store

SECRET = "top secret, outside the site"


async def _get(port: int, target: str) -> tuple[int, dict[str, str], bytes]:
    """A raw HTTP/1.1 request, so the path reaches the server exactly as written."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    raw = await reader.read()
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[int]:
    (tmp_path / "secret.txt").write_text(SECRET)
    (tmp_path / "secret.html").write_text(SECRET)
    site = tmp_path / "site"
    store = filled_store()
    build_site(site, (TOPIC,), store, store, WebConfig(), "zh")
    (site / "papers" / "link.html").symlink_to(tmp_path / "secret.html")
    server = SiteServer(site, "127.0.0.1", 0)
    await server.start()
    try:
        yield server.bound_port
    finally:
        await server.stop()


async def test_pages_and_feeds_are_served_with_their_types(served: int) -> None:
    status, headers, body = await _get(served, "/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b"R1_Reasoning" in body
    status, _, body = await _get(served, "/topics/R1_Reasoning/")
    assert status == 200 and b"2026-03-25" in body
    status, _, body = await _get(served, "/topics/R1_Reasoning/2026-03-25.html")
    assert status == 200 and "2026-03-25 更新".encode() in body
    status, headers, _ = await _get(served, "/topics/R1_Reasoning/atom.xml")
    assert status == 200 and headers["content-type"].startswith("application/atom+xml")
    status, headers, _ = await _get(served, "/feed.json")
    assert status == 200 and headers["content-type"].startswith("application/feed+json")
    assert "default-src 'none'" in headers["content-security-policy"]


async def test_a_missing_page_gets_the_404_page(served: int) -> None:
    status, headers, body = await _get(served, "/topics/R1_Reasoning/1999-01-01.html")
    assert status == 404 and headers["content-type"].startswith("text/html")
    assert "页面不存在".encode() in body


@pytest.mark.parametrize("target", [
    "/../secret.txt", "/../secret.html", "/%2e%2e/secret.html",
    "/topics/..%2f..%2f..%2fsecret.html",
    "/topics/../../secret.html", "/papers/link.html", "/.paperbot-site.json", "//etc/passwd",
    "/%2e%2e%5csecret.html", "/papers/%00.html",
])
async def test_nothing_outside_the_site_is_served(served: int, target: str) -> None:
    status, _, body = await _get(served, target)
    assert SECRET.encode() not in body
    assert b"root:" not in body
    assert status in (400, 404)
