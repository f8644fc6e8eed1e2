-- Indicators extracted from each report, indexed for exact lookup by kind and value.
CREATE TABLE indicators (
    report_id TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    position BIGINT NOT NULL,
    display TEXT NOT NULL,
    source TEXT NOT NULL,
    span_start BIGINT NOT NULL,
    span_end BIGINT NOT NULL,
    confidence DOUBLE PRECISION NOT NULL,
    benign BIGINT NOT NULL,
    linking BIGINT NOT NULL,
    attributes TEXT NOT NULL,
    PRIMARY KEY (report_id, kind, value)
);
CREATE INDEX indicators_value ON indicators (kind, value, report_id);
