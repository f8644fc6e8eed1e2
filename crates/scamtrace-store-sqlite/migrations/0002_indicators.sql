-- Indicators extracted from each report, indexed for exact lookup by kind and value.
CREATE TABLE indicators (
    seq INTEGER PRIMARY KEY,
    report_id TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    display TEXT NOT NULL,
    source TEXT NOT NULL,
    span_start INTEGER NOT NULL,
    span_end INTEGER NOT NULL,
    confidence REAL NOT NULL,
    benign INTEGER NOT NULL,
    linking INTEGER NOT NULL,
    attributes TEXT NOT NULL,
    UNIQUE (report_id, kind, value)
);
CREATE INDEX indicators_value ON indicators (kind, value, report_id);
