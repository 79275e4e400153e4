-- The rights list of a company, second step: its size without counting it, and indexes that cover
-- the list's conditions.

-- +goose Up

-- 00006's indexes left `deleted` out of their columns: SQLite then reads the table for every entry
-- to check `NOT deleted` (EXPLAIN QUERY PLAN says "USING INDEX", not "USING COVERING INDEX"), and
-- skipping to a deep page read the rows of every right before it.
DROP INDEX rights_owner_list;
DROP INDEX rights_pending_list;
CREATE INDEX rights_owner_list ON rights (owner_id, port_lo_code, created_at, release_id, pending_to_id, deleted) WHERE NOT deleted;
CREATE INDEX rights_pending_list ON rights (pending_to_id, port_lo_code, created_at, release_id, owner_id, deleted)
    WHERE pending_to_id IS NOT NULL AND NOT deleted;

-- How many rights each company's list holds, per port and kind: 0 owned and not pending, 1 owned
-- and pending to another, 2 pending to the company and owned by another (store.RightsAssignedTo's
-- two branches, split by the Active/Pending status filter). Counting a list of 350,000 rights on the
-- index takes some 100 ms; this row is read in microseconds. The triggers keep it in the
-- transaction of every write of a right, whatever writes it.
CREATE TABLE rights_list_counts (
    company_id   TEXT    NOT NULL,
    port_lo_code TEXT    NOT NULL,
    kind         INTEGER NOT NULL,
    n            INTEGER NOT NULL,
    PRIMARY KEY (company_id, port_lo_code, kind)
) WITHOUT ROWID;

INSERT INTO rights_list_counts (company_id, port_lo_code, kind, n)
SELECT company_id, port_lo_code, kind, count(*) FROM (
    SELECT owner_id AS company_id, port_lo_code, pending_to_id IS NOT NULL AS kind FROM rights WHERE NOT deleted
    UNION ALL
    SELECT pending_to_id, port_lo_code, 2 FROM rights WHERE NOT deleted AND pending_to_id IS NOT NULL AND pending_to_id <> owner_id
) GROUP BY company_id, port_lo_code, kind;

-- +goose StatementBegin
CREATE TRIGGER rights_list_counts_insert AFTER INSERT ON rights WHEN NOT new.deleted BEGIN
    INSERT INTO rights_list_counts VALUES (new.owner_id, new.port_lo_code, new.pending_to_id IS NOT NULL, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO rights_list_counts SELECT new.pending_to_id, new.port_lo_code, 2, 1
        WHERE new.pending_to_id IS NOT NULL AND new.pending_to_id <> new.owner_id
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER rights_list_counts_delete AFTER DELETE ON rights WHEN NOT old.deleted BEGIN
    UPDATE rights_list_counts SET n = n - 1
        WHERE company_id = old.owner_id AND port_lo_code = old.port_lo_code AND kind = (old.pending_to_id IS NOT NULL);
    UPDATE rights_list_counts SET n = n - 1
        WHERE old.pending_to_id IS NOT NULL AND old.pending_to_id <> old.owner_id
          AND company_id = old.pending_to_id AND port_lo_code = old.port_lo_code AND kind = 2;
END;
-- +goose StatementEnd

-- Every upsert of a right sets every column: the WHEN keeps the counts untouched unless what
-- they count changed (most writes change the lights, not the owner).
-- +goose StatementBegin
CREATE TRIGGER rights_list_counts_update AFTER UPDATE ON rights
WHEN old.owner_id IS NOT new.owner_id OR old.pending_to_id IS NOT new.pending_to_id
  OR old.deleted IS NOT new.deleted OR old.port_lo_code IS NOT new.port_lo_code BEGIN
    UPDATE rights_list_counts SET n = n - 1
        WHERE NOT old.deleted AND company_id = old.owner_id AND port_lo_code = old.port_lo_code
          AND kind = (old.pending_to_id IS NOT NULL);
    UPDATE rights_list_counts SET n = n - 1
        WHERE NOT old.deleted AND old.pending_to_id IS NOT NULL AND old.pending_to_id <> old.owner_id
          AND company_id = old.pending_to_id AND port_lo_code = old.port_lo_code AND kind = 2;
    INSERT INTO rights_list_counts SELECT new.owner_id, new.port_lo_code, new.pending_to_id IS NOT NULL, 1
        WHERE NOT new.deleted
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO rights_list_counts SELECT new.pending_to_id, new.port_lo_code, 2, 1
        WHERE NOT new.deleted AND new.pending_to_id IS NOT NULL AND new.pending_to_id <> new.owner_id
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER rights_list_counts_update;
DROP TRIGGER rights_list_counts_delete;
DROP TRIGGER rights_list_counts_insert;
DROP TABLE rights_list_counts;
DROP INDEX rights_pending_list;
DROP INDEX rights_owner_list;
CREATE INDEX rights_owner_list ON rights (owner_id, port_lo_code, created_at, release_id, pending_to_id) WHERE NOT deleted;
CREATE INDEX rights_pending_list ON rights (pending_to_id, port_lo_code, created_at, release_id, owner_id)
    WHERE pending_to_id IS NOT NULL AND NOT deleted;
