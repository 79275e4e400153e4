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

// stakeholderSQL builds the count and the page of a console selection, and their arguments (only
// those the statements use: PostgreSQL cannot type a parameter it never sees). A company's list is
// its rows of the stakeholders table (00010: one per company that sees a release, by
// release.Right.Stakeholders), an index-only scan of stakeholders_list in list order with the
// status and terminal filters on its included columns, stopped after the page (or the count's
// limit). Waiting for me reads the rights pending to the company (00003's index): a pending-to
// party is a stakeholder. A search reads the container's index (00001) for an equipment number,
// bills_of_lading for a whole bill of lading, and keeps the releases the company has a row of.
func stakeholderSQL(q store.StakeholderQuery, billOfLading bool) (count, page string, args []any) {
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	company, port := arg(q.CompanyID), arg(q.PortLoCode)
	var filter string
	if q.Status != release.StatusUnknown {
		filter += " AND status = " + arg(int16(q.Status))
	}
	if q.TerminalCode != "" {
		filter += " AND terminal_code = " + arg(q.TerminalCode)
	}
	order := " ORDER BY created_at DESC, release_id DESC"
	if q.OldestFirst {
		order = " ORDER BY created_at, release_id"
	}
	var from string
	switch search := strings.TrimSpace(q.Search); {
	case search == "" && !q.WaitingForMe:
		from = "stakeholders WHERE company_id = " + company + " AND port_lo_code = " + port + filter
	case search == "":
		from = "rights WHERE pending_to_id = " + company + " AND port_lo_code = " + port + " AND NOT deleted" + filter
	default:
		from = "rights WHERE port_lo_code = " + port
		if billOfLading {
			from += " AND release_id IN (SELECT release_id FROM bills_of_lading WHERE port_lo_code = " + port + " AND bill_of_lading = " + arg(search) + ")"
		} else if eq := strings.ToUpper(search); len(eq) == 11 {
			from += " AND equipment_number = " + arg(eq)
		} else {
			from += " AND equipment_number LIKE " + arg(strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(eq)+"%")
		}
		from += " AND NOT deleted" + filter +
			" AND EXISTS (SELECT 1 FROM stakeholders AS s WHERE s.release_id = rights.release_id AND s.company_id = " + company + ")"
		if q.WaitingForMe {
			from += " AND pending_to_id = " + company
		}
	}
	count = "SELECT count(*) FROM " + from
	if q.CountUpTo > 0 {
		count = "SELECT count(*) FROM (SELECT 1 FROM " + from + " LIMIT " + strconv.Itoa(q.CountUpTo) + ") AS s"
	}
	// $n+1 limit (NULL: all), $n+2 offset.
	n := len(args)
	page = "SELECT r.state FROM (SELECT release_id FROM " + from + order + " LIMIT $" + strconv.Itoa(n+1) + " OFFSET $" + strconv.Itoa(n+2) +
		") AS p JOIN rights AS r ON r.release_id = p.release_id"
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
	search := strings.TrimSpace(q.Search)
	count, page, args := stakeholderSQL(q, search != "" && !store.LooksLikeEquipment(search))
	var total int
	if err := tx.QueryRow(ctx, count, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store/postgres: stakeholder rights: count: %w", err)
	}
	if total == 0 && search != "" && store.LooksLikeEquipment(search) {
		count, page, args = stakeholderSQL(q, true)
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
