-- Cases: investigations over clusters, referred to agencies. `state` is the whole case as the case
-- workflow serialized it (JSON); the other columns are what cases are listed by. `agencies` is a
-- JSON array of the names of the organizations the case was referred to. `version` is 1 when
-- created and one more with every change; a change is written only over the version it was made
-- from (compare-and-swap), so two analysts cannot overwrite each other.
CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    version BIGINT NOT NULL CHECK (version >= 1),
    status TEXT NOT NULL CHECK (status IN ('open', 'referred', 'actioned', 'closed')),
    agencies TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX cases_updated ON cases (updated_at DESC, id);

-- Every change of a case, append-only (never updated or deleted): the version it produced, when,
-- who (a token or user id), what (`case.opened`, `case.note`, `case.status` ...) and its JSON data.
CREATE TABLE case_events (
    case_id TEXT NOT NULL REFERENCES cases (id),
    version BIGINT NOT NULL,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (case_id, version)
);

-- Referral packages as exported: the exact zip bytes that were signed (kept, not rebuilt, so the
-- signature an agency checks stays valid), for whom (an agency), whether they hold victims'
-- personal data (0 or 1), who exported them and when, the zip's hex SHA-256 and its size.
CREATE TABLE case_packages (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    recipient TEXT NOT NULL,
    personal_data BIGINT NOT NULL CHECK (personal_data IN (0, 1)),
    exported_by TEXT NOT NULL,
    exported_at BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    bytes BLOB NOT NULL
);
CREATE INDEX case_packages_case ON case_packages (case_id, exported_at DESC, id);
