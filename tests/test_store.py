"""Storage contract: the real SQLite store, in memory and on a WAL file."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.models import CardText, ChatRef, ChatSettings, OutgoingMessage, Paper, Subscription, Topic
from bot.ports import Listing, Store
from storage.store import SqliteStore

NOW = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
CHAT = ChatRef("telegram", "-100123", is_private=False)
OTHER = ChatRef("discord", "555")


def paper(pid: str = "2502.11190", version: int = 1, **kw: object) -> Paper:
    values: dict = {
        "id": pid,
        "version": version,
        "title": f"Title of {pid}",
        "authors": ("Ada Lovelace", "Alan Turing"),
        "abstract": "We study things.",
        "categories": ("cs.CL", "cs.AI"),
        "primary_category": "cs.CL",
        "published": datetime(2026, 11, 18, 12, 0, tzinfo=UTC),
        "updated": datetime(2026, 11, 19, 12, 0, tzinfo=UTC),
    }
    values.update(kw)
    return Paper(**values)


@pytest.fixture(params=["memory", "file"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqliteStore]:
    path = ":memory:" if request.param == "memory" else str(tmp_path / "paperbot.db")
    s = SqliteStore.open(path, now=lambda: NOW)
    yield s
    s.close()


def test_is_a_store(store: SqliteStore) -> None:
    typed: Store = store  # mypy checks the protocol; this checks the object opens
    assert typed.pending_count() == 0


def test_file_db_uses_wal_foreign_keys_and_migrates_once(tmp_path: Path) -> None:
    path = str(tmp_path / "p.db")
    SqliteStore.open(path).close()
    again = SqliteStore.open(path)
    assert again.db.journal_mode == "wal"
    assert again.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert again.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    applied = [r["name"] for r in again.db["_sqlite_migrations"].rows]
    assert applied[:6] == ["0001_initial", "0002_announcements_by_category",
                           "0003_paper_versions", "0005_meta", "0006_translation_users",
                           "0007_feedback"]
    assert applied == sorted(set(applied))  # each once, in order
    again.close()


def test_paper_round_trip_keeps_every_field(store: SqliteStore) -> None:
    p = paper(comment="17 pages", journal_ref="ACL 2026", doi="10.1/x", announce_type="new",
              announced=date(2026, 11, 19))
    store.upsert_papers([p])
    assert store.get_paper(p.id) == p
    assert store.get_paper("9999.99999") is None


def test_newer_version_wins_and_older_is_ignored(store: SqliteStore) -> None:
    store.upsert_papers([paper(version=2, title="v2")])
    store.upsert_papers([paper(version=1, title="v1")])
    assert store.get_paper("2502.11190").title == "v2"  # type: ignore[union-attr]
    store.upsert_papers([paper(version=3, title="v3")])
    assert store.get_paper("2502.11190").version == 3  # type: ignore[union-attr]


def test_same_version_fills_gaps_rss_leaves(store: SqliteStore) -> None:
    store.upsert_papers([paper(comment="7 figures")])
    store.upsert_papers([paper(announce_type="new", announced=date(2026, 11, 19))])
    got = store.get_paper("2502.11190")
    assert got is not None and got.comment == "7 figures" and got.announce_type == "new"


def test_every_version_is_kept_and_asked_for_by_number(store: SqliteStore) -> None:
    store.upsert_papers([paper(version=7, title="v7")])
    store.upsert_papers([paper(version=1, title="v1", comment="15 pages")])
    assert store.get_paper("2502.11190").version == 7  # type: ignore[union-attr]
    v1 = store.get_paper("2502.11190", 1)
    assert v1 is not None and (v1.version, v1.title, v1.comment) == (1, "v1", "15 pages")
    assert store.get_paper("2502.11190", 7).title == "v7"  # type: ignore[union-attr]
    assert store.get_paper("2502.11190", 3) is None


def test_a_version_asked_for_by_number_is_not_taken_as_the_newest(store: SqliteStore) -> None:
    store.upsert_papers([paper(version=1, title="v1")], latest=False)
    assert store.get_paper("2502.11190") is None  # v7 may exist: ask arXiv
    assert store.get_paper("2502.11190", 1).title == "v1"  # type: ignore[union-attr]
    store.upsert_papers([paper(version=7, title="v7")])
    store.upsert_papers([paper(version=1, title="v1")], latest=False)
    assert store.get_paper("2502.11190").title == "v7"  # type: ignore[union-attr]


def test_one_version_fills_its_own_gaps(store: SqliteStore) -> None:
    store.upsert_papers([paper(version=2, title="v2"), paper(version=1, comment="7 figures")])
    store.upsert_papers([paper(version=1, announce_type="new", announced=date(2026, 11, 19))])
    v1 = store.get_paper("2502.11190", 1)
    assert v1 is not None and v1.comment == "7 figures" and v1.announce_type == "new"
    assert store.get_paper("2502.11190").title == "v2"  # type: ignore[union-attr]


def test_papers_stored_before_the_upgrade_are_found_by_version(tmp_path: Path) -> None:
    from sqlite_utils import Database

    from storage.migrations import MIGRATIONS

    path = str(tmp_path / "old.db")
    old = Database(path)
    MIGRATIONS.apply(old, stop_before="0003_paper_versions")
    old["papers"].insert({
        "id": "2502.11190", "version": 4, "title": "T", "authors": '["A"]', "abstract": "X",
        "categories": '["cs.CL"]', "primary_category": "cs.CL", "saved_at": NOW.isoformat(),
    })
    old.close()
    upgraded = SqliteStore.open(path)
    got = upgraded.get_paper("2502.11190", 4)
    assert got is not None and (got.title, got.authors) == ("T", ("A",))
    upgraded.close()


def test_meta_values_are_set_replaced_and_kept_across_opens(tmp_path: Path) -> None:
    path = str(tmp_path / "meta.db")
    store = SqliteStore.open(path, now=lambda: NOW)
    assert store.get_meta("commands:telegram:1") is None
    store.put_meta("commands:telegram:1", "aaa")
    store.put_meta("commands:discord:2", "bbb")
    store.put_meta("commands:telegram:1", "ccc")
    store.close()
    again = SqliteStore.open(path)
    assert again.get_meta("commands:telegram:1") == "ccc"
    assert again.get_meta("commands:discord:2") == "bbb"
    assert again.db.execute("SELECT count(*) FROM meta").fetchone()[0] == 2
    again.close()


def test_a_database_from_before_meta_gains_the_table(tmp_path: Path) -> None:
    from sqlite_utils import Database

    from storage.migrations import MIGRATIONS

    path = str(tmp_path / "old.db")
    old = Database(path)
    MIGRATIONS.apply(old, stop_before="0005_meta")
    assert "meta" not in old.table_names()
    old.close()
    upgraded = SqliteStore.open(path, now=lambda: NOW)
    upgraded.put_meta("k", "v")
    assert upgraded.get_meta("k") == "v"
    upgraded.close()


def test_a_failing_batch_writes_nothing(store: SqliteStore) -> None:
    bad = paper("2502.00002", title=None)  # type: ignore[arg-type]  # NOT NULL fails
    with pytest.raises(sqlite3.IntegrityError):
        store.upsert_papers([paper("2502.00001"), bad])
    assert store.get_paper("2502.00001") is None


def test_listing_keeps_order_and_announce_type_follows_the_categories_asked(
    store: SqliteStore,
) -> None:
    day = date(2026, 11, 19)
    mine = paper("2502.00001", announce_type="new")
    # In a combined cs.CL+cs.CV feed a cs.CV paper cross-listed to cs.CL shows as "new".
    vision = paper("2502.00002", announce_type="new", categories=("cs.CV", "cs.CL"),
                   primary_category="cs.CV")
    store.save_listing(Listing(("cs.CL", "cs.CV"), day, (vision, mine)))
    both = store.get_listing(["cs.CV", "cs.CL"], day)  # order of categories does not matter
    assert both is not None and set(both.categories) == {"cs.CL", "cs.CV"}
    assert [p.id for p in both.papers] == ["2502.00002", "2502.00001"]
    assert [p.announce_type for p in both.papers] == ["new", "new"]
    assert all(p.announced == day for p in both.papers)
    language = store.get_listing(["cs.CL"], day)
    assert language is not None
    assert [p.announce_type for p in language.papers] == ["cross", "new"]  # as arXiv's cs.CL feed
    assert [p.id for p in store.get_listing(["cs.CV"], day).papers] == ["2502.00002"]  # type: ignore[union-attr]
    assert store.get_listing(["cs.CL", "cs.CV"], date(2026, 11, 18)) is None


def test_a_listing_is_found_by_any_subset_or_superset_of_its_categories(
    store: SqliteStore,
) -> None:
    """Keyed by the union of every chat's categories, one new subscription orphaned it."""
    day = date(2026, 11, 19)
    store.save_listing(Listing(("cs.CL", "cs.AI"), day, (paper("2502.00001"),)))
    subset = store.get_listing(["cs.CL"], day)
    assert subset is not None and [p.id for p in subset.papers] == ["2502.00001"]
    superset = store.latest_listing(["cs.AI", "cs.CL", "cs.CR"])
    assert superset is not None and superset.announced == day
    assert superset.categories == ("cs.AI", "cs.CL")  # cs.CR was never fetched: the caller asks
    assert [p.id for p in superset.papers] == ["2502.00001"]
    assert store.get_listing(["cs.CR"], day) is None
    # A second feed the same day completes the first, and each view keeps its own papers.
    crypto = paper("2502.00009", categories=("cs.CR",), primary_category="cs.CR")
    store.save_listing(Listing(("cs.CR",), day, (crypto,)))
    full = store.get_listing(["cs.CL", "cs.AI", "cs.CR"], day)
    assert full is not None and len(full.categories) == 3
    assert [p.id for p in full.papers] == ["2502.00001", "2502.00009"]
    assert [p.id for p in store.get_listing(["cs.CL"], day).papers] == ["2502.00001"]  # type: ignore[union-attr]


