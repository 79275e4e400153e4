package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io/fs"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// provider is goose's provider of every migration: the SQL files embedded, and 00010 in Go (its
// backfill asks the core who the stakeholders are).
func provider(db *sql.DB, opts ...goose.ProviderOption) (*goose.Provider, error) {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	opts = append(opts, goose.WithGoMigrations(goose.NewGoMigration(10,
		&goose.GoFunc{RunTx: stakeholdersUp}, &goose.GoFunc{RunTx: stakeholdersDown})))
	return goose.NewProvider(goose.DialectPostgres, db, fsys, opts...)
}

// Migration 00010: the console's "My containers" (store.StakeholderRights) for every stakeholder
// of a release (release.Right.Stakeholders: originator, carrier, terminal operator, owner,
// pending-to, every past holder of the chain), not only the owner, pending-to, originator and the
// operated terminals 00009's indexes found: a forwarder that transferred a release on, or its
// carrier, saw it on the container page but not in its list.
//
// stakeholders holds one row per company that sees a release (none once it is deleted), written by
// the write path in the transaction of the right whenever its stakeholders, status or terminal
// change (store.StakeholdersChanged); the list reads stakeholders_list in list order, index only,
// the status and terminal filters from its included columns. bills_of_lading holds the releases of
// a bill of lading per port, so that a search by one does not read the state of every release of
// the company (a release's bills of lading never change: its key).
const sqlStakeholdersUp = `
CREATE TABLE stakeholders (
    release_id    text        NOT NULL,
    company_id    text        NOT NULL,
    port_lo_code  text        NOT NULL,
    created_at    timestamptz NOT NULL,
    status        smallint    NOT NULL,
    terminal_code text        NOT NULL,
    PRIMARY KEY (release_id, company_id)
);
CREATE INDEX stakeholders_list ON stakeholders (company_id, port_lo_code, created_at, release_id) INCLUDE (status, terminal_code);
-- A status filter reads the rows of that status only, in list order (through stakeholders_list it
-- walked the company's whole list to count a status few of its releases have).
CREATE INDEX stakeholders_status ON stakeholders (company_id, port_lo_code, status, created_at, release_id) INCLUDE (terminal_code);
CREATE TABLE bills_of_lading (
    port_lo_code   text NOT NULL,
    bill_of_lading text NOT NULL,
    release_id     text NOT NULL,
    PRIMARY KEY (port_lo_code, bill_of_lading, release_id)
);
INSERT INTO bills_of_lading (port_lo_code, bill_of_lading, release_id)
SELECT r.port_lo_code, b, r.release_id
FROM rights AS r, jsonb_array_elements_text(convert_from(r.state, 'UTF8')::jsonb -> 'key' -> 'billOfLadingNumbers') AS b
ON CONFLICT DO NOTHING;
DROP INDEX rights_originator_list;
DROP INDEX rights_terminal_list;`

const sqlStakeholdersDown = `
CREATE INDEX rights_originator_list ON rights (originator_id, port_lo_code, created_at, release_id) WHERE NOT deleted;
CREATE INDEX rights_terminal_list ON rights (port_lo_code, terminal_code, created_at, release_id) WHERE NOT deleted;
DROP TABLE bills_of_lading;
DROP TABLE stakeholders;`

// backfillPage is how many rights the backfill decodes and writes at a time.
const backfillPage = 2000

// stakeholdersUp creates the tables and fills stakeholders from the rights stored so far, page by
// page in release id order, with the core's rule (store.StakeholderIDs).
func stakeholdersUp(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, sqlStakeholdersUp); err != nil {
		return err
	}
	after := ""
	for {
		rows, err := tx.QueryContext(ctx, `SELECT release_id, state FROM rights WHERE NOT deleted AND release_id > $1
ORDER BY release_id LIMIT $2`, after, backfillPage)
		if err != nil {
			return err
		}
		var ids, companies, ports, terminals []string
		var created []time.Time
		var status []int16
		n := 0
		for rows.Next() {
			var doc []byte
			if err := rows.Scan(&after, &doc); err != nil {
				rows.Close()
				return err
			}
			n++
			r := new(release.Right)
			if err := json.Unmarshal(doc, r); err != nil {
				rows.Close()
				return fmt.Errorf("right %s: %w", after, err)
			}
			for _, c := range store.StakeholderIDs(r) {
				ids, companies, ports, terminals = append(ids, r.ReleaseID), append(companies, c), append(ports, r.PortLoCode), append(terminals, r.Terminal.Code)
				created, status = append(created, r.CreatedAt), append(status, int16(r.Status))
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(ids) > 0 {
			if _, err := tx.ExecContext(ctx, sqlInsertStakeholders, ids, companies, ports, created, status, terminals); err != nil {
				return err
			}
		}
		if n < backfillPage {
			break
		}
	}
	// The tables were filled in one go: the planner's statistics say so at once, rather than
	// when autovacuum comes by (until then it takes them for empty and scans in the wrong order).
	_, err := tx.ExecContext(ctx, `ANALYZE stakeholders, bills_of_lading`)
	return err
}

func stakeholdersDown(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, sqlStakeholdersDown)
	return err
}
