-- Container facts, the expiry time of every right (for the expiry scheduler), and CCRM metering.

-- +goose Up

-- What the platform knows of a container apart from its releases (release.Facts as JSON), kept
-- even while the container has no release: customs often knows first. A container without a row
-- has no facts.
CREATE TABLE containers (
    port_lo_code     TEXT    NOT NULL,
    equipment_number TEXT    NOT NULL,
    facts            BLOB    NOT NULL,
    updated_at       INTEGER NOT NULL,
    PRIMARY KEY (port_lo_code, equipment_number)
) WITHOUT ROWID;

-- release.Right.ExpiresAt() in unix nanoseconds, written from the state at every upsert. Rights
-- stored before this column existed get it from their state here (to the millisecond, which is
-- what SQLite's date functions keep), so that none of them is taken for due by mistake.
ALTER TABLE rights ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
UPDATE rights SET expires_at = min(
    created_at + 60 * 86400 * 1000000000, -- release.RightLifetime
    coalesce(CAST(round(unixepoch(json_extract(state, '$.details.expirationDateTimeUtc'), 'subsec') * 1000) AS INTEGER) * 1000000,
             9223372036854775807));
-- The rights the expiry scheduler may still have to expire (store.DueForExpiry): not deleted, not
-- Archived (6), not Expired (8). Once expired or picked up a right leaves the index, so it holds
-- only the rights still running, by expiry time. It is kept as small as it can be, since every
-- upsert of a right updates it: the scheduler reads the few rows due from the table.
CREATE INDEX rights_due ON rights (expires_at) WHERE NOT deleted AND status NOT IN (6, 8);

-- CCRM metering: one row per company, container and month it read the container's customs status
-- in ("2026-11"), however often. The key starts with the month: the billing report reads one month.
CREATE TABLE ccrm_usage (
    month            TEXT NOT NULL,
    company_id       TEXT NOT NULL,
    port_lo_code     TEXT NOT NULL,
    equipment_number TEXT NOT NULL,
    PRIMARY KEY (month, company_id, port_lo_code, equipment_number)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE ccrm_usage;
DROP INDEX rights_due;
ALTER TABLE rights DROP COLUMN expires_at;
DROP TABLE containers;
