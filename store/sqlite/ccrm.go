package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
	"github.com/portlight/portlight/store/internal/group"
)

// CCRM metering is on the read path (every CCRM GET records a use), so it is kept cheap: a use
// already recorded (the same company reading the same container again in the month, the common
// case) is found on a reader and costs no write; a new one goes to the writer goroutine and is
// committed with whatever group is under way, instead of costing a transaction and an fsync of
// its own on the one write connection. The primary key of ccrm_usage makes a container count
// once per company and month, whoever records it first.

// ccrmUse is one metered read, as recorded in ccrm_usage.
type ccrmUse struct {
	month, companyID, port, equipment string
}

// record adds u to the CCRM uses of the transaction (inserted with its other rows, batch.go).
func (w *writeTx) record(u *ccrmUse) {
	w.uses = append(w.uses, u.month, u.companyID, u.port, u.equipment)
}

const sqlCCRMUseSeen = `SELECT 1 FROM ccrm_usage
WHERE month = ? AND company_id = ? AND port_lo_code = ? AND equipment_number = ?`

// RecordCCRMUse implements store.Store: it counts one read of a container's customs status by a
// company in a month, once however often it is read. It returns once the use is committed.
func (s *Store) RecordCCRMUse(ctx context.Context, companyID, portLoCode, equipmentNumber, month string) error {
	u := &ccrmUse{month: month, companyID: companyID, port: portLoCode,
		equipment: release.NormaliseCode(equipmentNumber)}
	var one int
	switch err := s.ccrmSeen.QueryRowContext(ctx, u.month, u.companyID, u.port, u.equipment).Scan(&one); {
	case err == nil:
		return nil // counted already
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("store/sqlite: record CCRM use: %w", err)
	}
	if err := s.do(ctx, &request{Request: group.Make(nil), use: u}); err != nil {
		return fmt.Errorf("store/sqlite: record CCRM use: %w", err)
	}
	return nil
}

const sqlCCRMUsage = `SELECT company_id, count(*) FROM ccrm_usage WHERE month = ?
GROUP BY company_id ORDER BY company_id`

// CCRMUsage implements store.Store: per company (sorted by id), the number of containers it read
// in month; companies without any are left out.
func (s *Store) CCRMUsage(ctx context.Context, month string) ([]store.CCRMUsage, error) {
	rows, err := s.r.QueryContext(ctx, sqlCCRMUsage, month)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: CCRM usage: %w", err)
	}
	defer rows.Close()
	var out []store.CCRMUsage
	for rows.Next() {
		u := store.CCRMUsage{Month: month}
		if err := rows.Scan(&u.CompanyID, &u.Containers); err != nil {
			return nil, fmt.Errorf("store/sqlite: CCRM usage: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store/sqlite: CCRM usage: %w", err)
	}
	return out, nil
}
