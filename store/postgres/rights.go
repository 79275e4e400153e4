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

// rightsBranches are the two branches of a rights-list selection, each through an index of its
// own (migration 00003): the rights the company owns, and those pending to it and owned by another
// (the core never transfers a right to its owner; pendingTo is "" when ix leaves that branch out).
// Both indexes hold (created_at, release_id) in list order and cover every condition, so counting
// and skipping are index-only scans and each branch is read in list order (rightsListSQL). $1 company, $2 port, $3 equipment number (” for any).
func rightsBranches(ix release.ListIndex) (owned, pendingTo string) {
	eq := ""
	if ix.EquipmentNumber != "" {
		eq = " AND equipment_number = $3"
	}
	owned = "owner_id = $1 AND port_lo_code = $2 AND NOT deleted" + eq
	switch {
	case ix.Pending == nil:
	case *ix.Pending:
		owned += " AND pending_to_id IS NOT NULL"
	default:
		owned += " AND pending_to_id IS NULL"
	}
	if ix.Pending == nil || *ix.Pending {
		pendingTo = "pending_to_id = $1 AND port_lo_code = $2 AND NOT deleted AND owner_id <> $1" + eq
	}
	return owned, pendingTo
}

// rightsListSQL returns the statements of a selection: its size, and the state of one page ($4
// limit, NULL for all; $5 offset) in list order and from the end. The size of one container's
// selection is counted on the indexes, that of a whole list read from the counts the triggers of
// 00004 keep. "$3 IS NOT NULL" always holds: it gives $3 a type when no branch compares the
// equipment number (PostgreSQL refuses a parameter it cannot type).
//
// A page of two branches takes the first offset+limit entries of each, in order, then sorts those:
// PostgreSQL 15 does not merge the two ordered index scans of a UNION ALL (it reads and sorts both
// branches whole, 100 ms for a first page of a list of 250,000), and a branch's own ORDER BY ...
// LIMIT is read off its index. Only the page's rows are read from the table.
func rightsListSQL(ix release.ListIndex) (count, page, pageFromEnd string) {
	owned, pendingTo := rightsBranches(ix)
	if ix.EquipmentNumber == "" {
		kinds := "0, 1, 2"
		if ix.Pending != nil {
			kinds = "0"
			if *ix.Pending {
				kinds = "1, 2"
			}
		}
		count = "SELECT coalesce(sum(n), 0) FROM rights_list_counts WHERE company_id = $1 AND port_lo_code = $2 AND kind IN (" +
			kinds + ") AND $3::text IS NOT NULL"
	} else {
		count = "SELECT (SELECT count(*) FROM rights WHERE " + owned + ")"
		if pendingTo != "" {
			count += " + (SELECT count(*) FROM rights WHERE " + pendingTo + ")"
		}
		count += " WHERE $3::text IS NOT NULL"
	}
	pageOf := func(order string) string {
		branch := func(where string) string {
			return "SELECT release_id, created_at FROM rights WHERE " + where + " ORDER BY " + order
		}
		sel := branch(owned) + " LIMIT $4 OFFSET $5"
		if pendingTo != "" {
			sel = "SELECT release_id, created_at FROM ((" + branch(owned) + " LIMIT $4::bigint + $5::bigint) UNION ALL (" +
				branch(pendingTo) + " LIMIT $4::bigint + $5::bigint)) AS u ORDER BY " + order + " LIMIT $4 OFFSET $5"
		}
		return "SELECT r.state FROM (" + sel + ") AS p JOIN rights AS r ON r.release_id = p.release_id WHERE $3::text IS NOT NULL"
	}
	return count, pageOf("created_at, release_id"), pageOf("created_at DESC, release_id DESC")
}

// RightsAssignedTo implements store.Store: the rights q.CompanyID owns or has pending in a port,
// deleted ones excepted, as q's ListIndex selects them, one page (or all of them), and how many
// the selection holds. The size and the page are read in one read-only repeatable-read
// transaction (one snapshot). A page in the second half of the list is read from its end:
// skipping costs index entries, and this way at most half of them.
func (s *Store) RightsAssignedTo(ctx context.Context, q store.RightsQuery) ([]*release.Right, int, error) {
	countSQL, pageSQL, fromEndSQL := rightsListSQL(q.ListIndex)
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, 0, fmt.Errorf("store/postgres: rights assigned: %w", err)
	}
	defer tx.Rollback(ctx)
	eq := normalise(q.EquipmentNumber)
	var total int64
	if err := tx.QueryRow(ctx, countSQL, q.CompanyID, q.PortLoCode, eq).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store/postgres: rights assigned: count: %w", err)
	}
	var limit *int64
	offset := int64(max(0, q.Offset))
	if q.Limit > 0 {
		l := int64(q.Limit)
		limit = &l
		switch {
		case offset >= total:
			return nil, int(total), tx.Commit(ctx)
		case offset > total/2:
			// From the end: the page is the `limit` rights before the last total-offset-limit.
			offset, pageSQL = total-offset-l, fromEndSQL
			if offset < 0 {
				l, offset = l+offset, 0
			}
		}
	}
	rows, err := tx.Query(ctx, pageSQL, q.CompanyID, q.PortLoCode, eq, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("store/postgres: rights assigned: %w", err)
	}
	defer rows.Close()
	var out []*release.Right
	for rows.Next() {
		// DriverBytes points into the connection's buffer: decoded before the next row, no copy.
		var state pgtype.DriverBytes
		if err := rows.Scan(&state); err != nil {
			return nil, 0, fmt.Errorf("store/postgres: rights assigned: %w", err)
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
	// The join gives the page's rows in no promised order (and from the end, backwards): put them
	// in list order.
	slices.SortFunc(out, byCreation)
	return out, int(total), tx.Commit(ctx)
}
