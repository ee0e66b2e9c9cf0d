"""The schema, as an append-only list of migrations.

Never edit a migration that has shipped: add a new one. Each runs in a transaction with
the record of it having run (sqlite-utils' `Migrations`), so a failed upgrade changes nothing.
All instants are UTC ISO strings (see storage.db.iso), all dates ISO dates.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("paperbot")


@MIGRATIONS(name="0001_initial")
def initial(db: Database) -> None:
    for statement in _INITIAL.split(";\n"):
        if statement.strip():
            db.execute(statement)


_INITIAL = """
CREATE TABLE papers (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    authors TEXT NOT NULL,
    abstract TEXT NOT NULL,
    categories TEXT NOT NULL,
    primary_category TEXT NOT NULL,
    comment TEXT,
    journal_ref TEXT,
    doi TEXT,
    published TEXT,
    updated TEXT,
    announce_type TEXT,
    announced TEXT,
    saved_at TEXT NOT NULL
);
CREATE TABLE listings (
    categories_key TEXT NOT NULL,
    announced TEXT NOT NULL,
    paper_count INTEGER NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (categories_key, announced)
);
CREATE TABLE listing_papers (
    categories_key TEXT NOT NULL,
    announced TEXT NOT NULL,
    position INTEGER NOT NULL,
    paper_id TEXT NOT NULL REFERENCES papers(id),
    announce_type TEXT,
    PRIMARY KEY (categories_key, announced, position),
    FOREIGN KEY (categories_key, announced)
        REFERENCES listings(categories_key, announced) ON DELETE CASCADE
);
CREATE TABLE cards (
    base_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    language TEXT NOT NULL,
    model TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    summary TEXT NOT NULL,
    key_takeaways TEXT NOT NULL,
    title_translation TEXT,
    abstract_translation TEXT,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (base_id, version, language, model, prompt_version)
);
CREATE TABLE translations (
    key TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE chats (
    chat_key TEXT PRIMARY KEY,
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    is_private INTEGER NOT NULL,
    language TEXT,
    delivery_time TEXT,
    timezone TEXT,
    paused INTEGER NOT NULL DEFAULT 0,
    quiet_day_notice INTEGER NOT NULL DEFAULT 1,
    gone_reason TEXT,
    gone_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE TABLE subscriptions (
    id INTEGER PRIMARY KEY,
    chat_key TEXT NOT NULL,
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    is_private INTEGER NOT NULL,
    topic_name TEXT NOT NULL,
    topic_folded TEXT NOT NULL,
    topic TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (chat_key, topic_folded)
);
CREATE TABLE deliveries (
    chat_key TEXT NOT NULL,
    paper_id TEXT NOT NULL,
    digest_key TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (chat_key, paper_id)
);
CREATE TABLE digests (
    chat_key TEXT NOT NULL,
    digest_key TEXT NOT NULL,
    day TEXT NOT NULL,
    enqueued_at TEXT NOT NULL,
    completed_at TEXT,
    PRIMARY KEY (chat_key, digest_key)
);
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dedupe_key TEXT NOT NULL UNIQUE,
    chat_key TEXT NOT NULL,
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    is_private INTEGER NOT NULL,
    payload TEXT NOT NULL,
    digest_key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    paper_ids TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'claimed', 'retry', 'sent', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    deferrals INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    lease_until TEXT,
    last_error TEXT,
    platform_message_id TEXT,
    created_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX outbox_unsent ON outbox (chat_key, digest_key, seq)
    WHERE status IN ('pending', 'claimed', 'retry');
CREATE INDEX outbox_digest ON outbox (chat_key, digest_key);
CREATE TABLE llm_usage (
    user_key TEXT NOT NULL,
    day TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (user_key, day)
)
"""


@MIGRATIONS(name="0002_announcements_by_category")
def announcements_by_category(db: Database) -> None:
    """Listings keyed by the union of every chat's categories were orphaned by any new
    subscription. Papers are now tagged with their announcement date, and each category
    fetched for that date is recorded, so any subset or superset finds what is stored."""
    for statement in _ANNOUNCEMENTS.split(";\n"):
        if statement.strip():
            db.execute(statement)


_ANNOUNCEMENTS = """
CREATE TABLE announced_papers (
    announced TEXT NOT NULL,
    paper_id TEXT NOT NULL REFERENCES papers(id),
    position INTEGER NOT NULL,
    kind TEXT,
    PRIMARY KEY (announced, paper_id)
);
CREATE INDEX announced_papers_order ON announced_papers (announced, position);
CREATE TABLE announced_categories (
    announced TEXT NOT NULL,
    category TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (announced, category)
);
INSERT OR IGNORE INTO announced_papers (announced, paper_id, position, kind)
    SELECT announced, paper_id, row_number() OVER (
        PARTITION BY announced ORDER BY categories_key, position),
        CASE WHEN announce_type IN ('replace', 'replace-cross') THEN 'replace'
             WHEN announce_type IN ('new', 'cross') THEN 'new' END
    FROM listing_papers;
WITH RECURSIVE split(announced, saved_at, category, rest) AS (
    SELECT announced, saved_at, '', categories_key || '+' FROM listings
    UNION ALL
    SELECT announced, saved_at, substr(rest, 1, instr(rest, '+') - 1),
           substr(rest, instr(rest, '+') + 1)
    FROM split WHERE rest != ''
)
INSERT OR IGNORE INTO announced_categories (announced, category, saved_at)
    SELECT announced, category, saved_at FROM split WHERE category != '';
DROP TABLE listing_papers;
DROP TABLE listings
"""


@MIGRATIONS(name="0003_paper_versions")
def paper_versions(db: Database) -> None:
    """Every version asked for or announced, so `summarize 1706.03762v1` has its own row;
    `papers` keeps only the newest, which listings join on."""
    db.execute(_PAPER_VERSIONS)
    db.execute("INSERT INTO paper_versions SELECT * FROM papers")


_PAPER_VERSIONS = """
CREATE TABLE paper_versions (
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    authors TEXT NOT NULL,
    abstract TEXT NOT NULL,
    categories TEXT NOT NULL,
    primary_category TEXT NOT NULL,
    comment TEXT,
    journal_ref TEXT,
    doi TEXT,
    published TEXT,
    updated TEXT,
    announce_type TEXT,
    announced TEXT,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (id, version)
)
"""


@MIGRATIONS(name="0005_meta")
def meta(db: Database) -> None:
    """Named values kept across runs (what each platform last registered, by hash)."""
    db.execute(_META)


_META = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
)
"""


@MIGRATIONS(name="0006_translation_users")
def translation_users(db: Database) -> None:
    """Who asked for each stored /translate text, so /forget can delete a user's; and an
    index on age for the retention purge. Older rows stay unattributed until they expire."""
    for statement in _TRANSLATION_USERS.split(";\n"):
        if statement.strip():
            db.execute(statement)


_TRANSLATION_USERS = """
CREATE TABLE translation_users (
    key TEXT NOT NULL REFERENCES translations(key) ON DELETE CASCADE,
    user_key TEXT NOT NULL,
    PRIMARY KEY (key, user_key)
);
CREATE INDEX translation_users_by_user ON translation_users (user_key);
CREATE INDEX translations_by_age ON translations (created_at)
"""


@MIGRATIONS(name="0007_feedback")
def feedback(db: Database) -> None:
    """Readers' 👍/👎/Save per user, chat and paper (bot.ports.FeedbackStore)."""
    for statement in _FEEDBACK.split(";\n"):
        if statement.strip():
            db.execute(statement)


_FEEDBACK = """
CREATE TABLE feedback (
    user_key TEXT NOT NULL,
    chat_key TEXT NOT NULL,
    base_id TEXT NOT NULL,
    signal TEXT NOT NULL CHECK (signal IN ('up', 'down', 'save')),
    version INTEGER NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (user_key, chat_key, base_id, signal)
);
CREATE INDEX feedback_by_chat ON feedback (chat_key, base_id);
CREATE INDEX feedback_by_user ON feedback (user_key, signal)
"""


@MIGRATIONS(name="0010_digest_style_and_tldr")
def digest_style_and_tldr(db: Database) -> None:
    """Issue 11: a chat's digest style (NULL: by chat type) and a card's one-line TL;DR."""
    db.execute("ALTER TABLE chats ADD COLUMN digest_style TEXT")
    db.execute("ALTER TABLE cards ADD COLUMN tldr TEXT NOT NULL DEFAULT ''")


@MIGRATIONS(name="0020_ranking")
def ranking(db: Database) -> None:
    """Relevance ranking (issue 12): paper embeddings once per (paper, version, model), each
    chat's followed authors and seed papers, and the version alerts already sent."""
    for statement in _RANKING.split(";\n"):
        if statement.strip():
            db.execute(statement)


_RANKING = """
CREATE TABLE embeddings (
    base_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    model TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (base_id, version, model)
);
CREATE TABLE followed_authors (
    chat_key TEXT NOT NULL,
    name_key TEXT NOT NULL,
    name TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (chat_key, name_key)
);
CREATE TABLE seed_papers (
    chat_key TEXT NOT NULL,
    base_id TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (chat_key, base_id)
);
CREATE TABLE version_alerts (
    chat_key TEXT NOT NULL,
    base_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (chat_key, base_id, version)
)
"""


@MIGRATIONS(name="0030_fulltext")
def fulltext(db: Database) -> None:
    """Issue 15: papers' licences (the listing's dc:rights), deep cards, the full text read
    for them, and LLM tokens per usage key and day beside the call counts."""
    for statement in _FULLTEXT.split(";\n"):
        if statement.strip():
            db.execute(statement)


_FULLTEXT = """
ALTER TABLE papers ADD COLUMN license TEXT;
ALTER TABLE paper_versions ADD COLUMN license TEXT;
ALTER TABLE llm_usage ADD COLUMN tokens INTEGER NOT NULL DEFAULT 0;
CREATE TABLE deep_cards (
    base_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    language TEXT NOT NULL,
    model TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (base_id, version, language, model, prompt_version)
);
CREATE TABLE fulltexts (
    base_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    source TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (base_id, version)
)
"""
