"""The schema, as an append-only list of migrations.

Never edit a migration that has shipped: add a new one. Each runs in a transaction with
the record of it having run (sqlite-utils' `Migrations`), so a failed upgrade changes nothing.
A migration's SQL lives in storage/schema/<its name>.sql.
All instants are UTC ISO strings (see storage.db.iso), all dates ISO dates.
"""

from __future__ import annotations

from importlib.resources import files

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("paperbot")


def _run_script(db: Database, name: str) -> None:
    """Run storage/schema/<name>.sql (the migration's SQL), one statement at a time."""
    script = (files("storage") / "schema" / f"{name}.sql").read_text(encoding="utf-8")
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)


@MIGRATIONS(name="0001_initial")
def initial(db: Database) -> None:
    _run_script(db, "0001_initial")


@MIGRATIONS(name="0002_announcements_by_category")
def announcements_by_category(db: Database) -> None:
    """Listings keyed by the union of every chat's categories were orphaned by any new
    subscription. Papers are now tagged with their announcement date, and each category
    fetched for that date is recorded, so any subset or superset finds what is stored."""
    _run_script(db, "0002_announcements_by_category")


@MIGRATIONS(name="0003_paper_versions")
def paper_versions(db: Database) -> None:
    """Every version asked for or announced, so `summarize 1706.03762v1` has its own row;
    `papers` keeps only the newest, which listings join on."""
    _run_script(db, "0003_paper_versions")
    db.execute("INSERT INTO paper_versions SELECT * FROM papers")


@MIGRATIONS(name="0005_meta")
def meta(db: Database) -> None:
    """Named values kept across runs (what each platform last registered, by hash)."""
    _run_script(db, "0005_meta")


@MIGRATIONS(name="0006_translation_users")
def translation_users(db: Database) -> None:
    """Who asked for each stored /translate text, so /forget can delete a user's; and an
    index on age for the retention purge. Older rows stay unattributed until they expire."""
    _run_script(db, "0006_translation_users")


@MIGRATIONS(name="0007_feedback")
def feedback(db: Database) -> None:
    """Readers' 👍/👎/Save per user, chat and paper (bot.ports.FeedbackStore)."""
    _run_script(db, "0007_feedback")


@MIGRATIONS(name="0010_digest_style_and_tldr")
def digest_style_and_tldr(db: Database) -> None:
    """Issue 11: a chat's digest style (NULL: by chat type) and a card's one-line TL;DR."""
    db.execute("ALTER TABLE chats ADD COLUMN digest_style TEXT")
    db.execute("ALTER TABLE cards ADD COLUMN tldr TEXT NOT NULL DEFAULT ''")


@MIGRATIONS(name="0020_ranking")
def ranking(db: Database) -> None:
    """Relevance ranking (issue 12): paper embeddings once per (paper, version, model), each
    chat's followed authors and seed papers, and the version alerts already sent."""
    _run_script(db, "0020_ranking")


@MIGRATIONS(name="0030_fulltext")
def fulltext(db: Database) -> None:
    """Issue 15: papers' licences (the listing's dc:rights), deep cards, the full text read
    for them, and LLM tokens per usage key and day beside the call counts."""
    _run_script(db, "0030_fulltext")

