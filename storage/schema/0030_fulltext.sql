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
