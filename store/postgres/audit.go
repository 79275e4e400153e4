package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/portlight/portlight/store"
)

const sqlAuditColumns = `SELECT seq, public_reference_id, company_id, action, equipment_number, request,
    at, rejected, reason FROM audit`

// AuditTrail implements store.Store: the audit records of one publicReferenceId, or all those of one
// equipment number (both given: those matching both; neither: none), in the order the commands were
// applied. Commands on one container are applied one after the other under its lock, and each
// takes its seq inside its transaction, so seq order is their order.
func (s *Store) AuditTrail(ctx context.Context, publicReferenceID, equipmentNumber string) ([]store.AuditRecord, error) {
	var query string
	var args []any
	switch {
	case publicReferenceID != "" && equipmentNumber != "":
		query = sqlAuditColumns + ` WHERE public_reference_id = $1 AND equipment_number = $2 ORDER BY seq`
		args = []any{publicReferenceID, equipmentNumber}
	case publicReferenceID != "":
		query = sqlAuditColumns + ` WHERE public_reference_id = $1 ORDER BY seq`
		args = []any{publicReferenceID}
	case equipmentNumber != "":
		query = sqlAuditColumns + ` WHERE equipment_number = $1 ORDER BY seq`
		args = []any{equipmentNumber}
	default:
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: audit trail: %w", err)
	}
	defer rows.Close()
	var out []store.AuditRecord
	for rows.Next() {
		var a store.AuditRecord
		var at time.Time
		if err := rows.Scan(&a.Seq, &a.PublicReferenceID, &a.CompanyID, &a.Action, &a.EquipmentNumber,
			&a.Request, &at, &a.Rejected, &a.Reason); err != nil {
			return nil, fmt.Errorf("store/postgres: audit trail: %w", err)
		}
		a.At = at.UTC()
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store/postgres: audit trail: %w", err)
	}
	return out, nil
}
