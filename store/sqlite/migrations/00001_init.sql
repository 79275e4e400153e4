-- The first schema of Portlight. Times are INTEGER unix nanoseconds (UTC): they compare and sort
-- as numbers, and 0 stands for the zero time. JSON documents (a right's whole state, a
-- notification exactly as delivered, a request as received) are kept as BLOBs.

-- +goose Up

-- One row per Release Right. The columns are what the store looks rights up by; state is the whole
-- release.Right as JSON, the only thing read back.
CREATE TABLE rights (
    release_id             TEXT    PRIMARY KEY,
    port_lo_code           TEXT    NOT NULL,
    equipment_number       TEXT    NOT NULL,
    release_identification TEXT    NOT NULL,
    owner_id               TEXT    NOT NULL,
    pending_to_id          TEXT,
    originator_id          TEXT    NOT NULL,
    terminal_code          TEXT    NOT NULL,
    status                 INTEGER NOT NULL,
    deleted                BOOLEAN NOT NULL,
    created_at             INTEGER NOT NULL,
    updated_at             INTEGER NOT NULL,
    state                  BLOB    NOT NULL
);
-- A container's live rights (release.LiveWindow).
CREATE INDEX rights_container ON rights (port_lo_code, equipment_number, created_at);
-- The rights list of a company: owned or pending, per port. Few rights are pending at a time.
CREATE INDEX rights_owner ON rights (owner_id, port_lo_code);
CREATE INDEX rights_pending_to ON rights (pending_to_id, port_lo_code) WHERE pending_to_id IS NOT NULL;

-- The notification outbox and the pull API (Notification Service 2.0). seq never goes back, so
-- a reader can page with "after seq".
CREATE TABLE notifications (
    seq                   INTEGER PRIMARY KEY AUTOINCREMENT,
    receiver_id           TEXT    NOT NULL,
    type                  TEXT    NOT NULL,
    event                 TEXT    NOT NULL,
    equipment_number      TEXT    NOT NULL,
    release_id            TEXT    NOT NULL,
    public_reference_id   TEXT    NOT NULL,
    external_reference_id TEXT,
    stored_on             INTEGER NOT NULL,
    message               BLOB    NOT NULL
);
-- Pulling one company's notifications after a seq, and within storedOn bounds.
CREATE INDEX notifications_receiver_seq ON notifications (receiver_id, seq);
CREATE INDEX notifications_receiver_stored_on ON notifications (receiver_id, stored_on);
-- Who was told what under one publicReferenceId.
CREATE INDEX notifications_public_reference ON notifications (public_reference_id);

-- One record per command, accepted or rejected.
CREATE TABLE audit (
    seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
    public_reference_id TEXT    NOT NULL,
    company_id          TEXT    NOT NULL,
    action              TEXT    NOT NULL,
    equipment_number    TEXT    NOT NULL,
    request             BLOB,
    at                  INTEGER NOT NULL,
    rejected            BOOLEAN NOT NULL,
    reason              TEXT    NOT NULL
);
CREATE INDEX audit_public_reference ON audit (public_reference_id);
CREATE INDEX audit_equipment ON audit (equipment_number);

-- The registry. A company's roles and addresses are JSON text; ingestion_id is NULL when the
-- company has none, so that any number of companies can be without one.
CREATE TABLE companies (
    nxt_entity_id TEXT    PRIMARY KEY,
    name          TEXT    NOT NULL,
    eori          TEXT    NOT NULL,
    tin           TEXT    NOT NULL,
    apcs          TEXT    NOT NULL,
    duns          TEXT    NOT NULL,
    scac          TEXT    NOT NULL,
    external_id   TEXT    NOT NULL,
    roles         TEXT    NOT NULL,
    addresses     TEXT    NOT NULL,
    ingestion_id  TEXT    UNIQUE,
    created_at    INTEGER NOT NULL
);

-- A terminal code is unique within its port.
CREATE TABLE terminals (
    port_lo_code TEXT NOT NULL,
    code         TEXT NOT NULL,
    name         TEXT NOT NULL,
    operator_id  TEXT NOT NULL,
    PRIMARY KEY (port_lo_code, code)
);

CREATE TABLE clients (
    client_id   TEXT    PRIMARY KEY,
    company_id  TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    secret_hash TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);

CREATE TABLE subscription_keys (
    key_hash   TEXT    PRIMARY KEY,
    company_id TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

CREATE TABLE signing_keys (
    key_id     TEXT    PRIMARY KEY,
    jwk        BLOB    NOT NULL,
    created_at INTEGER NOT NULL,
    retired_at INTEGER
);

-- +goose Down
DROP TABLE signing_keys;
DROP TABLE subscription_keys;
DROP TABLE clients;
DROP TABLE terminals;
DROP TABLE companies;
DROP TABLE audit;
DROP TABLE notifications;
DROP TABLE rights;
