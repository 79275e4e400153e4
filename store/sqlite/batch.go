package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/portlight/portlight/store/internal/group"
)

// The rows of a write transaction are inserted at its end with multi-row statements: one
// statement for up to 64 rows instead of one per row. The statements for each chunk size are
// prepared once on the writer connection.

// chunks are the row counts the multi-row statements are prepared for, largest first.
var chunks = [...]int{64, 32, 16, 8, 4, 2, 1}

// multiInsert is one multi-row statement prepared for every chunk size.
type multiInsert struct {
	cols  int
	stmts [len(chunks)]*sql.Stmt
}

// prepareMulti prepares head + "VALUES (?, ...), ..." + tail for every chunk size.
func prepareMulti(ctx context.Context, db *sql.DB, head, tail string, cols int) (*multiInsert, error) {
	m := &multiInsert{cols: cols}
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	for i, n := range chunks {
		st, err := db.PrepareContext(ctx, head+" VALUES "+strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")+tail)
		if err != nil {
			m.close()
			return nil, err
		}
		m.stmts[i] = st
	}
	return m, nil
}

func (m *multiInsert) close() {
	if m == nil {
		return
	}
	for _, st := range m.stmts {
		if st != nil {
			st.Close()
		}
	}
}

// exec inserts the rows flattened in args in as few statements as it can, with the statements
// bound to tx (bound caches them for the transaction), and returns how many rows they changed.
func (m *multiInsert) exec(ctx context.Context, tx *sql.Tx, bound *[len(chunks)]*sql.Stmt, args []any) (int64, error) {
	var changed int64
	for len(args) > 0 {
		rows := len(args) / m.cols
		i := 0
		for chunks[i] > rows {
			i++
		}
		if bound[i] == nil {
			bound[i] = tx.StmtContext(ctx, m.stmts[i])
		}
		values := chunks[i] * m.cols
		res, err := bound[i].ExecContext(ctx, args[:values]...)
		if err != nil {
			return changed, err
		}
		args = args[values:]
		n, err := res.RowsAffected()
		if err != nil {
			return changed, err
		}
		changed += n
	}
	return changed, nil
}

const (
	rightCols        = 14
	statusCols       = 5
	factCols         = 4
	ccrmCols         = 4
	notificationCols = 9
	auditCols        = 9
	stakeholderCols  = 6
	billOfLadingCols = 3
)

const (
	sqlUpsertRights = `INSERT INTO rights (release_id, port_lo_code, equipment_number, release_identification,
    owner_id, pending_to_id, originator_id, terminal_code, status, deleted, created_at, updated_at, expires_at, state)`
	sqlUpsertRightsTail = `
ON CONFLICT (release_id) DO UPDATE SET
    port_lo_code = excluded.port_lo_code, equipment_number = excluded.equipment_number,
    release_identification = excluded.release_identification, owner_id = excluded.owner_id,
    pending_to_id = excluded.pending_to_id, originator_id = excluded.originator_id,
    terminal_code = excluded.terminal_code, status = excluded.status, deleted = excluded.deleted,
    created_at = excluded.created_at, updated_at = excluded.updated_at, expires_at = excluded.expires_at,
    state = excluded.state`
	// sqlUpdateStatuses updates rights whose indexed columns do not change (encoder.go's finish):
	// SQLite then rewrites only the index entries of the columns set (rights_due's).
	sqlUpdateStatuses = `UPDATE rights SET status = v.column2, updated_at = v.column3, expires_at = v.column4,
    state = v.column5 FROM (`
	sqlUpdateStatusesTail = `) AS v WHERE rights.release_id = v.column1`
	sqlUpsertFacts        = `INSERT INTO containers (port_lo_code, equipment_number, facts, updated_at)`
	sqlUpsertFactsTail    = `
ON CONFLICT (port_lo_code, equipment_number) DO UPDATE SET facts = excluded.facts, updated_at = excluded.updated_at`
	sqlInsertCCRMUses      = `INSERT INTO ccrm_usage (month, company_id, port_lo_code, equipment_number)`
	sqlInsertCCRMUsesTail  = ` ON CONFLICT DO NOTHING`
	sqlInsertNotifications = `INSERT INTO notifications (receiver_id, type, event, equipment_number,
    release_id, public_reference_id, external_reference_id, stored_on, message)`
	sqlUnstake            = `DELETE FROM stakeholders WHERE release_id = ?`
	sqlInsertStakeholders = `INSERT INTO stakeholders (release_id, company_id, port_lo_code, created_at, status, terminal_code)`
	// DO NOTHING: a release may name one bill of lading twice.
	sqlInsertBillsOfLading     = `INSERT INTO bills_of_lading (port_lo_code, bill_of_lading, release_id)`
	sqlInsertBillsOfLadingTail = ` ON CONFLICT DO NOTHING`
	sqlInsertAudits            = `INSERT INTO audit (public_reference_id, company_id, action, equipment_number,
    request, at, rejected, reason, op_index)`
)

// insert writes the encoded rows of the transaction and the CCRM uses it records.
func (w *writeTx) insert(ctx context.Context, r *encoded) error {
	if _, err := w.ws.rights.exec(ctx, w.tx, &w.rights, r.rights); err != nil {
		return fmt.Errorf("store/sqlite: upsert rights: %w", err)
	}
	// A right is updated only when the writer read it as stored (from the cache or the database):
	// one that is not there after all would be lost, and fails the transaction instead.
	updated, err := w.ws.statuses.exec(ctx, w.tx, &w.statuses, r.statuses)
	if err != nil {
		return fmt.Errorf("store/sqlite: update rights: %w", err)
	}
	if want := int64(len(r.statuses) / statusCols); updated != want {
		return fmt.Errorf("store/sqlite: update rights: %d of %d rights read as stored are not stored", want-updated, want)
	}
	if len(r.restaked) > 0 {
		unstake := w.tx.StmtContext(ctx, w.ws.unstake)
		for _, right := range r.restaked {
			if _, err := unstake.ExecContext(ctx, right.ReleaseID); err != nil {
				return fmt.Errorf("store/sqlite: rewrite stakeholders: %w", err)
			}
		}
		if _, err := w.ws.stakeholders.exec(ctx, w.tx, &w.stakeholders, r.stakeholderRows()); err != nil {
			return fmt.Errorf("store/sqlite: rewrite stakeholders: %w", err)
		}
	}
	if _, err := w.ws.billsOfLading.exec(ctx, w.tx, &w.billsOfLading, r.billsOfLading); err != nil {
		return fmt.Errorf("store/sqlite: insert bills of lading: %w", err)
	}
	if _, err := w.ws.facts.exec(ctx, w.tx, &w.facts, r.facts); err != nil {
		return fmt.Errorf("store/sqlite: upsert container facts: %w", err)
	}
	if _, err := w.ws.ccrm.exec(ctx, w.tx, &w.ccrm, w.uses); err != nil {
		return fmt.Errorf("store/sqlite: record CCRM uses: %w", err)
	}
	if _, err := w.ws.notifications.exec(ctx, w.tx, &w.notifications, r.notifications); err != nil {
		return fmt.Errorf("store/sqlite: insert notifications: %w", err)
	}
	if _, err := w.ws.audits.exec(ctx, w.tx, &w.audits, r.audits); err != nil {
		err = fmt.Errorf("store/sqlite: insert audit records: %w", err)
		if strings.Contains(err.Error(), "UNIQUE constraint failed: audit.public_reference_id") {
			return group.Duplicate(err) // an op applied before (group.Commit)
		}
		return err
	}
	return nil
}
