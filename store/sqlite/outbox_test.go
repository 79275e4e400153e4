package sqlite

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
	"github.com/portlight/portlight/store/storetest"
)

func TestOutbox(t *testing.T) {
	storetest.RunOutbox(t, func(t *testing.T) store.Store { return openTemp(t) })
}

// TestOutboxQueriesUseTheirIndexes: the claim and the dispatch read only the partial indexes of
// what waits, whatever the size of the tables (a full scan would grow with every notification).
func TestOutboxQueriesUseTheirIndexes(t *testing.T) {
	s := openTemp(t)
	for query, index := range map[string]string{
		sqlClaim:          "deliveries_ready",
		sqlUndispatched:   "SEARCH n USING INTEGER PRIMARY KEY",
		sqlPendingInQueue: "deliveries_queue",
		sqlUnblockNext:    "deliveries_queue",
		sqlMarkDispatched: "USING INTEGER PRIMARY KEY",
	} {
		args := make([]any, strings.Count(query, "?"))
		for i := range args {
			args[i] = 1
		}
		rows, err := s.w.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		var plan strings.Builder
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan.WriteString(detail + "\n")
		}
		rows.Close()
		if !strings.Contains(plan.String(), index) {
			t.Errorf("query does not use %s:\n%s\nplan:\n%s", index, query, plan.String())
		}
	}
}

// TestMigrationKeepsWaitingNotifications: notifications a database of version 4 had not yet
// dispatched (its dispatched flag) wait in outbox_pending after version 5, the others do not, and
// new notifications land there through the trigger.
func TestMigrationKeepsWaitingNotifications(t *testing.T) {
	ctx := context.Background()
	path, db := migratedTo(t, 4)
	for i, dispatched := range []bool{true, false, true, false} {
		if _, err := db.ExecContext(ctx, `INSERT INTO notifications (receiver_id, type, event, equipment_number, release_id,
    public_reference_id, stored_on, message, dispatched) VALUES ('NXT1', 'ReleaseLight', 'Test', 'EQ', 'r', ?, 1, x'7b7d', ?)`,
			fmt.Sprint("pub-", i), dispatched); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open (migrating): %v", err)
	}
	defer s.Close()
	pending := func() []int64 {
		rows, err := s.r.QueryContext(ctx, `SELECT seq FROM outbox_pending ORDER BY seq`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []int64
		for rows.Next() {
			var seq int64
			rows.Scan(&seq)
			out = append(out, seq)
		}
		return out
	}
	if got := pending(); fmt.Sprint(got) != "[2 4]" {
		t.Errorf("waiting after the migration: %v, want [2 4]", got)
	}
	eq := storetest.EquipmentNumber(1)
	m := release.Meta{Now: time.Now(), Sender: storetest.Agent, PublicReferenceID: "pub-new", NewReleaseID: "rel-1"}
	if _, err := s.Apply(ctx, storetest.CommandOp(storetest.Port, eq, storetest.ReleaseCommand(storetest.Port, eq, "R1", &storetest.Forwarder), m)); err != nil {
		t.Fatal(err)
	}
	if got := pending(); len(got) != 2+5 {
		t.Errorf("waiting after a release: %v, want its 5 notifications too", got)
	}
	if st, err := s.OutboxStats(ctx); err != nil || st.Undispatched != 7 {
		t.Errorf("OutboxStats: %+v %v", st, err)
	}
}
