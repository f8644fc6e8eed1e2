-- Protection (verdicts). Keyed hashes that let the verdict rules tell reports apart without the
-- store holding who sent them: the reporter's identities (email, phone; comma-separated hex)
-- and, for public submissions, the client address (IPv4, or an IPv6 /64).
ALTER TABLE reports ADD COLUMN reporter_keys TEXT;
ALTER TABLE reports ADD COLUMN client_key TEXT;

-- Analysts' decisions on values' verdicts: confirmed (a scam), cleared (a false positive) or
-- expired (evidence so far no longer counts). The latest decision on a value stands; every
-- decision is also in the audit log.
CREATE TABLE verdict_decisions (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('confirmed', 'cleared', 'expired')),
    reason TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at BIGINT NOT NULL,
    PRIMARY KEY (kind, value)
);

-- Domains the domain watch flagged and an operator ingested (`watch-domains --ingest`): they
-- make a domain `suspicious`, never `scam`. `reasons` is a JSON array.
CREATE TABLE watch_hits (
    domain TEXT PRIMARY KEY,
    score BIGINT NOT NULL,
    brand TEXT,
    family TEXT NOT NULL,
    reasons TEXT NOT NULL,
    first_seen BIGINT NOT NULL,
    last_seen BIGINT NOT NULL
);
