package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

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

// rightsListSQL is the statement of a rights-list query: its first row is (NULL, the size of the
// whole selection), then (state, 0) for each right of the page, in one statement so that both come
// from one snapshot. The selection has two branches, each through an index of its own (migration
// 00003): the rights the company owns, and those pending to it and owned by another (the core never
// transfers a right to its owner). Both indexes hold (created_at, release_id) in list order and
// cover every condition, so counting and skipping to a page are index-only scans and the two
// ordered branches are merged (Merge Append) without a sort; only the page's rows are read from
// the table. $1 company, $2 port, $3 equipment number ('' for any), $4 limit (NULL: all),
// $5 offset.
func rightsListSQL(ix release.ListIndex) string {
	eq := ""
	if ix.EquipmentNumber != "" {
		eq = " AND equipment_number = $3"
	}
	owned := "owner_id = $1 AND port_lo_code = $2 AND NOT deleted" + eq
	switch {
	case ix.Pending == nil:
	case *ix.Pending:
		owned += " AND pending_to_id IS NOT NULL"
	default:
		owned += " AND pending_to_id IS NULL"
	}
	count := "(SELECT count(*) FROM rights WHERE " + owned + ")"
	page := "SELECT release_id, created_at FROM rights WHERE " + owned
	if ix.Pending == nil || *ix.Pending {
		pendingTo := "pending_to_id = $1 AND port_lo_code = $2 AND NOT deleted AND owner_id <> $1" + eq
		count += " + (SELECT count(*) FROM rights WHERE " + pendingTo + ")"
		page = "(" + page + ") UNION ALL (SELECT release_id, created_at FROM rights WHERE " + pendingTo + ")"
	}
	// "$3 IS NOT NULL" always holds: it gives $3 a type when no branch compares the equipment number.
	return "SELECT NULL::bytea, " + count + ` WHERE $3::text IS NOT NULL
UNION ALL
(SELECT r.state, 0 FROM (` + page + ` ORDER BY created_at, release_id LIMIT $4 OFFSET $5) AS p
JOIN rights AS r ON r.release_id = p.release_id)`
}

// RightsAssignedTo implements store.Store: the rights q.CompanyID owns or has pending in a port,
// deleted ones excepted, as q's ListIndex selects them, one page (or all of them), and how many
// the selection holds.
func (s *Store) RightsAssignedTo(ctx context.Context, q store.RightsQuery) ([]*release.Right, int, error) {
	var limit *int64
	if q.Limit > 0 {
		l := int64(q.Limit)
		limit = &l
	}
	rows, err := s.pool.Query(ctx, rightsListSQL(q.ListIndex), q.CompanyID, q.PortLoCode, normalise(q.EquipmentNumber), limit, int64(max(0, q.Offset)))
	if err != nil {
		return nil, 0, fmt.Errorf("store/postgres: rights assigned: %w", err)
	}
	defer rows.Close()
	var (
		out   []*release.Right
		total int64
	)
	for rows.Next() {
		// DriverBytes points into the connection's buffer: decoded before the next row, no copy.
		var state pgtype.DriverBytes
		var n int64
		if err := rows.Scan(&state, &n); err != nil {
			return nil, 0, fmt.Errorf("store/postgres: rights assigned: %w", err)
		}
		if state == nil {
			total = n
			continue
		}
		r := new(release.Right)
		if err := json.Unmarshal(state, r); err != nil {
			return nil, 0, fmt.Errorf("store/postgres: rights assigned: decode right: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store/postgres: rights assigned: %w", err)
	}
	// The join gives the page's rows in no promised order: put them back in list order.
	slices.SortFunc(out, byCreation)
	return out, int(total), nil
}
