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

// stakeholderSQL builds the count and the page of a console selection. Each branch (owned, pending
// to, originated, at an operated terminal) reads an index of its own in list order (00007, 00009);
// UNION drops a release found by two branches. ?1 company, ?2 port, ?3 status, ?4 terminal code,
// ?5 equipment number prefix, ?6 bill of lading, ?7 limit, ?8 offset.
func stakeholderSQL(q store.StakeholderQuery) (count, page string) {
	cond := " AND port_lo_code = ?2 AND NOT deleted"
	if q.Status != release.StatusUnknown {
		cond += " AND status = ?3"
	}
	if q.TerminalCode != "" {
		cond += " AND terminal_code = ?4"
	}
	if q.Search != "" {
		cond += ` AND (equipment_number LIKE ?5 || '%' ESCAPE '\' OR EXISTS (SELECT 1 FROM json_each(rights.state, '$.key.billOfLadingNumbers') WHERE value = ?6))`
	}
	branches := []string{"pending_to_id = ?1"}
	if !q.WaitingForMe {
		branches = append(branches, "owner_id = ?1", "originator_id = ?1",
			"terminal_code IN (SELECT code FROM terminals WHERE operator_id = ?1 AND port_lo_code = ?2)")
	}
	sel := make([]string, len(branches))
	for i, b := range branches {
		sel[i] = "SELECT release_id, created_at FROM rights WHERE " + b + cond
	}
	union := strings.Join(sel, " UNION ")
	order := " ORDER BY created_at DESC, release_id DESC"
	if q.OldestFirst {
		order = " ORDER BY created_at, release_id"
	}
	count = "SELECT count(*) FROM (" + union + ")"
	page = "SELECT r.state FROM (" + union + order + " LIMIT ?7 OFFSET ?8) AS p JOIN rights AS r ON r.release_id = p.release_id"
	return count, page
}

// StakeholderRights implements store.Store (store/console.go); the count and the page come from
// one read transaction.
func (s *Store) StakeholderRights(ctx context.Context, q store.StakeholderQuery) ([]*release.Right, int, error) {
	count, page := stakeholderSQL(q)
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, fmt.Errorf("store/sqlite: stakeholder rights: %w", err)
	}
	defer tx.Rollback()
	search := strings.ToUpper(strings.TrimSpace(q.Search))
	prefix := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(search)
	args := []any{q.CompanyID, q.PortLoCode, int(q.Status), q.TerminalCode, prefix, strings.TrimSpace(q.Search)}
	var total int
	if err := tx.QueryRowContext(ctx, count, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store/sqlite: stakeholder rights: count: %w", err)
	}
	limit := q.Limit
	switch {
	case limit < 0 || q.Offset >= total:
		return nil, total, nil
	case limit == 0:
		limit = -1
	}
	rows, err := tx.QueryContext(ctx, page, append(args, limit, max(0, q.Offset))...)
	if err != nil {
		return nil, 0, fmt.Errorf("store/sqlite: stakeholder rights: %w", err)
	}
	defer rows.Close()
	var out []*release.Right
	var state sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&state); err != nil {
			return nil, 0, fmt.Errorf("store/sqlite: stakeholder rights: %w", err)
		}
		r := new(release.Right)
		if err := json.Unmarshal(state, r); err != nil {
			return nil, 0, fmt.Errorf("store/sqlite: stakeholder rights: decode right: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store/sqlite: stakeholder rights: %w", err)
	}
	// The join gives the page's rows in no promised order.
	slices.SortFunc(out, byCreation)
	if !q.OldestFirst {
		slices.Reverse(out)
	}
	return out, total, nil
}