def test_latest_listing_and_no_announcement(store: SqliteStore) -> None:
    assert store.latest_listing(["cs.CL"]) is None
    store.save_listing(Listing(("cs.CL",), date(2026, 11, 18), (paper("2502.00001"),)))
    store.save_listing(Listing(("cs.CL",), date(2026, 11, 19), (paper("2502.00002"),)))
    store.save_listing(Listing(("cs.CL",), None, ()))  # nothing announced: nothing to keep
    latest = store.latest_listing(["cs.CL"])
    assert latest is not None and latest.announced == date(2026, 11, 19)
    assert [p.id for p in latest.papers] == ["2502.00002"]
    # saving the same day again keeps each paper once, in its first place
    store.save_listing(Listing(("cs.CL",), date(2026, 11, 19),
                               (paper("2502.00003"), paper("2502.00002"))))
    again = store.latest_listing(["cs.CL"])
    assert [p.id for p in again.papers] == ["2502.00002", "2502.00003"]  # type: ignore[union-attr]


def test_listings_saved_before_the_upgrade_are_kept(tmp_path: Path) -> None:
    from sqlite_utils import Database

    from storage.migrations import MIGRATIONS

    path = str(tmp_path / "old.db")
    db = Database(path)
    MIGRATIONS.apply(db, stop_before="0002_announcements_by_category")
    db.execute(
        "INSERT INTO papers (id, version, title, authors, abstract, categories,"
        " primary_category, saved_at) VALUES ('2502.00001', 1, 'T', '[]', 'A',"
        " '[\"cs.CL\"]', 'cs.CL', '2026-11-19T01:00:00+00:00')"
    )
    db.execute("INSERT INTO listings VALUES ('cs.AI+cs.CL', '2026-11-19', 1, 'x')")
    db.execute("INSERT INTO listing_papers VALUES ('cs.AI+cs.CL', '2026-11-19', 0,"
               " '2502.00001', 'cross')")
    db.conn.commit()
    db.close()
    upgraded = SqliteStore.open(path)
    try:
        got = upgraded.get_listing(["cs.CL"], date(2026, 11, 19))
        assert got is not None and got.categories == ("cs.CL",)
        assert [(p.id, p.announce_type) for p in got.papers] == [("2502.00001", "new")]
        assert upgraded.latest_listing(["cs.AI"]) is not None
    finally:
        upgraded.close()


