package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	gojson "github.com/goccy/go-json"
	"slices"
	"strings"
	"time"

	"github.com/portlight/portlight/release"
)

// sqlContainer loads a container in one statement, so that its facts and rights come from the same
// snapshot: its facts (kind 0, when it has any) and every right created since a time (the live
// window). Deleted rights are loaded too; the core skips them itself. Without an ORDER BY, which
// would cost a sort in SQLite (the index gives the rights by created_at, but ties by rowid), the
// rights are put in order by loadContainer.
const sqlContainer = `SELECT 0, facts FROM containers WHERE port_lo_code = ?1 AND equipment_number = ?2
UNION ALL
SELECT 1, state FROM rights WHERE port_lo_code = ?1 AND equipment_number = ?2 AND created_at >= ?3`

// loadContainer runs sqlContainer with st (on the writer inside a transaction, or on the readers).
// The rights come oldest first, by creation time and then release id, as the query's ORDER BY gave
// them before facts joined it: the core breaks ties on that order (release.Container.Find).
func loadContainer(ctx context.Context, st *sql.Stmt, port, equipment string, since int64) (*release.Container, error) {
	rows, err := st.QueryContext(ctx, port, equipment, since)
	if err != nil {
		return nil, fmt.Errorf("load container: %w", err)
	}
	defer rows.Close()
	c := &release.Container{PortLoCode: port, EquipmentNumber: equipment}
	var row struct { // one allocation for both scan targets
		kind int
		doc  sql.RawBytes
	}
	for rows.Next() {
		if err := rows.Scan(&row.kind, &row.doc); err != nil {
			return nil, fmt.Errorf("load container: %w", err)
		}
		if row.kind == 0 {
			if err := json.Unmarshal(row.doc, &c.Facts); err != nil {
				return nil, fmt.Errorf("load container: decode facts: %w", err)
			}
			continue
		}
		r := new(release.Right)
		if err := gojson.Unmarshal(row.doc, r); err != nil {
			return nil, fmt.Errorf("load container: decode right: %w", err)
		}
		c.Rights = append(c.Rights, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load container: %w", err)
	}
	if !slices.IsSortedFunc(c.Rights, byCreation) {
		slices.SortFunc(c.Rights, byCreation)
	}
	return c, nil
}

// byCreation orders rights as "ORDER BY created_at, release_id" does.
func byCreation(a, b *release.Right) int {
	if c := cmp.Compare(nanos(a.CreatedAt), nanos(b.CreatedAt)); c != 0 {
		return c
	}
	return strings.Compare(a.ReleaseID, b.ReleaseID)
}

// Container implements store.Store: the facts of the container and its rights created within
// release.LiveWindow before now.
func (s *Store) Container(ctx context.Context, portLoCode, equipmentNumber string, now time.Time) (*release.Container, error) {
	eq := release.NormaliseCode(equipmentNumber)
	since := liveSince(now)
	if c := s.wtx.cache.container(containerKey{portLoCode, eq}, since); c != nil {
		return c, nil
	}
	c, err := loadContainer(ctx, s.read, portLoCode, eq, since)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: %w", err)
	}
	return c, nil
}
