"""The web archive built from a real store: what is published, how it reads, what a rebuild
touches, and that untrusted text stays text."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from adapters.web.config import WebConfig
from adapters.web.pages import PAGE_BUDGET
from adapters.web.site import build_site
from bot.models import ChatRef, OutgoingMessage, Topic
from bot.ports import Listing
from storage.store import SqliteStore
from tests.web_archive import HOSTILE_TITLE, NOW, TOPIC, add_day, filled_store, paper

DAY = date(2026, 3, 25)  # the hostile one: the last of filled_store()'s three
TOPIC_DIR = "topics/R1_Reasoning"


def _build(store: SqliteStore, out: Path, web: WebConfig | None = None,
           topics: tuple[Topic, ...] = (TOPIC,)):  # type: ignore[no-untyped-def]
    return build_site(out, topics, store, store, web or WebConfig(), "zh")


def _text(html: str) -> str:
    """Roughly what a reader sees: tags dropped, entities decoded."""
    import html as html_lib

    return html_lib.unescape(re.sub(r"<[^>]+>", " ", html))


def test_day_page_shows_every_part_of_each_card_in_the_page_language(tmp_path: Path) -> None:
    store = filled_store()
    _build(store, tmp_path)
    page = (tmp_path / TOPIC_DIR / f"{DAY}.html").read_text(encoding="utf-8")
    assert f'<h1 class="day">{DAY} 更新</h1>' in page
    first = paper(DAY, 1)
    assert f'<a href="https://arxiv.org/abs/{first.id}">Scaling reasoning with O(n log n)' in page
    assert f"推理的扩展 {first.id}" in page  # translated title
    assert "Ada Lovelace, Alan Turing, Grace Hopper" in page
    assert "cs.CL · cs.AI" in page and "12 pages, 3 figures" in page
    assert "<h3>摘要总结</h3>" in page and "<h3>要点</h3>" in page
    assert '<ol class="takeaways"><li>第一点' in page
    assert page.count('<details class="abstract">') == 2 * 4  # both abstracts, collapsible
    for link in ("https://arxiv.org/pdf/", "https://arxiv.org/html/", "https://papers.cool/arxiv/",
                 f"../../papers/{first.id}.html"):
        assert link + (first.id if "papers/" not in link else "") in page
    assert "以下总结与翻译均由大语言模型生成" in page  # the notice, in Chinese
    assert "$" not in _text(page) and "\\log" not in page  # TeX became Unicode
    assert "𝒪(n²)" in page and "Schrödinger" in page
    assert "<title>" in page and '<meta name="description"' in page


def test_hostile_title_and_llm_markup_stay_text(tmp_path: Path) -> None:
    store = filled_store()
    _build(store, tmp_path)
    for path in (f"{TOPIC_DIR}/{DAY}.html", f"papers/{paper(DAY, 0).id}.html"):
        page = (tmp_path / path).read_text(encoding="utf-8")
        assert "<script" not in page and "<b>bold" not in page and "<i>不是标签" not in page
        assert page.count("</title>") == 1  # only the page's own
        assert "{{ 7*7 }}" in page and "49" not in _text(page).split("Reasoning")[0]
        assert HOSTILE_TITLE in _text(page)


def test_only_delivered_or_built_papers_and_days_are_published(tmp_path: Path) -> None:
    store = SqliteStore.open(":memory:")
    add_day(store, DAY, 2)  # delivered
    built = date(2026, 3, 26)
    add_day(store, built, 2, delivered=False)  # `paperbot digest`: cards, no outbox rows
    bare = date(2026, 3, 27)
    store.save_listing(Listing(TOPIC.categories, bare, (paper(bare, 0),)))  # nothing made
    off_topic = replace(paper(built, 9, "A survey of protein folding"), abstract="Proteins.")
    store.save_listing(Listing(TOPIC.categories, built, (off_topic,)))
    store.put_card(off_topic.id, 1, store.get_card(paper(built, 0).id, 1, "zh", "m", "v1"), "v1")  # type: ignore[arg-type]
    failed = paper(DAY, 7, "Reasoning whose card failed")
    store.save_listing(Listing(TOPIC.categories, DAY, (failed,)))
    chat = ChatRef("telegram", "7")
    store.enqueue([OutgoingMessage(f"x|{DAY}|{TOPIC.name}|1", chat, {}, f"{DAY}|{TOPIC.name}",
                                   1, (failed.id,))], NOW)
    _build(store, tmp_path)
    assert (tmp_path / TOPIC_DIR / f"{DAY}.html").exists()
    assert (tmp_path / TOPIC_DIR / f"{built}.html").exists()
    assert not (tmp_path / TOPIC_DIR / f"{bare}.html").exists()
    assert not (tmp_path / "papers" / f"{paper(bare, 0).id}.html").exists()
    assert not (tmp_path / "papers" / f"{off_topic.id}.html").exists()
    page = (tmp_path / TOPIC_DIR / f"{DAY}.html").read_text(encoding="utf-8")
    assert "Reasoning whose card failed" in page and "摘要暂不可用" in page


def test_a_rebuild_rewrites_only_what_a_new_day_changed(tmp_path: Path) -> None:
    store = filled_store()
    first = _build(store, tmp_path)
    assert first.written and first.unchanged == 0
    again = _build(store, tmp_path)
    assert again.written == [] and again.unchanged == first.total
    new_day = DAY + timedelta(days=1)
    added = add_day(store, new_day, 2)
    after = _build(store, tmp_path)
    expected = {
        "index.html", f"{TOPIC_DIR}/index.html", f"{TOPIC_DIR}/2026-03.html",
        f"{TOPIC_DIR}/{new_day}.html", f"{TOPIC_DIR}/{DAY}.html",  # its "newer" link
        f"{TOPIC_DIR}/atom.xml", f"{TOPIC_DIR}/feed.json", "atom.xml", "feed.json",
        *(f"papers/{p.id}.html" for p in added),
    }
    assert set(after.written) == expected


def test_big_days_are_split_into_pages_under_200_kb(tmp_path: Path) -> None:
    store = SqliteStore.open(":memory:")
    add_day(store, DAY, 120)
    report = _build(store, tmp_path)
    day_pages = sorted(p for p in report.written if p.startswith(f"{TOPIC_DIR}/{DAY}"))
    assert len(day_pages) >= 2
    for path in report.written:
        assert (tmp_path / path).stat().st_size < 200_000, path
    assert PAGE_BUDGET < 200_000
    second = (tmp_path / TOPIC_DIR / f"{DAY}-2.html").read_text(encoding="utf-8")
    assert f'href="{DAY}.html"' in second  # back to page one


def test_users_own_topics_stay_private_and_removed_topics_are_cleaned(tmp_path: Path) -> None:
    store = filled_store()
    mine = Topic("cs.CL: secret words", ("cs.CL",))
    _build(store, tmp_path, topics=(TOPIC, Topic("Other", ("cs.CV",))))
    assert (tmp_path / "topics/Other/index.html").exists()
    report = _build(store, tmp_path)
    assert "topics/Other/index.html" in report.removed
    assert not (tmp_path / "topics/Other").joinpath("index.html").exists()
    assert mine.name not in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_a_dot_dot_topic_name_stays_inside_the_site(tmp_path: Path) -> None:
    store = filled_store()
    out = tmp_path / "site"
    _build(store, out, topics=(Topic("..", TOPIC.categories, keywords=("reasoning",)),))
    assert (out / "topics/_./index.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
