package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/portlight/portlight/release"
)

// scanRights decodes the state column (the first) of every row and closes rows. The rights come
// oldest first, by creation time and then release id, to the nanosecond (the columns keep
// microseconds): the core breaks ties on that order (release.Container.Find).
func scanRights(rows pgx.Rows) ([]*release.Right, error) {
	defer rows.Close()
	var out []*release.Right
	for rows.Next() {
		// DriverBytes points into the connection's buffer: decoded before the next row, no copy.
		var state pgtype.DriverBytes
		if err := rows.Scan(&state); err != nil {
			return nil, err
		}
		r := new(release.Right)
		if err := json.Unmarshal(state, r); err != nil {
			return nil, fmt.Errorf("decode right: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !slices.IsSortedFunc(out, byCreation) {
		slices.SortFunc(out, byCreation)
	}
	return out, nil
}

// sqlContainer reads a container's facts and live rights in one statement, so that both come from
// the same snapshot.
const sqlContainer = `SELECT 0, facts FROM containers WHERE port_lo_code = $1 AND equipment_number = $2
UNION ALL
SELECT 1, state FROM rights WHERE port_lo_code = $1 AND equipment_number = $2 AND created_at >= $3`

// Container implements store.Store: the facts of the container and its rights created within
// release.LiveWindow before now (an unknown container is one without rights or facts).
func (s *Store) Container(ctx context.Context, portLoCode, equipmentNumber string, now time.Time) (*release.Container, error) {
	eq := normalise(equipmentNumber)
	since := liveSince(now)
	rows, err := s.pool.Query(ctx, sqlContainer, portLoCode, eq, since)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: container: %w", err)
	}
	defer rows.Close()
	c := &release.Container{PortLoCode: portLoCode, EquipmentNumber: eq}
	for rows.Next() {
		var kind int
		var doc pgtype.DriverBytes
		if err := rows.Scan(&kind, &doc); err != nil {
			return nil, fmt.Errorf("store/postgres: container: %w", err)
		}
		switch {
		case kind == 0 && doc != nil:
			if err := json.Unmarshal(doc, &c.Facts); err != nil {
				return nil, fmt.Errorf("store/postgres: container: decode facts: %w", err)
			}
		case kind == 1:
			r := new(release.Right)
			if err := json.Unmarshal(doc, r); err != nil {
				return nil, fmt.Errorf("store/postgres: container: decode right: %w", err)
			}
			// The column keeps microseconds: the state decides to the nanosecond.
			if !r.CreatedAt.Before(since) {
				c.Rights = append(c.Rights, r)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store/postgres: container: %w", err)
	}
	slices.SortFunc(c.Rights, byCreation)
	return c, nil
}

// sqlRightsAssignedTo reads the rights owned by a company, then those pending to it (and owned by
// another: the core never transfers a right to its owner), each branch through its own index.
// scanRights puts them in order.
const sqlRightsAssignedTo = `SELECT state FROM rights
WHERE owner_id = $1 AND port_lo_code = $2 AND NOT deleted
UNION ALL
SELECT state FROM rights
WHERE pending_to_id = $1 AND port_lo_code = $2 AND NOT deleted AND owner_id <> $1`

// RightsAssignedTo implements store.Store: the rights companyID owns or has pending in a port,
// deleted ones excepted.
func (s *Store) RightsAssignedTo(ctx context.Context, companyID, portLoCode string) ([]*release.Right, error) {
	rows, err := s.pool.Query(ctx, sqlRightsAssignedTo, companyID, portLoCode)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: rights assigned: %w", err)
	}
	out, err := scanRights(rows)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: rights assigned: %w", err)
	}
	return out, nil
}
