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

// rightsBranches are the two branches of a rights-list selection, each through an index of its
// own (migrations 00006 and 00007): the rights the company owns, and those pending to it and owned
// by another (the core never transfers a right to its owner; pendingTo is "" when ix leaves that
// branch out). Both indexes hold (created_at, release_id) in list order and cover every
// condition, so counting and skipping read index entries only, and the two ordered branches are
// merged without a sort. A whole equipment number goes through the container's index instead (the
// unary + keeps SQLite from taking the company's index for it). ?1 company, ?2 port, ?3 equipment
// number.
func rightsBranches(ix release.ListIndex) (owned, pendingTo string) {
	plus, eq := "", ""
	if ix.EquipmentNumber != "" {
		plus, eq = "+", " AND equipment_number = ?3"
	}
	owned = plus + "owner_id = ?1 AND port_lo_code = ?2 AND NOT deleted" + eq
	switch {
	case ix.Pending == nil:
	case *ix.Pending:
		owned += " AND pending_to_id IS NOT NULL"
	default:
		owned += " AND pending_to_id IS NULL"
	}
	if ix.Pending == nil || *ix.Pending {
		pendingTo = plus + "pending_to_id = ?1 AND port_lo_code = ?2 AND NOT deleted AND owner_id <> ?1" + eq
	}
	return owned, pendingTo
}

// rightsPageSQL reads the state of one page of a selection (?4 limit, -1 for all; ?5 offset),
// in list order or, with desc, from the end: only the page's rows are read from the table.
func rightsPageSQL(ix release.ListIndex, desc bool) string {
	owned, pendingTo := rightsBranches(ix)
	page := "SELECT release_id, created_at FROM rights WHERE " + owned
	if pendingTo != "" {
		page += " UNION ALL SELECT release_id, created_at FROM rights WHERE " + pendingTo
	}
	order := " ORDER BY created_at, release_id"
	if desc {
		order = " ORDER BY created_at DESC, release_id DESC"
	}
	return "SELECT r.state FROM (" + page + order + " LIMIT (SELECT ?4) OFFSET ?5) AS p JOIN rights AS r ON r.release_id = p.release_id"
}

// rightsTotalSQL is the size of a selection: counted on the indexes for one container, read from
// the counts the triggers of 00007 keep for a whole list.
func rightsTotalSQL(ix release.ListIndex) string {
	if ix.EquipmentNumber != "" {
		owned, pendingTo := rightsBranches(ix)
		q := "SELECT (SELECT count(*) FROM rights WHERE " + owned + ")"
		if pendingTo != "" {
			q += " + (SELECT count(*) FROM rights WHERE " + pendingTo + ")"
		}
		return q
	}
	kinds := "0, 1, 2"
	if ix.Pending != nil {
		kinds = "0"
		if *ix.Pending {
			kinds = "1, 2"
		}
	}
	return "SELECT coalesce(sum(n), 0) FROM rights_list_counts WHERE company_id = ?1 AND port_lo_code = ?2 AND kind IN (" + kinds + ") AND ?3 IS NOT NULL"
}

// rightsListSQL holds the statements of every ListIndex shape, built once: the equipment number is
// there or not, Pending is nil, true or false; the total, the page, the page from the end.
var rightsListSQL = func() map[[2]int][3]string {
	t, f := true, false
	m := map[[2]int][3]string{}
	for e, eq := range []string{"", "X"} {
		for p, pending := range []*bool{nil, &t, &f} {
			ix := release.ListIndex{EquipmentNumber: eq, Pending: pending}
			m[[2]int{e, p}] = [3]string{rightsTotalSQL(ix), rightsPageSQL(ix, false), rightsPageSQL(ix, true)}
		}
	}
	return m
}()

func rightsListStatements(ix release.ListIndex) [3]string {
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
	return rightsListSQL[k]
}

// RightsAssignedTo implements store.Store: the rights q.CompanyID owns or has pending in a port,
// deleted ones excepted, as q's ListIndex selects them, one page (or all of them), and how many
// the selection holds. The size and the page are read in one transaction (one snapshot). A page in
// the second half of the list is read from its end: skipping costs index entries, and this way at
// most half of them.
func (s *Store) RightsAssignedTo(ctx context.Context, q store.RightsQuery) ([]*release.Right, int, error) {
	stmts := rightsListStatements(q.ListIndex)
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, fmt.Errorf("store/sqlite: rights assigned: %w", err)
	}
	defer tx.Rollback()
	eq := strings.ToUpper(q.EquipmentNumber)
	var total int
	if err := tx.QueryRowContext(ctx, stmts[0], q.CompanyID, q.PortLoCode, eq).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store/sqlite: rights assigned: count: %w", err)
	}
	offset, limit, page := max(0, q.Offset), q.Limit, stmts[1]
	switch {
	case limit <= 0:
		limit = -1
	case offset >= total:
		return nil, total, nil
	case offset > total/2:
		// From the end: the page is the `limit` rights before the last total-offset-limit.
		offset, page = total-offset-limit, stmts[2]
		if offset < 0 {
			limit, offset = limit+offset, 0
		}
	}
	rows, err := tx.QueryContext(ctx, page, q.CompanyID, q.PortLoCode, eq, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("store/sqlite: rights assigned: %w", err)
	}
	out, err := scanRights(rows)
	if err != nil {
		return nil, 0, fmt.Errorf("store/sqlite: rights assigned: %w", err)
	}
	// The join gives the page's rows in no promised order (and from the end, backwards): put them
	// in list order.
	slices.SortFunc(out, byCreation)
	return out, total, nil
}

// scanRights reads the rights of rows, one stored state (JSON) a row, and closes rows.
func scanRights(rows *sql.Rows) ([]*release.Right, error) {
	defer rows.Close()
	var out []*release.Right
	var state sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&state); err != nil {
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
