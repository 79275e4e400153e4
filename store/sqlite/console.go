package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// stakeholderSQL builds the count and the page of a console selection, for a company operating
// the terminals codes. The page is the UNION of one branch per way of being a stakeholder (owned,
// pending to, originated, at each operated terminal), each read from an index in list order (00007,
// 00009), so that SQLite merges them and stops after the page. The count is one pass over the same
// indexes joined by OR (SQLite unions their row ids), far cheaper than counting the UNION, which
// sorts every (release_id, created_at) pair to drop those found twice. ?1 company, ?2 port, ?3
// status, ?4 terminal code, ?5 equipment number, ?6 bill of lading, ?7 limit, ?8 offset (the count's limit, when counting), ?9... the
// operated terminals' codes.
func stakeholderSQL(q store.StakeholderQuery, codes []string, billOfLading bool) (count, page string) {
	cond := " AND port_lo_code = ?2 AND NOT deleted"
	if q.Status != release.StatusUnknown {
		cond += " AND status = ?3"
	}
	if q.TerminalCode != "" {
		cond += " AND terminal_code = ?4"
	}
	branches := []string{"pending_to_id = ?1"}
	if !q.WaitingForMe {
		branches = append(branches, "owner_id = ?1", "originator_id = ?1")
		for i := range codes {
			branches = append(branches, fmt.Sprintf("terminal_code = ?%d", 9+i))
		}
	}
	sel := make([]string, len(branches))
	for i, b := range branches {
		sel[i] = "SELECT release_id, created_at FROM rights WHERE " + b + cond
	}
	if q.Search != "" {
		return searchSQL(q, branches, cond, billOfLading || !store.LooksLikeEquipment(q.Search))
	}
	union := strings.Join(sel, " UNION ")
	order := " ORDER BY created_at DESC, release_id DESC"
	if q.OldestFirst {
		order = " ORDER BY created_at, release_id"
	}
	count = "SELECT count(*) FROM (SELECT 1 FROM rights WHERE (" + strings.Join(branches, " OR ") + ")" + cond + " LIMIT ?8)"
	page = "SELECT r.state FROM (" + union + order + " LIMIT ?7 OFFSET ?8) AS p JOIN rights AS r ON r.release_id = p.release_id"
	return count, page
}

// searchSQL is the count and the page of a search. What looks like an equipment number (or its
// beginning) is found through the container's index (00001), a range of equipment numbers, the
// branches then only filtering it (the unary + keeps SQLite from driving the search by a branch's
// index); anything else is a bill of lading, looked for whole in the rights of the branches (a
// substring test of the state first, its JSON only where that matches): a scan of the company's
// releases, which a table of bills of lading would spare. A bill of lading that looks like an
// equipment number is looked for when no equipment number matched.
func searchSQL(q store.StakeholderQuery, branches []string, cond string, billOfLading bool) (count, page string) {
	var where string
	if !billOfLading {
		plus := make([]string, len(branches))
		for i, b := range branches {
			plus[i] = "+" + b
		}
		where = "port_lo_code = ?2 AND equipment_number >= ?5 AND equipment_number < ?5 || char(1114111) AND (" + strings.Join(plus, " OR ") + ")" + cond
	} else {
		where = "(" + strings.Join(branches, " OR ") + ")" + cond +
			` AND instr(state, ?6) > 0 AND EXISTS (SELECT 1 FROM json_each(rights.state, '$.key.billOfLadingNumbers') WHERE value = ?6)`
	}
	order := " ORDER BY created_at DESC, release_id DESC"
	if q.OldestFirst {
		order = " ORDER BY created_at, release_id"
	}
	return "SELECT count(*) FROM (SELECT 1 FROM rights WHERE " + where + " LIMIT ?8)", "SELECT state FROM rights WHERE " + where + order + " LIMIT ?7 OFFSET ?8"
}

// StakeholderRights implements store.Store (store/console.go); the count and the page come from
// one read transaction.
func (s *Store) StakeholderRights(ctx context.Context, q store.StakeholderQuery) ([]*release.Right, int, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, fmt.Errorf("store/sqlite: stakeholder rights: %w", err)
	}
	defer tx.Rollback()
	codes, err := operatedTerminals(ctx, tx, q.CompanyID, q.PortLoCode)
	if err != nil {
		return nil, 0, err
	}
	count, page := stakeholderSQL(q, codes, false)
	args := []any{q.CompanyID, q.PortLoCode, int(q.Status), q.TerminalCode, strings.ToUpper(strings.TrimSpace(q.Search)), strings.TrimSpace(q.Search), 0, 0}
	for _, c := range codes {
		args = append(args, c)
	}
	var total int
	args[7] = -1 // the count's LIMIT
	if q.CountUpTo > 0 {
		args[7] = q.CountUpTo
	}
	if err := tx.QueryRowContext(ctx, count, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store/sqlite: stakeholder rights: count: %w", err)
	}
	if total == 0 && q.Search != "" && store.LooksLikeEquipment(q.Search) {
		count, page = stakeholderSQL(q, codes, true)
		if err := tx.QueryRowContext(ctx, count, args...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("store/sqlite: stakeholder rights: count: %w", err)
		}
	}
	limit := q.Limit
	switch {
	case limit < 0 || (q.Offset >= total && (q.CountUpTo <= 0 || total < q.CountUpTo)):
		return nil, total, nil
	case limit == 0:
		limit = -1
	}
	args[6], args[7] = limit, max(0, q.Offset)
	rows, err := tx.QueryContext(ctx, page, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store/sqlite: stakeholder rights: %w", err)
	}
	out, err := scanRights(rows)
	if err != nil {
		return nil, 0, fmt.Errorf("store/sqlite: stakeholder rights: %w", err)
	}
	// The join gives the page's rows in no promised order.
	slices.SortFunc(out, byCreation)
	if !q.OldestFirst {
		slices.Reverse(out)
	}
	return out, total, nil
}

// operatedTerminals returns the codes of the terminals of a port a company operates.
func operatedTerminals(ctx context.Context, tx *sql.Tx, company, port string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT code FROM terminals WHERE operator_id = ? AND port_lo_code = ? ORDER BY code`, company, port)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: stakeholder rights: terminals: %w", err)
	}
	defer rows.Close()
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("store/sqlite: stakeholder rights: terminals: %w", err)
		}
		codes = append(codes, c)
	}
	return codes, rows.Err()
}