def card(source: str = "llm", model: str = "gpt-x") -> CardText:
    return CardText("A summary.", ("one", "two"), "标题", "摘要", source, "zh", model)  # type: ignore[arg-type]


def test_cards_cached_by_full_key(store: SqliteStore) -> None:
    store.put_card("2502.11190", 1, card(), "p1")
    assert store.get_card("2502.11190", 1, "zh", "gpt-x", "p1") == card()
    assert store.get_card("2502.11190", 2, "zh", "gpt-x", "p1") is None
    assert store.get_card("2502.11190", 1, "en", "gpt-x", "p1") is None
    assert store.get_card("2502.11190", 1, "zh", "other", "p1") is None
    assert store.get_card("2502.11190", 1, "zh", "gpt-x", "p2") is None


def test_unavailable_cards_are_never_cached(store: SqliteStore) -> None:
    store.put_card("2502.11190", 1, card(source="unavailable"), "p1")
    assert store.get_card("2502.11190", 1, "zh", "gpt-x", "p1") is None


def test_translations(store: SqliteStore) -> None:
    assert store.get_translation("k") is None
    store.put_translation("k", "你好")
    assert store.get_translation("k") == "你好"


def test_settings_and_gone_state(store: SqliteStore) -> None:
    assert store.get_settings(CHAT) is None
    settings = ChatSettings(CHAT, "zh", "09:00", "Asia/Shanghai", quiet_day_notice=False)
    store.save_settings(settings)
    assert store.get_settings(CHAT) == settings
    assert store.mark_chat_gone(CHAT, "bot was kicked", NOW) is True
    assert store.mark_chat_gone(CHAT, "bot was kicked", NOW) is False  # logged once
    assert store.chat_gone(CHAT) == "bot was kicked"
    assert store.get_settings(CHAT).paused is True  # type: ignore[union-attr]
    assert store.clear_chat_gone(CHAT, NOW) is True
    assert store.get_settings(CHAT) == settings
    assert store.chat_gone(OTHER) is None


