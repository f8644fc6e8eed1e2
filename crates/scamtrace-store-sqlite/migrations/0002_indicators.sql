-- Indicators extracted from each report, indexed for exact lookup by kind and value. Clustered
-- by report (WITHOUT ROWID), so a report's indicators are read together and each insert touches
-- two b-trees, not three.
CREATE TABLE indicators (
    report_id TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    position INTEGER NOT NULL,
    display TEXT NOT NULL,
    source TEXT NOT NULL,
    span_start INTEGER NOT NULL,
    span_end INTEGER NOT NULL,
    confidence REAL NOT NULL,
    benign INTEGER NOT NULL,
    linking INTEGER NOT NULL,
    attributes TEXT NOT NULL,
    PRIMARY KEY (report_id, kind, value)
) WITHOUT ROWID;
CREATE INDEX indicators_value ON indicators (kind, value, report_id);
