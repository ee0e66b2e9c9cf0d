"""Issue 15 at the edges and in storage: a reply's image as a Telegram photo (caption within
1024), a Discord embed image and a console link; licences read from real listings and kept
when the API (which has none) refreshes a paper."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from adapters.console.render import reply_markdown
from adapters.discord.render import DiscordRenderer
from adapters.telegram.markup import utf16_len
from adapters.telegram.render import TelegramRenderer
from bot.arxiv.feeds import parse_listing
from bot.models import ImageRef, Reply
from storage.store import SqliteStore
from tests.fakes.fake_arxiv import DEFAULT_LISTING
from tests.fakes.fake_fulltext import CC_BY, fixture_papers

IMAGE = ImageRef("https://arxiv.org/html/2601.00101v1/x1.png", "Figure 1: " + "word " * 400)


def test_telegram_sends_the_image_as_a_photo_with_a_caption_within_1024() -> None:
    payloads = TelegramRenderer().reply(Reply(text="Deep card", image=IMAGE))
    assert payloads[0]["text"] == "Deep card"
    photo = payloads[-1]
    assert photo["photo"] == IMAGE.url
    assert utf16_len(photo["caption"]) <= 1024 and photo["caption"].startswith("Figure 1:")
    assert photo["plain"].endswith(IMAGE.url)  # if Telegram cannot fetch it: the link
    assert "photo" not in TelegramRenderer().reply(Reply(text="x"))[-1]


def test_discord_sends_the_image_as_an_embed_image_and_the_console_a_link() -> None:
    messages = DiscordRenderer().reply(Reply(text="Deep card", image=IMAGE))
    [embed] = messages[-1]["embeds"]
    assert embed["image"] == {"url": IMAGE.url}
    assert len(embed["description"]) <= 4096
    assert reply_markdown(Reply(image=IMAGE)).startswith(f"🖼 {IMAGE.url}\nFigure 1:")


def test_licences_come_from_the_listings_dc_rights() -> None:
    papers = {p.id: p.license for p in parse_listing(DEFAULT_LISTING.read_bytes()).papers}
    assert papers["2205.06398"] == "http://creativecommons.org/licenses/by-sa/4.0/"
    assert papers["2009.13987"] == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"


def test_a_stored_licence_survives_an_api_refresh_without_one() -> None:
    store = SqliteStore.open(":memory:")
    paper = fixture_papers()[0]
    store.upsert_papers([paper])
    store.upsert_papers([replace(paper, license=None, comment="12 pages")])
    stored = store.get_paper(paper.id)
    assert stored is not None and stored.license == CC_BY and stored.comment == "12 pages"
    assert store.get_paper(paper.id, 1).license == CC_BY  # type: ignore[union-attr]


def test_tokens_are_counted_beside_calls_and_forgotten_with_them() -> None:
    store = SqliteStore.open(":memory:")
    day = date(2026, 1, 2)
    store.add_llm_usage("telegram:7", day, 2)
    assert store.add_token_usage("telegram:7", day, 1_500) == 1_500
    assert store.add_token_usage("telegram:7", day, 500) == 2_000
    assert store.llm_usage("telegram:7", day) == 2
    assert store.forget_usage("telegram:7") == 1
    assert store.token_usage("telegram:7", day) == 0