def test_subscriptions_unique_per_chat_and_topic(store: SqliteStore) -> None:
    nlp = Topic("nlp", ("cs.CL",), keywords=("LLM", "agents"), max_papers=10)
    store.add_subscription(Subscription(CHAT, nlp))
    store.add_subscription(Subscription(CHAT, Topic("cv", ("cs.CV",))))
    store.add_subscription(Subscription(OTHER, nlp))
    assert [s.topic for s in store.subscriptions(CHAT)] == [nlp, Topic("cv", ("cs.CV",))]
    wider = replace(nlp, name="NLP", categories=("cs.CL", "cs.AI"))
    store.add_subscription(Subscription(CHAT, wider))  # same name, any case: updated
    assert [s.topic for s in store.subscriptions(CHAT)] == [wider, Topic("cv", ("cs.CV",))]
    assert len(store.all_subscriptions()) == 3
    assert store.remove_subscription(CHAT, "nlp") == 1
    assert store.remove_subscription(CHAT, "nlp") == 0
    assert store.remove_subscription(OTHER, None) == 1
    assert [s.chat for s in store.all_subscriptions()] == [CHAT]


def test_move_chat_moves_everything(store: SqliteStore) -> None:
    new = ChatRef("telegram", "-100999", is_private=False)
    store.save_settings(ChatSettings(CHAT, "en", "08:00", "UTC"))
    store.add_subscription(Subscription(CHAT, Topic("nlp", ("cs.CL",))))
    msgs = [OutgoingMessage(f"{CHAT.key}|d|{i}", CHAT, {"text": str(i)}, "d", i, (f"p{i}",))
            for i in range(2)]
    store.enqueue(msgs, NOW)
    [first] = store.claim_due(NOW, 60, 10)
    store.mark_sent(first.row_id, "m1", NOW)
    store.move_chat(CHAT, new)
    assert store.get_settings(CHAT) is None
    assert store.get_settings(new).language == "en"  # type: ignore[union-attr]
    assert [s.chat for s in store.subscriptions(new)] == [new]
    assert store.subscriptions(CHAT) == []
    assert store.delivered_ids(new, ["p0", "p1"]) == {"p0"}
    [second] = store.claim_due(NOW, 60, 10)
    assert second.message.chat == new and second.message.dedupe_key == f"{new.key}|d|1"


