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

// stakeholderSQL builds the count and the page of a console selection. A company's list is its
// rows of the stakeholders table (00013: one per company that sees a release, by
// release.Right.Stakeholders), read from stakeholders_list in list order with the status and
// terminal filters on the index entries, so that SQLite stops after the page (or the count's
// limit). Waiting for me reads the rights pending to the company (00007's index): a pending-to
// party is a stakeholder. ?1 company, ?2 port, ?3 status, ?4 terminal code, ?5 equipment number,
// ?6 bill of lading, ?7 limit, ?8 offset (the count's limit, when counting).
func stakeholderSQL(q store.StakeholderQuery, billOfLading bool) (count, page string) {
	var filter string
	if q.Status != release.StatusUnknown {
		filter += " AND status = ?3"
	}
	if q.TerminalCode != "" {
		filter += " AND terminal_code = ?4"
	}
	order := " ORDER BY created_at DESC, release_id DESC"
	if q.OldestFirst {
		order = " ORDER BY created_at, release_id"
	}
	if q.Search != "" {
		return searchSQL(q, filter, order, billOfLading || !store.LooksLikeEquipment(q.Search))
	}
	from := "stakeholders WHERE company_id = ?1 AND port_lo_code = ?2" + filter
	if q.WaitingForMe {
		from = "rights WHERE pending_to_id = ?1 AND port_lo_code = ?2 AND NOT deleted" + filter
	}
	count = "SELECT count(*) FROM (SELECT 1 FROM " + from + " LIMIT ?8)"
	page = "SELECT r.state FROM (SELECT release_id FROM " + from + order + " LIMIT ?7 OFFSET ?8) AS p JOIN rights AS r ON r.release_id = p.release_id"
	return count, page
}

// searchSQL is the count and the page of a search: the releases of an equipment number (or its
// beginning) through the container's index (00001), or of a whole bill of lading through
// bills_of_lading (00013), those the company sees kept by its stakeholder row.
func searchSQL(q store.StakeholderQuery, filter, order string, billOfLading bool) (count, page string) {
	where := "port_lo_code = ?2 AND equipment_number >= ?5 AND equipment_number < ?5 || char(1114111)"
	if billOfLading {
		where = "release_id IN (SELECT release_id FROM bills_of_lading WHERE port_lo_code = ?2 AND bill_of_lading = ?6)"
	}
	where += " AND NOT deleted" + filter +
		" AND EXISTS (SELECT 1 FROM stakeholders AS s WHERE s.release_id = rights.release_id AND s.company_id = ?1)"
	if q.WaitingForMe {
		where += " AND pending_to_id = ?1"
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
	count, page := stakeholderSQL(q, false)
	args := []any{q.CompanyID, q.PortLoCode, int(q.Status), q.TerminalCode, strings.ToUpper(strings.TrimSpace(q.Search)), strings.TrimSpace(q.Search), 0, 0}
	var total int
	args[7] = -1 // the count's LIMIT
	if q.CountUpTo > 0 {
		args[7] = q.CountUpTo
	}
	if err := tx.QueryRowContext(ctx, count, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store/sqlite: stakeholder rights: count: %w", err)
	}
	if total == 0 && q.Search != "" && store.LooksLikeEquipment(q.Search) {
		count, page = stakeholderSQL(q, true)
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
