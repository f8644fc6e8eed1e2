-- Analysts' decisions on over-linked values: whether a value links reports, overriding hub
-- detection. Kept as values (kind and canonical value), whether or not a report holds them yet.
CREATE TABLE value_decisions (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('linking', 'not_linking')),
    reason TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at BIGINT NOT NULL,
    PRIMARY KEY (kind, value)
);
