package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/portlight/portlight/release"
)

// sqlContainer loads every right of a container created since a time: the live window. Deleted
// rights are loaded too; the core skips them itself.
const sqlContainer = `SELECT state FROM rights
WHERE port_lo_code = ? AND equipment_number = ? AND created_at >= ?
ORDER BY created_at, release_id`

// loadContainer runs sqlContainer with st (on the writer inside a transaction, or on the readers).
func loadContainer(ctx context.Context, st *sql.Stmt, port, equipment string, since int64) (*release.Container, error) {
	rows, err := st.QueryContext(ctx, port, equipment, since)
	if err != nil {
		return nil, fmt.Errorf("load container: %w", err)
	}
	c := &release.Container{PortLoCode: port, EquipmentNumber: equipment}
	if c.Rights, err = scanRights(rows, 1); err != nil {
		return nil, fmt.Errorf("load container: %w", err)
	}
	return c, nil
}

// scanRights decodes the state column (the first of cols) of every row and closes rows.
func scanRights(rows *sql.Rows, cols int) ([]*release.Right, error) {
	defer rows.Close()
	var out []*release.Right
	var state sql.RawBytes
	var ignored any
	dest := []any{&state}
	for range cols - 1 {
		dest = append(dest, &ignored)
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		r := new(release.Right)
		if err := json.Unmarshal(state, r); err != nil {
			return nil, fmt.Errorf("decode right: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Container implements store.Store: the rights of the container created within release.LiveWindow
// before now.
func (s *Store) Container(ctx context.Context, portLoCode, equipmentNumber string, now time.Time) (*release.Container, error) {
	eq := strings.ToUpper(strings.TrimSpace(equipmentNumber))
	c, err := loadContainer(ctx, s.read, portLoCode, eq, liveSince(now))
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: %w", err)
	}
	return c, nil
}

// sqlRightsAssignedTo reads the rights owned by a company, then those pending to it (and owned by
// another: the core never transfers a right to its owner), each branch through its own index.
const sqlRightsAssignedTo = `SELECT state, created_at, release_id FROM rights
WHERE owner_id = ? AND port_lo_code = ? AND NOT deleted
UNION ALL
SELECT state, created_at, release_id FROM rights
WHERE pending_to_id = ? AND port_lo_code = ? AND NOT deleted AND owner_id <> ?
ORDER BY created_at, release_id`

// RightsAssignedTo implements store.Store: the rights companyID owns or has pending in a port,
// deleted ones excepted.
func (s *Store) RightsAssignedTo(ctx context.Context, companyID, portLoCode string) ([]*release.Right, error) {
	rows, err := s.r.QueryContext(ctx, sqlRightsAssignedTo, companyID, portLoCode, companyID, portLoCode, companyID)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: rights assigned: %w", err)
	}
	out, err := scanRights(rows, 3)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: rights assigned: %w", err)
	}
	return out, nil
}
