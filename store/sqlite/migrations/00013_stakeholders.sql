-- The console's "My containers" (store.StakeholderRights) for every stakeholder of a release
-- (release.Right.Stakeholders: originator, carrier, terminal operator, owner, pending-to, every
-- past holder of the chain), not only the owner, pending-to, originator and the operated
-- terminals that 00012's indexes found: a forwarder that transferred a release on, or its
-- carrier, saw it on the container page but not in its list.

-- +goose Up

-- One row per company that sees a release (none once it is deleted), written by the write path in
-- the transaction of the right whenever its stakeholders, status or terminal change
-- (store.StakeholdersChanged). The list reads stakeholders_list in list order, the status and
-- terminal filters from the index entries themselves.
CREATE TABLE stakeholders (
    release_id    TEXT    NOT NULL,
    company_id    TEXT    NOT NULL,
    port_lo_code  TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    status        INTEGER NOT NULL,
    terminal_code TEXT    NOT NULL,
    PRIMARY KEY (release_id, company_id)
) WITHOUT ROWID;
CREATE INDEX stakeholders_list ON stakeholders (company_id, port_lo_code, created_at, release_id, status, terminal_code);
-- A status filter reads the rows of that status only, in list order: through stakeholders_list it
-- walked the company's whole list to count a status few of its releases have.
CREATE INDEX stakeholders_status ON stakeholders (company_id, port_lo_code, status, created_at, release_id);

-- The releases of a bill of lading, per port: a search by bill of lading reads these rows, not the
-- state of every release of the company. A release's bills of lading never change (its key).
CREATE TABLE bills_of_lading (
    port_lo_code   TEXT NOT NULL,
    bill_of_lading TEXT NOT NULL,
    release_id     TEXT NOT NULL,
    PRIMARY KEY (port_lo_code, bill_of_lading, release_id)
) WITHOUT ROWID;

-- The rows of the releases stored so far. portlight_stakeholders(state) is the core's
-- release.Right.Stakeholders as an SQL function (stakeholders.go): the rule is not copied here.
INSERT INTO stakeholders (release_id, company_id, port_lo_code, created_at, status, terminal_code)
SELECT r.release_id, s.value, r.port_lo_code, r.created_at, r.status, r.terminal_code
FROM rights AS r, json_each(portlight_stakeholders(r.state)) AS s
WHERE NOT r.deleted;
INSERT OR IGNORE INTO bills_of_lading (port_lo_code, bill_of_lading, release_id)
SELECT r.port_lo_code, b.value, r.release_id
FROM rights AS r, json_each(r.state, '$.key.billOfLadingNumbers') AS b;

-- 00012's indexes served the branches the list no longer has.
DROP INDEX rights_originator_list;
DROP INDEX rights_terminal_list;

-- +goose Down
CREATE INDEX rights_originator_list ON rights (originator_id, port_lo_code, created_at, release_id, deleted) WHERE NOT deleted;
CREATE INDEX rights_terminal_list ON rights (port_lo_code, terminal_code, created_at, release_id, deleted) WHERE NOT deleted;
DROP TABLE bills_of_lading;
DROP TABLE stakeholders;
