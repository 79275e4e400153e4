-- The schema of Portlight on PostgreSQL: the same tables as the SQLite store, in PostgreSQL's
-- types. Times are timestamptz (microseconds; the whole-nanosecond times of the core are kept in
-- the JSON documents). JSON documents (a right's whole state, a container's facts, a notification
-- exactly as delivered, a request as received) are bytea, never jsonb: they are read back byte for
-- byte as they were written.

-- +goose Up

-- One row per container a command ever concerned, the row every command on the container locks
-- (SELECT ... FOR UPDATE) so that commands for one container, from any node, are applied one after
-- the other. facts is release.Facts as JSON, NULL while nothing is known of the container apart
-- from its releases; it is kept whatever the container's age and whether it has rights.
CREATE TABLE containers (
    port_lo_code     text        NOT NULL,
    equipment_number text        NOT NULL,
    facts            bytea,
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (port_lo_code, equipment_number)
);

-- One row per Release Right. The columns are what the store looks rights up by; state is the whole
-- release.Right as JSON, the only thing read back.
CREATE TABLE rights (
    release_id             text        PRIMARY KEY,
    port_lo_code           text        NOT NULL,
    equipment_number       text        NOT NULL,
    release_identification text        NOT NULL,
    owner_id               text        NOT NULL,
    pending_to_id          text,
    originator_id          text        NOT NULL,
    terminal_code          text        NOT NULL,
    status                 smallint    NOT NULL,
    deleted                boolean     NOT NULL,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL,
    -- release.Right.ExpiresAt(), for the expiry scheduler.
    expires_at             timestamptz NOT NULL,
    state                  bytea       NOT NULL
);
-- A container's live rights (release.LiveWindow).
CREATE INDEX rights_container ON rights (port_lo_code, equipment_number, created_at);
-- The rights list of a company: owned or pending, per port. Few rights are pending at a time.
CREATE INDEX rights_owner ON rights (owner_id, port_lo_code);
CREATE INDEX rights_pending_to ON rights (pending_to_id, port_lo_code) WHERE pending_to_id IS NOT NULL;
-- The rights the expiry scheduler may still have to expire (store.DueForExpiry): not deleted, not
-- Archived (6), not Expired (8). The query repeats this WHERE clause word for word.
CREATE INDEX rights_due ON rights (expires_at) WHERE NOT deleted AND status NOT IN (6, 8);

-- The notification outbox and the pull API (Notification Service 2.0). Seqs come from
-- notification_seq, which must keep CACHE 1: writers announce the lowest seq they may still commit
-- from its last_value (notifications.go), which a per-session cache of seqs would make wrong.
CREATE SEQUENCE notification_seq CACHE 1;
CREATE TABLE notifications (
    seq                   bigint      PRIMARY KEY DEFAULT nextval('notification_seq'),
    receiver_id           text        NOT NULL,
    type                  text        NOT NULL,
    event                 text        NOT NULL,
    equipment_number      text        NOT NULL,
    release_id            text        NOT NULL,
    public_reference_id   text        NOT NULL,
    external_reference_id text,
    stored_on             timestamptz NOT NULL,
    message               bytea       NOT NULL
);
ALTER SEQUENCE notification_seq OWNED BY notifications.seq;
-- Pulling one company's notifications after a seq, and within storedOn bounds.
CREATE INDEX notifications_receiver_seq ON notifications (receiver_id, seq);
CREATE INDEX notifications_receiver_stored_on ON notifications (receiver_id, stored_on);
-- Who was told what under one publicReferenceId.
CREATE INDEX notifications_public_reference ON notifications (public_reference_id);

-- One record per command, accepted or rejected.
CREATE TABLE audit (
    seq                 bigserial   PRIMARY KEY,
    public_reference_id text        NOT NULL,
    company_id          text        NOT NULL,
    action              text        NOT NULL,
    equipment_number    text        NOT NULL,
    request             bytea,
    at                  timestamptz NOT NULL,
    rejected            boolean     NOT NULL,
    reason              text        NOT NULL
);
CREATE INDEX audit_public_reference ON audit (public_reference_id);
CREATE INDEX audit_equipment ON audit (equipment_number);

-- CCRM metering: one row per company, container and month it read the container's customs status
-- in ("2026-11"), however often. The key starts with the month: the billing report reads one month.
CREATE TABLE ccrm_usage (
    month            text NOT NULL,
    company_id       text NOT NULL,
    port_lo_code     text NOT NULL,
    equipment_number text NOT NULL,
    PRIMARY KEY (month, company_id, port_lo_code, equipment_number)
);

-- Calls per subscription and rate-limit window, summed over every node.
CREATE TABLE call_counts (
    subscription text        NOT NULL,
    window_start timestamptz NOT NULL,
    calls        bigint      NOT NULL,
    PRIMARY KEY (subscription, window_start)
);

-- The registry. A company's roles and addresses are JSON text; ingestion_id is NULL when the
-- company has none, so that any number of companies can be without one.
CREATE TABLE companies (
    nxt_entity_id text        PRIMARY KEY,
    name          text        NOT NULL,
    eori          text        NOT NULL,
    tin           text        NOT NULL,
    apcs          text        NOT NULL,
    duns          text        NOT NULL,
    scac          text        NOT NULL,
    external_id   text        NOT NULL,
    roles         text        NOT NULL,
    addresses     text        NOT NULL,
    ingestion_id  text        UNIQUE,
    created_at    timestamptz NOT NULL
);

-- A terminal code is unique within its port.
CREATE TABLE terminals (
    port_lo_code text NOT NULL,
    code         text NOT NULL,
    name         text NOT NULL,
    operator_id  text NOT NULL,
    PRIMARY KEY (port_lo_code, code)
);

CREATE TABLE clients (
    client_id   text        PRIMARY KEY,
    company_id  text        NOT NULL,
    name        text        NOT NULL,
    secret_hash text        NOT NULL,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);

CREATE TABLE subscription_keys (
    key_hash   text        PRIMARY KEY,
    company_id text        NOT NULL,
    name       text        NOT NULL,
    created_at timestamptz NOT NULL,
    revoked_at timestamptz
);

CREATE TABLE signing_keys (
    key_id     text        PRIMARY KEY,
    jwk        bytea       NOT NULL,
    created_at timestamptz NOT NULL,
    retired_at timestamptz
);

-- Users of the password grant.
CREATE TABLE users (
    username      text        PRIMARY KEY,
    company_id    text        NOT NULL,
    password_hash text        NOT NULL,
    created_at    timestamptz NOT NULL,
    revoked_at    timestamptz
);

-- +goose Down
DROP TABLE users;
DROP TABLE signing_keys;
DROP TABLE subscription_keys;
DROP TABLE clients;
DROP TABLE terminals;
DROP TABLE companies;
DROP TABLE call_counts;
DROP TABLE ccrm_usage;
DROP TABLE audit;
DROP TABLE notifications;
DROP TABLE rights;
DROP TABLE containers;
