-- People's accounts for the pages: a username (stored lowercased, so unique whatever its case)
-- and an Argon2id password hash as a PHC string. Nothing else can be stored in its place.
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    role TEXT NOT NULL,
    organization TEXT,
    created_at BIGINT NOT NULL,
    disabled_at BIGINT
);

-- Sessions now belong to users. The ones open until now were begun with API tokens, which no
-- longer sign in on the pages: they end here.
DELETE FROM sessions;
ALTER TABLE sessions RENAME COLUMN token_id TO user_id;
CREATE INDEX sessions_user ON sessions (user_id);
