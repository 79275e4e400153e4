-- The size of a company's rights list without counting it: counting 350,000 entries of 00003's
-- index takes some 100 ms, on every page asked.

-- +goose Up

-- How many rights each company's list holds, per port and kind: 0 owned and not pending, 1 owned
-- and pending to another, 2 pending to the company and owned by another (store.RightsAssignedTo's
-- two branches, split by the Active/Pending status filter). A key's size is the sum of its rows.
-- The triggers only ever add rows (+1, -1), in the transaction of every write of a right, whatever
-- writes it: a row updated in place would be a lock every command on that company's rights waits
-- for, across groups and nodes. Store.foldListCounts folds each key's rows into one, now and then.
CREATE TABLE rights_list_counts (
    company_id   TEXT     NOT NULL,
    port_lo_code TEXT     NOT NULL,
    kind         SMALLINT NOT NULL,
    n            BIGINT   NOT NULL
);
CREATE INDEX rights_list_counts_key ON rights_list_counts (company_id, port_lo_code, kind) INCLUDE (n);

INSERT INTO rights_list_counts (company_id, port_lo_code, kind, n)
SELECT company_id, port_lo_code, kind, count(*) FROM (
    SELECT owner_id AS company_id, port_lo_code, CASE WHEN pending_to_id IS NULL THEN 0 ELSE 1 END AS kind
    FROM rights WHERE NOT deleted
    UNION ALL
    SELECT pending_to_id, port_lo_code, 2 FROM rights
    WHERE NOT deleted AND pending_to_id IS NOT NULL AND pending_to_id <> owner_id
) AS listed GROUP BY company_id, port_lo_code, kind;

-- +goose StatementBegin
CREATE FUNCTION rights_list_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND NOT OLD.deleted THEN
        INSERT INTO rights_list_counts VALUES
            (OLD.owner_id, OLD.port_lo_code, CASE WHEN OLD.pending_to_id IS NULL THEN 0 ELSE 1 END, -1);
        IF OLD.pending_to_id IS NOT NULL AND OLD.pending_to_id <> OLD.owner_id THEN
            INSERT INTO rights_list_counts VALUES (OLD.pending_to_id, OLD.port_lo_code, 2, -1);
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NOT NEW.deleted THEN
        INSERT INTO rights_list_counts VALUES
            (NEW.owner_id, NEW.port_lo_code, CASE WHEN NEW.pending_to_id IS NULL THEN 0 ELSE 1 END, 1);
        IF NEW.pending_to_id IS NOT NULL AND NEW.pending_to_id <> NEW.owner_id THEN
            INSERT INTO rights_list_counts VALUES (NEW.pending_to_id, NEW.port_lo_code, 2, 1);
        END IF;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER rights_list_counts_insert AFTER INSERT ON rights FOR EACH ROW
    WHEN (NOT NEW.deleted) EXECUTE FUNCTION rights_list_count();
CREATE TRIGGER rights_list_counts_delete AFTER DELETE ON rights FOR EACH ROW
    WHEN (NOT OLD.deleted) EXECUTE FUNCTION rights_list_count();
-- Every upsert of a right sets every column: the WHEN leaves the counts alone unless what they
-- count changed (most writes change the lights, not the owner).
CREATE TRIGGER rights_list_counts_update AFTER UPDATE ON rights FOR EACH ROW
    WHEN (OLD.owner_id IS DISTINCT FROM NEW.owner_id OR OLD.pending_to_id IS DISTINCT FROM NEW.pending_to_id
       OR OLD.deleted IS DISTINCT FROM NEW.deleted OR OLD.port_lo_code IS DISTINCT FROM NEW.port_lo_code)
    EXECUTE FUNCTION rights_list_count();

-- +goose Down
DROP TRIGGER rights_list_counts_update ON rights;
DROP TRIGGER rights_list_counts_delete ON rights;
DROP TRIGGER rights_list_counts_insert ON rights;
DROP FUNCTION rights_list_count();
DROP TABLE rights_list_counts;
