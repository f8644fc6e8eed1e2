-- TAXII 2.1: this instance's collections, the STIX objects in them (every version), the outcome
-- of each add-objects request, per-token collection grants, and the partners' servers synced with.

CREATE TABLE taxii_collections (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT,
    -- The marking of what this instance publishes into it, and of objects added without one.
    tlp TEXT NOT NULL,
    -- The one organization that may receive its TLP:AMBER+STRICT objects.
    audience TEXT,
    partner_read BIGINT NOT NULL,
    partner_write BIGINT NOT NULL,
    -- 'operations': this instance publishes its shareable operations into it.
    publishes TEXT,
    created_at BIGINT NOT NULL
);

-- `date_added` (microseconds) is strictly increasing within a collection: it orders the objects,
-- pages them and answers `added_after`. `version` is `modified` (or `created`) in microseconds.
CREATE TABLE taxii_objects (
    collection TEXT NOT NULL REFERENCES taxii_collections (id),
    id TEXT NOT NULL,
    version BIGINT NOT NULL,
    date_added BIGINT NOT NULL,
    object_type TEXT NOT NULL,
    spec_version TEXT NOT NULL,
    tlp TEXT NOT NULL,
    audience TEXT,
    added_by TEXT,
    is_latest BIGINT NOT NULL,
    is_first BIGINT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (collection, id, version)
);
CREATE UNIQUE INDEX taxii_objects_added ON taxii_objects (collection, date_added);
CREATE INDEX taxii_objects_latest ON taxii_objects (collection, date_added) WHERE is_latest = 1;

CREATE TABLE taxii_status (
    id TEXT PRIMARY KEY,
    collection TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    request_timestamp BIGINT NOT NULL,
    total_count BIGINT NOT NULL,
    successes TEXT NOT NULL,
    failures TEXT NOT NULL
);

-- JSON list of {collection, read, write}; NULL: the collections partners may use by default.
ALTER TABLE api_tokens ADD COLUMN collections TEXT;

CREATE TABLE partners (
    name TEXT NOT NULL,
    name_key TEXT PRIMARY KEY,
    taxii_url TEXT NOT NULL,
    collection TEXT NOT NULL,
    push_collection TEXT,
    -- Sealed by the vault: the credentials are never stored in clear.
    credentials_sealed BYTEA NOT NULL,
    pulled_through TEXT,
    pushed_through BIGINT NOT NULL,
    last_sync_at BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL
);

-- Every instance starts with two collections: what it publishes, and an inbox for partners.
INSERT INTO taxii_collections (id, title, description, tlp, audience, partner_read, partner_write, publishes, created_at)
VALUES
    ('5ca37ace-7a11-4c01-8000-000000000001', 'Tech-support scam operations',
     'Operations this instance has pieced together from victims'' reports: campaigns, indicators and sightings, never personal data.',
     'TLP:AMBER', NULL, 1, 0, 'operations', 0),
    ('5ca37ace-7a11-4c01-8000-000000000002', 'Partner submissions',
     'Partners add what they know here; it joins correlation as their observations.',
     'TLP:AMBER', NULL, 0, 1, NULL, 0);
