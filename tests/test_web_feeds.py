"""The Atom and JSON feeds, parsed back the way a reader's tool parses them."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import feedparser
from lxml import etree

from adapters.web.config import WebConfig
from adapters.web.site import build_site
from tests.web_archive import TOPIC, filled_store, paper

BASE = "https://papers.example.org/"


def _site(tmp_path: Path, base_url: str = "") -> Path:
    store = filled_store()
    build_site(tmp_path, (TOPIC,), store, store, WebConfig(base_url=base_url, feed_entries=10),
               "zh")
    return tmp_path


def test_atom_feed_is_valid_with_ids_dates_links_and_html_content(tmp_path: Path) -> None:
    site = _site(tmp_path, BASE)
    raw = (site / "topics/R1_Reasoning/atom.xml").read_bytes()
    root = etree.fromstring(raw)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    feed = feedparser.parse(raw)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.id == BASE + "topics/R1_Reasoning/atom.xml"
    assert feed.feed.updated_parsed[:3] == (2026, 3, 25)  # the newest day, not the clock
    assert len(feed.entries) == 10  # feed_entries
    newest = feed.entries[0]
    first = paper(date(2026, 3, 25), 0)
    assert newest.id == f"urn:arxiv:{first.id}v1"
    assert newest.link == f"{BASE}papers/{first.id}.html"
    assert len(newest.links) == 1  # RFC 4287: one alternate per type
    assert f'href="https://arxiv.org/abs/{first.id}"' in newest.content[0].value
    assert newest.published_parsed[:3] == (2026, 3, 25)
    days = [e.published_parsed[:3] for e in feed.entries]
    assert days == sorted(days, reverse=True)
    assert len({e.id for e in feed.entries}) == len(feed.entries)
    content = newest.content[0]
    assert content.type == "text/html"
    assert "<ol><li>第一点" in content.value and "摘要总结" in content.value
    assert "<script" not in content.value and "&lt;script&gt;" in content.value
    assert newest.title_detail.type == "text/plain" and newest.title.startswith("<script>")
    assert [a.name for a in newest.authors][:2] == ["Ada Lovelace", "Alan Turing"]


def test_everything_feed_and_feeds_without_a_base_url(tmp_path: Path) -> None:
    site = _site(tmp_path)
    feed = feedparser.parse((site / "atom.xml").read_bytes())
    assert not feed.bozo
    assert feed.feed.id == "urn:paperbot:feed:all"
    first = paper(date(2026, 3, 25), 1)
    entry = next(e for e in feed.entries if e.id == f"urn:arxiv:{first.id}v1")
    assert entry.link == f"https://arxiv.org/abs/{first.id}"  # no public address: arXiv's


def test_json_feed_1_1(tmp_path: Path) -> None:
    site = _site(tmp_path, BASE)
    data = json.loads((site / "topics/R1_Reasoning/feed.json").read_text(encoding="utf-8"))
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["feed_url"] == BASE + "topics/R1_Reasoning/feed.json"
    assert data["home_page_url"] == BASE + "topics/R1_Reasoning/index.html"
    items = data["items"]
    assert len(items) == 10 and len({i["id"] for i in items}) == 10
    first = paper(date(2026, 3, 25), 0)
    assert items[0]["id"] == f"urn:arxiv:{first.id}v1"
    assert items[0]["url"] == f"{BASE}papers/{first.id}.html"
    assert items[0]["date_published"] == "2026-03-25T00:00:00+00:00"
    assert items[0]["title"].startswith("<script>")  # plain text in JSON, escaped in HTML
    assert "<script" not in items[0]["content_html"]
    assert "&lt;script&gt;" in items[0]["content_html"]
    # JSON Feed 1.1's required fields (feedparser 6 reads no JSON Feed): a string id and
    # content on every item, RFC 3339 dates, authors as objects.
    for item in items:
        assert isinstance(item["id"], str) and item["content_html"]
        assert datetime.fromisoformat(item["date_published"]).tzinfo is not None
        assert all(set(a) == {"name"} for a in item["authors"])
