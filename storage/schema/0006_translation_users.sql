CREATE TABLE translation_users (
    key TEXT NOT NULL REFERENCES translations(key) ON DELETE CASCADE,
    user_key TEXT NOT NULL,
    PRIMARY KEY (key, user_key)
);
CREATE INDEX translation_users_by_user ON translation_users (user_key);
CREATE INDEX translations_by_age ON translations (created_at)
