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
