package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// rightsListSQL is the statement of a rights-list query: its first row is (0, NULL, the size of
// the whole selection), then (1, state) for each right of the page, in one statement so that both
// come from one snapshot. The selection has two branches, each through an index of its own
// (migration 00006): the rights the company owns, and those pending to it and owned by another
// (the core never transfers a right to its owner). Both indexes hold (created_at, release_id) in
// list order and cover every condition, so counting and skipping to a page read index entries only,
// and the two ordered branches are merged without a sort; only the page's rows are read from the
// table. A whole equipment number goes through the container's index instead (the unary + keeps
// SQLite from taking the company's index for it). ?1 company, ?2 port, ?3 equipment number,
// ?4 limit (-1: all), ?5 offset.
func rightsListSQL(ix release.ListIndex) string {
	plus, eq := "", ""
	if ix.EquipmentNumber != "" {
		plus, eq = "+", " AND equipment_number = ?3"
	}
	owned := plus + "owner_id = ?1 AND port_lo_code = ?2 AND NOT deleted" + eq
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
		pendingTo := plus + "pending_to_id = ?1 AND port_lo_code = ?2 AND NOT deleted AND owner_id <> ?1" + eq
		count += " + (SELECT count(*) FROM rights WHERE " + pendingTo + ")"
		page += " UNION ALL SELECT release_id, created_at FROM rights WHERE " + pendingTo
	}
	return "SELECT 0, NULL, " + count + `
UNION ALL
SELECT 1, r.state, 0 FROM (` + page + ` ORDER BY created_at, release_id LIMIT ?4 OFFSET ?5) AS p
JOIN rights AS r ON r.release_id = p.release_id`
}

// rightsListQueries are the statements of every ListIndex shape, built once: the equipment number
// is there or not, Pending is nil, true or false.
var rightsListQueries = func() map[[2]int]string {
	t, f := true, false
	m := map[[2]int]string{}
	for e, eq := range []string{"", "X"} {
		for p, pending := range []*bool{nil, &t, &f} {
			m[[2]int{e, p}] = rightsListSQL(release.ListIndex{EquipmentNumber: eq, Pending: pending})
		}
	}
	return m
}()

func rightsListQuery(ix release.ListIndex) string {
	var k [2]int
	if ix.EquipmentNumber != "" {
		k[0] = 1
	}
	if ix.Pending != nil {
		k[1] = 1
		if !*ix.Pending {
			k[1] = 2
		}
	}
	return rightsListQueries[k]
}

// RightsAssignedTo implements store.Store: the rights q.CompanyID owns or has pending in a port,
// deleted ones excepted, as q's ListIndex selects them, one page (or all of them), and how many
// the selection holds.
func (s *Store) RightsAssignedTo(ctx context.Context, q store.RightsQuery) ([]*release.Right, int, error) {
	limit := int64(q.Limit)
	if limit <= 0 {
		limit = -1
	}
	rows, err := s.r.QueryContext(ctx, rightsListQuery(q.ListIndex), q.CompanyID, q.PortLoCode,
		strings.ToUpper(q.EquipmentNumber), limit, max(0, q.Offset))
	if err != nil {
		return nil, 0, fmt.Errorf("store/sqlite: rights assigned: %w", err)
	}
	defer rows.Close()
	var (
		out   []*release.Right
		total int
		row   struct {
			kind  int
			state sql.RawBytes
			n     int
		}
	)
	for rows.Next() {
		if err := rows.Scan(&row.kind, &row.state, &row.n); err != nil {
			return nil, 0, fmt.Errorf("store/sqlite: rights assigned: %w", err)
		}
		if row.kind == 0 {
			total = row.n
			continue
		}
		r := new(release.Right)
		if err := json.Unmarshal(row.state, r); err != nil {
			return nil, 0, fmt.Errorf("store/sqlite: rights assigned: decode right: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store/sqlite: rights assigned: %w", err)
	}
	// The join gives the page's rows in no promised order: put them back in list order.
	slices.SortFunc(out, byCreation)
	return out, total, nil
}
