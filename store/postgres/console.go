package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// stakeholderSQL builds the count and the page of a console selection and their arguments (only
// those the statement uses: PostgreSQL cannot type a parameter it never sees). Each branch (owned,
// pending to, originated, at an operated terminal) reads an index of its own in list order (00003,
// 00006); UNION drops a release found by two branches.
func stakeholderSQL(q store.StakeholderQuery) (count, page string, args []any) {
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	company, port := arg(q.CompanyID), arg(q.PortLoCode)
	cond := " AND port_lo_code = " + port + " AND NOT deleted"
	if q.Status != release.StatusUnknown {
		cond += " AND status = " + arg(int16(q.Status))
	}
	if q.TerminalCode != "" {
		cond += " AND terminal_code = " + arg(q.TerminalCode)
	}
	if search := strings.TrimSpace(q.Search); search != "" {
		prefix := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToUpper(search)) + "%"
		cond += " AND (equipment_number LIKE " + arg(prefix) +
			" OR convert_from(state, 'UTF8')::jsonb -> 'key' -> 'billOfLadingNumbers' ? " + arg(search) + ")"
	}
	branches := []string{"pending_to_id = " + company}
	if !q.WaitingForMe {
		branches = append(branches, "owner_id = "+company, "originator_id = "+company,
			"terminal_code IN (SELECT code FROM terminals WHERE operator_id = "+company+" AND port_lo_code = "+port+")")
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
	count = "SELECT count(*) FROM (" + union + ") AS s"
	if q.CountUpTo > 0 {
		count = "SELECT count(*) FROM (" + union + " LIMIT " + strconv.Itoa(q.CountUpTo) + ") AS s"
	}
	page = "SELECT r.state FROM (" + union + order + " LIMIT $" + strconv.Itoa(len(args)+1) + " OFFSET $" + strconv.Itoa(len(args)+2) +
		") AS p JOIN rights AS r ON r.release_id = p.release_id"
	return count, page, args
}

// StakeholderRights implements store.Store (store/console.go); the count and the page come from
// one repeatable-read transaction (one snapshot).
func (s *Store) StakeholderRights(ctx context.Context, q store.StakeholderQuery) ([]*release.Right, int, error) {
	count, page, args := stakeholderSQL(q)
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, 0, fmt.Errorf("store/postgres: stakeholder rights: %w", err)
	}
	defer tx.Rollback(ctx)
	var total int
	if err := tx.QueryRow(ctx, count, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store/postgres: stakeholder rights: count: %w", err)
	}
	if q.Limit < 0 || (q.Offset >= total && (q.CountUpTo <= 0 || total < q.CountUpTo)) {
		return nil, total, nil
	}
	var limit any // NULL: LIMIT ALL
	if q.Limit > 0 {
		limit = q.Limit
	}
	rows, err := tx.Query(ctx, page, append(args, limit, max(0, q.Offset))...)
	if err != nil {
		return nil, 0, fmt.Errorf("store/postgres: stakeholder rights: %w", err)
	}
	defer rows.Close()
	var out []*release.Right
	for rows.Next() {
		var doc pgtype.DriverBytes
		if err := rows.Scan(&doc); err != nil {
			return nil, 0, fmt.Errorf("store/postgres: stakeholder rights: %w", err)
		}
		r := new(release.Right)
		if err := json.Unmarshal(doc, r); err != nil {
			return nil, 0, fmt.Errorf("store/postgres: stakeholder rights: decode right: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store/postgres: stakeholder rights: %w", err)
	}
	slices.SortFunc(out, byCreation)
	if !q.OldestFirst {
		slices.Reverse(out)
	}
	return out, total, nil
}
