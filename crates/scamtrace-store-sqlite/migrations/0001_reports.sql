-- Reports, access tokens, login sessions and the audit log.
CREATE TABLE reports (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    reference TEXT NOT NULL UNIQUE,
    received_at INTEGER NOT NULL,
    source TEXT NOT NULL,
    occurred_on TEXT,
    country TEXT NOT NULL,
    language TEXT,
    contact_method TEXT NOT NULL,
    brand_text TEXT,
    brand_slug TEXT,
    brand_name TEXT,
    details TEXT NOT NULL,
    narrative TEXT NOT NULL,
    reporter_sealed BLOB
);
CREATE INDEX reports_country ON reports (country, id);
CREATE INDEX reports_brand ON reports (brand_slug, id);
CREATE INDEX reports_contact_method ON reports (contact_method, id);
CREATE INDEX reports_received_at ON reports (received_at);

-- Free-text search over narratives. The application writes each narrative's search text
-- (`scamtrace_store::sql::search_text`: Han, kana and Hangul characters set apart one by one, so
-- Japanese is searchable without a word segmenter); rowid is reports.seq.
CREATE VIRTUAL TABLE reports_fts USING fts5 (
    body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    hash BLOB NOT NULL UNIQUE,
    role TEXT NOT NULL,
    label TEXT,
    organization TEXT,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

CREATE TABLE sessions (
    hash BLOB PRIMARY KEY,
    token_id TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    reason TEXT
);
