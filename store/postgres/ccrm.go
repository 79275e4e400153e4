package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/portlight/portlight/store"
)

// CCRM metering is on the read path (every CCRM GET records a use). A use already recorded (the
// same company reading the same container again in the month, the common case) costs the server
// an index probe and no write: INSERT ... ON CONFLICT DO NOTHING checks the key before it writes,
// and a transaction that wrote nothing commits without waiting for the disk. The primary key of
// ccrm_usage makes a container count once per company and month, whichever node records it first.

// RecordCCRMUse implements store.Store: it counts one read of a container's customs status by a
// company in a month, once however often it is read.
func (s *Store) RecordCCRMUse(ctx context.Context, companyID, portLoCode, equipmentNumber, month string) error {
	if _, err := s.pool.Exec(ctx, `INSERT INTO ccrm_usage (month, company_id, port_lo_code, equipment_number)
VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, month, companyID, portLoCode, normalise(equipmentNumber)); err != nil {
		return fmt.Errorf("store/postgres: record CCRM use: %w", err)
	}
	return nil
}

// CCRMUsage implements store.Store: per company (sorted by id), the number of containers it read
// in month; companies without any are left out.
func (s *Store) CCRMUsage(ctx context.Context, month string) ([]store.CCRMUsage, error) {
	rows, err := s.pool.Query(ctx, `SELECT company_id, count(*) FROM ccrm_usage WHERE month = $1
GROUP BY company_id ORDER BY company_id COLLATE "C"`, month)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: CCRM usage: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.CCRMUsage, error) {
		u := store.CCRMUsage{Month: month}
		var n int64
		err := row.Scan(&u.CompanyID, &n)
		u.Containers = int(n)
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("store/postgres: CCRM usage: %w", err)
	}
	return out, nil
}
