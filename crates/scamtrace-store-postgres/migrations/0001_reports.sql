-- Reports, access tokens, login sessions and the audit log.
CREATE TABLE reports (
    seq BIGSERIAL,
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    received_at BIGINT NOT NULL,
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
    reporter_sealed BYTEA
);
CREATE INDEX reports_country ON reports (country, id);
CREATE INDEX reports_brand ON reports (brand_slug, id);
CREATE INDEX reports_contact_method ON reports (contact_method, id);
CREATE INDEX reports_received_at ON reports (received_at);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    hash BYTEA NOT NULL UNIQUE,
    role TEXT NOT NULL,
    label TEXT,
    organization TEXT,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE sessions (
    hash BYTEA PRIMARY KEY,
    token_id TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE audit_log (
    seq BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    reason TEXT
);
