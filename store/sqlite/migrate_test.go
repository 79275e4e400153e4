package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
	"github.com/portlight/portlight/store/storetest"
)

// TestMigrationFillsExpiresAt: rights stored before expires_at existed get it from their state
// (to the millisecond) when the database is migrated, so that the expiry scheduler neither takes
// them all for due nor misses them.
func TestMigrationFillsExpiresAt(t *testing.T) {
	ctx := context.Background()
	path, db := migratedTo(t, 1)

	created := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	at := func(t time.Time) *time.Time { return &t }
	cet := time.FixedZone("CET", 3600)
	rights := map[string]*time.Time{
		"no-expiration":         nil,
		"earlier-expiration":    at(created.Add(10*24*time.Hour + 123456789)),
		"earlier-in-a-zone":     at(created.Add(20 * 24 * time.Hour).In(cet)),
		"later-expiration":      at(created.Add(90 * 24 * time.Hour)),
		"whole-second-earliest": at(created.Add(time.Hour)),
	}
	want := map[string]int64{}
	for id, expiration := range rights {
		eq := storetest.EquipmentNumber(len(want))
		r := &release.Right{ReleaseID: id, PortLoCode: storetest.Port, Key: storetest.Key(eq, "R1"), Owner: storetest.Agent,
			Originator: storetest.Agent, Terminal: storetest.Terminal, Status: release.StatusAssigned,
			Details: release.Details{ExpirationDateTimeUtc: expiration}, CreatedAt: created, UpdatedAt: created}
		state, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO rights (release_id, port_lo_code, equipment_number,
    release_identification, owner_id, originator_id, terminal_code, status, deleted, created_at, updated_at, state)
VALUES (?, ?, ?, 'R1', ?, ?, ?, 1, false, ?, ?, ?)`, id, r.PortLoCode, eq, r.Owner.NxtEntityID, r.Originator.NxtEntityID,
			r.Terminal.Code, nanos(created), nanos(created), state); err != nil {
			t.Fatalf("insert a right of version 1: %v", err)
		}
		want[id] = nanos(r.ExpiresAt())
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open (migrating): %v", err)
	}
	defer s.Close()
	rows, err := s.r.QueryContext(ctx, `SELECT release_id, expires_at FROM rights`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id string
		var got int64
		if err := rows.Scan(&id, &got); err != nil {
			t.Fatal(err)
		}
		n++
		if d := time.Duration(got - want[id]); d <= -time.Millisecond || d >= time.Millisecond {
			t.Errorf("%s: expires_at %s, want %s (to the millisecond)", id, fromNanos(got), fromNanos(want[id]))
		}
		if !strings.HasPrefix(id, "earlier-expiration") && got != want[id] {
			t.Errorf("%s: expires_at %s, want exactly %s", id, fromNanos(got), fromNanos(want[id]))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != len(rights) {
		t.Errorf("%d rights after the migration, want %d", n, len(rights))
	}
}

// TestQueryPlans: the queries of the request path and of the expiry scheduler use the indexes made
// for them. The partial index rights_due is used only when the query repeats its WHERE clause word
// for word, which an innocent edit of either breaks without any test failing otherwise.
func TestQueryPlans(t *testing.T) {
	s := openTemp(t)
	type built struct {
		query string
		args  []any
	}
	build := func(q store.NotificationQuery) (b built) {
		b.query, b.args = notificationsSQL(q)
		return b
	}
	week := store.NotificationQuery{ReceiverID: "NXT1", From: time.Unix(0, 0), To: time.Unix(7*86400, 0), Limit: 100}
	pullOfWeek := build(week)
	week.PublicReferenceID = "p"
	pullByReference := build(week)
	pending := true
	for _, tc := range []struct {
		name, query string
		args        []any
		want        []string
	}{
		{"container", sqlContainer, []any{"BEANR", "EQ", 0},
			[]string{"SEARCH containers USING PRIMARY KEY", "SEARCH rights USING INDEX rights_container"}},
		{"due for expiry", sqlDueForExpiry, []any{0, 0, 1}, []string{"SEARCH rights USING INDEX rights_due"}},
		{"CCRM use seen", sqlCCRMUseSeen, []any{"m", "c", "p", "e"}, []string{"SEARCH ccrm_usage USING PRIMARY KEY"}},
		{"CCRM usage", sqlCCRMUsage, []any{"m"}, []string{"SEARCH ccrm_usage USING PRIMARY KEY (month=?)"}},
		{"pending list", rightsListStatements(release.ListIndex{Pending: &pending})[1], []any{"NXT1", "BEANR", "", 10, 0},
			[]string{"SEARCH rights USING COVERING INDEX rights_owner_pending_list", "SEARCH rights USING COVERING INDEX rights_pending_list"}},
		{"channels of a dispatch's receivers", sqlChannelColumns + sqlChannelsOf, []any{`["NXT1","NXT2"]`},
			[]string{"SEARCH notification_channels USING INDEX notification_channels_company (company_id=?)"}},
		{"lease a claim's batch", sqlLease, []any{"node", 0, `["a","b"]`}, []string{"SEARCH deliveries USING COVERING INDEX sqlite_autoindex_deliveries_1 (delivery_id=?)"}},
		{"notifications by publicReferenceId", pullByReference.query, pullByReference.args,
			[]string{"SEARCH notifications USING INDEX notifications_public_reference"}},
		{"notifications of the week", pullOfWeek.query, pullOfWeek.args,
			[]string{"SEARCH notifications USING INDEX notifications_receiver_"}},
	} {
		rows, err := s.r.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+tc.query, tc.args...)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		all := strings.Join(plan, "\n")
		for _, w := range tc.want {
			if !strings.Contains(all, w) {
				t.Errorf("%s: plan lacks %q:\n%s", tc.name, w, all)
			}
		}
		// LIMIT (SELECT ?) is a subquery over no table (SCAN CONSTANT ROW), p a rights-list page
		// already cut to its size, json_each a parameter's array: no scan of them reads a table.
		for _, step := range plan {
			if strings.HasPrefix(step, "SCAN ") && step != "SCAN CONSTANT ROW" && step != "SCAN p" &&
				!strings.HasPrefix(step, "SCAN json_each VIRTUAL TABLE") {
				t.Errorf("%s: plan scans a table (%s):\n%s", tc.name, step, all)
			}
		}
	}
}

// TestContainerOrder: a container's rights come by creation time, then release id (the order the
// core breaks ties on), whatever order they were stored in.
func TestContainerOrder(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	eq := storetest.EquipmentNumber(1)
	now := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	for i, tc := range []struct {
		id string
		at time.Time
	}{{"rel-c", now}, {"rel-b", now.Add(-time.Second)}, {"rel-d", now}, {"rel-a", now}} {
		m := release.Meta{Now: tc.at, Sender: storetest.Agent, PublicReferenceID: "pub-" + tc.id, NewReleaseID: tc.id}
		rid := "R" + string(rune('1'+i))
		if outs, err := s.Apply(ctx, storetest.CommandOp(storetest.Port, eq, storetest.ReleaseCommand(storetest.Port, eq, rid, nil), m)); err != nil || outs[0].Rejected {
			t.Fatalf("Apply: %v %+v", err, outs)
		}
	}
	c, err := s.Container(ctx, storetest.Port, eq, now)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range c.Rights {
		got = append(got, r.ReleaseID)
	}
	if want := "rel-b rel-a rel-c rel-d"; strings.Join(got, " ") != want {
		t.Errorf("Container rights in order %v, want %s", got, want)
	}
}

// TestMigrationNumbersAuditRecords: audit records stored before op_index existed get the index of
// their order within their publicReferenceId (a bulk call's ops 0, 1, 2...), those without one
// none; the unique key then holds, and the same call sent again after the migration is answered
// from its records instead of being applied twice.
func TestMigrationNumbersAuditRecords(t *testing.T) {
	ctx := context.Background()
	path, db := migratedTo(t, 8)
	now := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	eq := storetest.EquipmentNumber(1)
	stored := storetest.CommandOp(storetest.Port, eq, storetest.ReleaseCommand(storetest.Port, eq, "R1", nil),
		release.Meta{Now: now, Sender: storetest.Agent, PublicReferenceID: "pub-single", NewReleaseID: "rel-1"})
	for _, a := range []store.Audit{
		{PublicReferenceID: "pub-bulk", Action: "Release", EquipmentNumber: "A"},
		{PublicReferenceID: "pub-single", CompanyID: stored.Audit.CompanyID, Action: stored.Audit.Action,
			EquipmentNumber: stored.Audit.EquipmentNumber, Request: stored.Audit.Request, At: stored.Audit.At},
		{PublicReferenceID: "pub-bulk", Action: "Transfer", EquipmentNumber: "B"},
		{Action: "Expire", EquipmentNumber: "C"},
		{PublicReferenceID: "pub-bulk", Action: "Revoke", EquipmentNumber: "D"},
		{Action: "Expire", EquipmentNumber: "E"},
	} {
		if _, err := db.ExecContext(ctx, `INSERT INTO audit (public_reference_id, company_id, action, equipment_number,
    request, at, rejected, reason) VALUES (?, ?, ?, ?, ?, ?, false, '')`, a.PublicReferenceID, a.CompanyID, a.Action,
			a.EquipmentNumber, a.Request, nanos(a.At)); err != nil {
			t.Fatalf("insert an audit record of version 8: %v", err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open (migrating): %v", err)
	}
	defer s.Close()
	rows, err := s.r.QueryContext(ctx, `SELECT equipment_number, op_index FROM audit ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var e string
		var i sql.NullInt64
		if err := rows.Scan(&e, &i); err != nil {
			t.Fatal(err)
		}
		if i.Valid {
			e += fmt.Sprint(i.Int64)
		}
		got = append(got, e)
	}
	rows.Close()
	if want := "A0 " + eq + "0 B1 C D2 E"; strings.Join(got, " ") != want {
		t.Errorf("op indexes after the migration: %s, want %s", strings.Join(got, " "), want)
	}
	// The record of pub-single is op 0 of that call: sent again, the call is recognised.
	outs, err := s.Apply(ctx, stored)
	if err != nil || len(outs) != 1 || outs[0].Rejected {
		t.Fatalf("the stored call sent again: %v %+v", err, outs)
	}
	if c, err := s.Container(ctx, storetest.Port, eq, now); err != nil || len(c.Rights) != 0 {
		t.Errorf("the stored call was applied again: %+v (%v)", c, err)
	}
}

// migratedTo is a new database file migrated up to version only, open by itself (not as a Store), for
// a test to put rows of that version in before the Store's Open migrates the rest.
func migratedTo(t *testing.T, version int64) (path string, db *sql.DB) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "portlight.db")
	db, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		t.Fatal(err)
	}
	fsys, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(context.Background(), version); err != nil {
		t.Fatalf("migrate to version %d: %v", version, err)
	}
	return path, db
}

// TestMigrationFillsStakeholders: migration 00013 fills the stakeholder rows and bills of lading of
// the rights stored before it, with the core's rule: undone down to 00012 and done again, every
// party of a release (a past holder, the carrier) finds it in "My containers".
func TestMigrationFillsStakeholders(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "portlight.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, storetest.EveryPartyOps(time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC))...); err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		t.Fatal(err)
	}
	fsys, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 12); err != nil {
		t.Fatalf("migrate down to 12: %v", err)
	}
	db.Close()
	if s, err = Open(ctx, path); err != nil {
		t.Fatalf("Open (migrating): %v", err)
	}
	defer s.Close()
	storetest.CheckEveryPartySees(t, s)
}
