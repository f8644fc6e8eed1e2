-- Lookups by indicator are answered by the correlation engine, which holds every report's values
-- in memory and is rebuilt from the reports' `indicators` column at start: the lookup table is
-- no longer read, and writing it was the most expensive part of storing a report.
DROP TABLE indicator_index;
