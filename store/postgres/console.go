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

// stakeholderSQL builds the count and the page of a console selection, for a company operating
// the terminals codes, and their arguments (only those the statements use: PostgreSQL cannot type
// a parameter it never sees). There is one branch per way of being a stakeholder (owned, pending
// to, originated, at each operated terminal), each read from an index in list order (00003,
// 00006) and cut to the rows a page (or a count up to CountUpTo) can need from it, so that the
// UNION, which drops a release found twice, sorts a few rows rather than the company's whole list.
func stakeholderSQL(q store.StakeholderQuery, codes []string, billOfLading bool) (count, page string, args []any) {
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	company, port := arg(q.CompanyID), arg(q.PortLoCode)
	cond := " AND port_lo_code = " + port + " AND NOT deleted"
	if q.Status != release.StatusUnknown {
		cond += " AND status = " + arg(int16(q.Status))
	}
	if q.TerminalCode != "" {
		cond += " AND terminal_code = " + arg(q.TerminalCode)
	}
	// col names a column a branch selects by; a search by equipment number reads the container's
	// index (00001) instead, the branches' columns made unindexable (|| ”) so that the planner
	// does not walk a branch's whole index in list order looking for the few that match.
	col := func(c string) string { return c }
	search := strings.TrimSpace(q.Search)
	if search != "" && !billOfLading {
		col = func(c string) string { return c + " || ''" }
		if eq := strings.ToUpper(search); len(eq) == 11 {
			cond += " AND equipment_number = " + arg(eq)
		} else {
			cond += " AND equipment_number LIKE " + arg(strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(eq)+"%")
		}
	} else if search != "" {
		// A bill of lading, whole: a byte search of the state first, its JSON only where that matches.
		b := arg(search)
		cond += " AND position(convert_to(" + b + "::text, 'UTF8') in state) > 0 AND convert_from(state, 'UTF8')::jsonb -> 'key' -> 'billOfLadingNumbers' ? " + b + "::text"
	}
	branches := []string{col("pending_to_id") + " = " + company}
	if !q.WaitingForMe {
		branches = append(branches, col("owner_id")+" = "+company, col("originator_id")+" = "+company)
		for _, c := range codes {
			branches = append(branches, col("terminal_code")+" = "+arg(c))
		}
	}
	order := " ORDER BY created_at DESC, release_id DESC"
	if q.OldestFirst {
		order = " ORDER BY created_at, release_id"
	}
	union := func(cut string) string {
		sel := make([]string, len(branches))
		for i, b := range branches {
			sel[i] = "(SELECT release_id, created_at FROM rights WHERE " + b + cond + order + cut + ")"
		}
		return strings.Join(sel, " UNION ")
	}
	count = "SELECT count(*) FROM (" + union("") + ") AS s"
	if q.CountUpTo > 0 {
		// Each branch cut at CountUpTo: if one holds that many, so does the whole; if none does,
		// every branch is whole and so is the count.
		count = "SELECT LEAST(count(*), " + strconv.Itoa(q.CountUpTo) + ") FROM (" + union(" LIMIT "+strconv.Itoa(q.CountUpTo)) + ") AS s"
	}
	// $n+1 limit, $n+2 offset: each branch gives at most limit+offset rows (all, with no limit).
	n := len(args)
	lim, off := "$"+strconv.Itoa(n+1), "$"+strconv.Itoa(n+2)
	page = "SELECT r.state FROM (SELECT release_id FROM (" + union(" LIMIT "+lim+"::bigint + "+off+"::bigint") + ") AS u" + order +
		" LIMIT " + lim + " OFFSET " + off + ") AS p JOIN rights AS r ON r.release_id = p.release_id"
	return count, page, args
}

// StakeholderRights implements store.Store (store/console.go); the count and the page come from
// one repeatable-read transaction (one snapshot).
func (s *Store) StakeholderRights(ctx context.Context, q store.StakeholderQuery) ([]*release.Right, int, error) {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, 0, fmt.Errorf("store/postgres: stakeholder rights: %w", err)
	}
	defer tx.Rollback(ctx)
	var codes []string
	rows0, err := tx.Query(ctx, `SELECT code FROM terminals WHERE operator_id = $1 AND port_lo_code = $2 ORDER BY code`, q.CompanyID, q.PortLoCode)
	if err == nil {
		codes, err = pgx.CollectRows(rows0, pgx.RowTo[string])
	}
	if err != nil {
		return nil, 0, fmt.Errorf("store/postgres: stakeholder rights: terminals: %w", err)
	}
	search := strings.TrimSpace(q.Search)
	count, page, args := stakeholderSQL(q, codes, search != "" && !store.LooksLikeEquipment(search))
	var total int
	if err := tx.QueryRow(ctx, count, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store/postgres: stakeholder rights: count: %w", err)
	}
	if total == 0 && search != "" && store.LooksLikeEquipment(search) {
		count, page, args = stakeholderSQL(q, codes, true)
		if err := tx.QueryRow(ctx, count, args...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("store/postgres: stakeholder rights: count: %w", err)
		}
	}
	if q.Limit < 0 || (q.Offset >= total && (q.CountUpTo <= 0 || total < q.CountUpTo)) {
		return nil, total, nil
	}
	var limit any // NULL: LIMIT ALL (and NULL + offset: every row of each branch)
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
