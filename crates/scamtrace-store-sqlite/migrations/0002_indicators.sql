-- Indicators extracted from each report: kept with the report as one JSON array (read with it),
-- and indexed for exact lookup by kind and value in a narrow table, one b-tree entry each.
ALTER TABLE reports ADD COLUMN indicators TEXT NOT NULL DEFAULT '[]';
CREATE TABLE indicator_index (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    report_id TEXT NOT NULL,
    PRIMARY KEY (kind, value, report_id)
) WITHOUT ROWID;
