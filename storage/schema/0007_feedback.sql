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
