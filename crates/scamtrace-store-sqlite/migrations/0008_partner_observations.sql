-- What partner organizations shared (STIX imports and TAXII syncs): one row per value, version
-- and campaign, attributed to the partner and kept apart from this instance's own reports. A
-- replay of the same object and version inserts nothing. `node` groups the rows one import stored
-- for one partner campaign (or one loose indicator): correlation takes each group as one node.
CREATE TABLE partner_observations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    node TEXT NOT NULL,
    partner TEXT NOT NULL,
    partner_identity TEXT NOT NULL,
    stix_id TEXT NOT NULL,
    version TEXT NOT NULL,
    campaign TEXT NOT NULL,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    sightings INTEGER,
    first_seen INTEGER,
    last_seen INTEGER,
    tlp TEXT,
    received_at INTEGER NOT NULL,
    UNIQUE (stix_id, version, campaign)
);
CREATE INDEX partner_observations_value ON partner_observations (kind, value);
