package postgres

import (
	"context"
	"io/fs"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/internal/pgtest"
)

// TestMigrationHashesIngestionIDs: a database of before migration 00008 holds ingestion ids in
// clear; migrating turns them into the same hashes the Go code makes (identity.HashIngestionID),
// so the ids still resolve, and the hash itself is not accepted as an id.
func TestMigrationHashesIngestionIDs(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	db := stdlib.OpenDBFromPool(pool)
	fsys, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 5); err != nil {
		t.Fatalf("migrate to version 5: %v", err)
	}
	const clear = " 5f0c6a6e-3b1d-4e55-9a1e-8c1f2f0b7a11"
	if _, err := pool.Exec(ctx, `INSERT INTO companies (nxt_entity_id, name, eori, tin, apcs, duns, scac, external_id,
    roles, addresses, ingestion_id, created_at) VALUES
    ('NXT1', 'Agent', '', '', '', '', '', '', '["ShippingAgent"]', '[]', $1, now()),
    ('NXT2', 'Forwarder', '', '', '', '', '', '', '["ReleaseParty"]', '[]', NULL, now())`, clear); err != nil {
		t.Fatal(err)
	}
	db.Close()
	pool.Close()

	s, err := Open(ctx, url, Options{})
	if err != nil {
		t.Fatalf("Open (migrating): %v", err)
	}
	defer s.Close()
	companies, err := s.Companies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range companies {
		got[c.NxtEntityID] = c.IngestionID
	}
	if got["NXT1"] != identity.HashIngestionID(clear) || got["NXT2"] != "" {
		t.Fatalf("ingestion ids after the migration: %v; want NXT1's %s, NXT2's empty", got, identity.HashIngestionID(clear))
	}
	dir, err := identity.NewDirectory(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := dir.ByIngestionID(ctx, clear); !ok || c.NxtEntityID != "NXT1" {
		t.Fatalf("the clear id does not resolve after the migration: %v %v", c, ok)
	}
	if _, ok := dir.ByIngestionID(ctx, got["NXT1"]); ok {
		t.Fatal("the stored hash itself was accepted as the ingestion id")
	}
	c := companies[0]
	if err := s.PutCompany(ctx, c); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.Companies(ctx); again[0].IngestionID != got["NXT1"] {
		t.Fatalf("a company stored anew changed its hash: %s", again[0].IngestionID)
	}
}
