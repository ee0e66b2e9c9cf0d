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
