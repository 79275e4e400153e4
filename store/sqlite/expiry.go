package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/portlight/portlight/store"
)

// sqlDueForExpiry finds the containers with a right due, through the partial index rights_due
// (migrations/00002), whose WHERE clause the query repeats word for word so that SQLite may use
// it: not deleted, neither Archived (6) nor Expired (8). Only rights within the live window count:
// older ones are no longer part of their container (release.LiveWindow), so an Expire op would
// never see them, and they would come back due in every round.
const sqlDueForExpiry = `SELECT port_lo_code, equipment_number, min(expires_at) AS due FROM rights
WHERE expires_at <= ? AND created_at >= ? AND NOT deleted AND status NOT IN (6, 8)
GROUP BY port_lo_code, equipment_number
ORDER BY due, port_lo_code, equipment_number
LIMIT (SELECT ?)`

// DueForExpiry implements store.Store: up to limit containers (none when limit <= 0) with a right
// due at now, the one due the longest first.
func (s *Store) DueForExpiry(ctx context.Context, now time.Time, limit int) ([]store.ContainerRef, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.r.QueryContext(ctx, sqlDueForExpiry, nanos(now), liveSince(now), limit)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: due for expiry: %w", err)
	}
	defer rows.Close()
	var out []store.ContainerRef
	var due int64
	for rows.Next() {
		var c store.ContainerRef
		if err := rows.Scan(&c.PortLoCode, &c.EquipmentNumber, &due); err != nil {
			return nil, fmt.Errorf("store/sqlite: due for expiry: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store/sqlite: due for expiry: %w", err)
	}
	return out, nil
}
