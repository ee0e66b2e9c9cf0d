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