def test_llm_usage_counts_per_user_and_day(store: SqliteStore) -> None:
    day = date(2026, 11, 20)
    assert store.llm_usage("telegram:1", day) == 0
    assert store.add_llm_usage("telegram:1", day) == 1
    assert store.add_llm_usage("telegram:1", day) == 2
    assert store.llm_usage("telegram:1", day + timedelta(days=1)) == 0
    assert store.llm_usage("telegram:2", day) == 0


def test_last_digest_date(store: SqliteStore) -> None:
    assert store.last_digest_date(CHAT) is None
    store.record_digest(CHAT, "nlp@2026-11-19", date(2026, 11, 19), NOW)
    store.record_digest(CHAT, "nlp@2026-11-20", date(2026, 11, 20), NOW)
    assert store.last_digest_date(CHAT) == date(2026, 11, 20)
    assert store.last_digest_date(OTHER) is None


def test_naive_datetimes_are_refused(store: SqliteStore) -> None:
    with pytest.raises(ValueError, match="naive"):
        store.enqueue([OutgoingMessage("k", CHAT, {})], datetime(2026, 11, 20))


def test_move_onto_a_chat_that_already_has_the_rows_drops_duplicates(store: SqliteStore) -> None:
    new = ChatRef("telegram", "-100999", is_private=False)
    for chat in (CHAT, new):
        store.add_subscription(Subscription(chat, Topic("nlp", ("cs.CL",))))
        store.enqueue([OutgoingMessage(f"{chat.key}|d|0", chat, {"text": chat.key}, "d")], NOW)
    store.move_chat(CHAT, new)
    assert len(store.all_subscriptions()) == 1
    claimed = store.claim_due(NOW, 60, 10)
    assert [c.message.payload for c in claimed] == [{"text": new.key}]
    assert store.digest_counts(CHAT, "d") == {"dead": 1}  # the duplicate, logged and kept
    assert store.pending_count() == 1


def test_last_digest_at_is_when_the_chat_was_last_served() -> None:
    from datetime import UTC, date, datetime

    from bot.models import ChatRef
    from storage.store import SqliteStore

    store = SqliteStore.open(":memory:")
    chat = ChatRef("telegram", "5")
    assert store.last_digest_at(chat) is None
    first = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    store.record_digest(chat, "2026-11-19|T", date(2026, 11, 19), first)
    later = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
    store.record_digest(chat, "quiet|2026-11-21", date(2026, 11, 21), later)
    assert store.last_digest_at(chat) == later
    assert store.last_digest_date(chat) == date(2026, 11, 21)
    store.close()


def test_database_and_its_wal_and_shm_files_are_owner_only(tmp_path: Path) -> None:
    """They hold who subscribed to what; a permissive umask must not widen them."""
    path = tmp_path / "private.db"
    old = os.umask(0o002)
    try:
        s = SqliteStore.open(str(path))
        s.save_settings(ChatSettings(CHAT, "en", "09:00", "UTC"))
        files = [path, tmp_path / "private.db-wal", tmp_path / "private.db-shm"]
        modes = {f.name: stat.S_IMODE(os.stat(f).st_mode) for f in files}
        s.close()
    finally:
        os.umask(old)
    assert modes == {f.name: 0o600 for f in files}
