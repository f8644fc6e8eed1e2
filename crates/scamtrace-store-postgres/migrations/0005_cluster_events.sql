-- The history of cluster identities: merges (the older id survives) and splits (a value stopped
-- linking). The same event seen by several processes is kept once.
CREATE TABLE cluster_events (
    kind TEXT NOT NULL CHECK (kind IN ('merged', 'split')),
    cluster BIGINT NOT NULL,
    other TEXT NOT NULL,
    by_report BIGINT,
    at BIGINT NOT NULL,
    PRIMARY KEY (kind, cluster, other)
);
CREATE INDEX cluster_events_other ON cluster_events (other);
