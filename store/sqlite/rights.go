package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/portlight/portlight/release"
)

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
