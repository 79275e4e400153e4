package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	"github.com/pressly/goose/v3"

	"github.com/portlight/portlight/internal/pgtest"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store/storetest"
)

// TestMigrationNumbersAuditRecords: audit records stored before op_index existed (migration 00006)
// get the index of their order within their publicReferenceId, those without one none; a call
// stored before the migration is recognised after it instead of being applied twice.
func TestMigrationNumbersAuditRecords(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	fsys, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 5); err != nil {
		t.Fatalf("migrate to version 5: %v", err)
	}
	now := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	eq := storetest.EquipmentNumber(1)
	stored := storetest.CommandOp(storetest.Port, eq, storetest.ReleaseCommand(storetest.Port, eq, "R1", nil),
		release.Meta{Now: now, Sender: storetest.Agent, PublicReferenceID: "pub-single", NewReleaseID: "rel-1"})
	for _, r := range [][]any{
		{"pub-bulk", "", "Release", "A", nil, now},
		{"pub-single", stored.Audit.CompanyID, stored.Audit.Action, stored.Audit.EquipmentNumber, stored.Audit.Request, now},
		{"pub-bulk", "", "Transfer", "B", nil, now},
		{"", "", "Expire", "C", nil, now},
		{"pub-bulk", "", "Revoke", "D", nil, now},
		{"", "", "Expire", "E", nil, now},
	} {
		if _, err := db.ExecContext(ctx, `INSERT INTO audit (public_reference_id, company_id, action, equipment_number,
    request, at, rejected, reason) VALUES ($1, $2, $3, $4, $5, $6, false, '')`, r...); err != nil {
			t.Fatalf("insert an audit record of version 5: %v", err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := Open(ctx, url, Options{})
	if err != nil {
		t.Fatalf("Open (migrating): %v", err)
	}
	defer s.Close()
	rows, err := s.pool.Query(ctx, `SELECT equipment_number, op_index FROM audit ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var e string
		var i *int32
		if err := rows.Scan(&e, &i); err != nil {
			t.Fatal(err)
		}
		if i != nil {
			e += fmt.Sprint(*i)
		}
		got = append(got, e)
	}
	rows.Close()
	if want := "A0 " + eq + "0 B1 C D2 E"; strings.Join(got, " ") != want {
		t.Errorf("op indexes after the migration: %s, want %s", strings.Join(got, " "), want)
	}
	outs, err := s.Apply(ctx, stored)
	if err != nil || len(outs) != 1 || outs[0].Rejected {
		t.Fatalf("the stored call sent again: %v %+v", err, outs)
	}
	if c, err := s.Container(ctx, storetest.Port, eq, now); err != nil || len(c.Rights) != 0 {
		t.Errorf("the stored call was applied again: %+v (%v)", c, err)
	}
}

// TestMigrationFillsStakeholders: migration 00010 fills the stakeholder rows and bills of lading of
// the rights stored before it, with the core's rule: undone down to 00009 and done again, every
// party of a release (a past holder, the carrier) finds it in "My containers".
func TestMigrationFillsStakeholders(t *testing.T) {
	ctx := context.Background()
	s, url := openFresh(t, Options{})
	if _, err := s.Apply(ctx, storetest.EveryPartyOps(time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC))...); err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	p, err := provider(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 9); err != nil {
		t.Fatalf("migrate down to 9: %v", err)
	}
	db.Close()
	s2, err := Open(ctx, url, Options{})
	if err != nil {
		t.Fatalf("Open (migrating): %v", err)
	}
	defer s2.Close()
	storetest.CheckEveryPartySees(t, s2)
}
