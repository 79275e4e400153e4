package sqlite

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store/storetest"
)

func containsFold(b []byte, s string) bool {
	return bytes.Contains(bytes.ToUpper(b), bytes.ToUpper([]byte(s)))
}

// TestMigrationHashesIngestionIDs: a database of before migration 00011 holds ingestion ids in
// clear (anyone with a backup could post a Shipping Agent's releases); migrating turns them into
// their hashes, the ids still resolve through the directory, and the clear id is nowhere in the file.
func TestMigrationHashesIngestionIDs(t *testing.T) {
	ctx := context.Background()
	path, db := migratedTo(t, 8)
	const clear = "5f0c6a6e-3b1d-4e55-9a1e-8c1f2f0b7a11"
	if _, err := db.ExecContext(ctx, `INSERT INTO companies (nxt_entity_id, name, eori, tin, apcs, duns, scac, external_id,
    roles, addresses, ingestion_id, created_at) VALUES
    ('NXT1', 'Agent', '', '', '', '', '', '', '["ShippingAgent"]', '[]', ?, 0),
    ('NXT2', 'Forwarder', '', '', '', '', '', '', '["ReleaseParty"]', '[]', NULL, 0)`, clear); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open (migrating): %v", err)
	}
	companies, err := s.Companies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range companies {
		got[c.NxtEntityID] = c.IngestionID
	}
	if got["NXT1"] != identity.HashIngestionID(clear) || got["NXT2"] != "" {
		t.Fatalf("ingestion ids after the migration: %v; want NXT1's hashed, NXT2's empty", got)
	}
	dir, err := identity.NewDirectory(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := dir.ByIngestionID(ctx, " "+clear+" "); !ok || c.NxtEntityID != "NXT1" {
		t.Fatalf("the clear id does not resolve after the migration: %v %v", c, ok)
	}
	if _, ok := dir.ByIngestionID(ctx, got["NXT1"]); ok {
		t.Fatal("the stored hash itself was accepted as the ingestion id")
	}
	// A company stored anew keeps its hash (not a hash of the hash), and a new id is hashed.
	c := companies[0]
	if err := s.PutCompany(ctx, c); err != nil {
		t.Fatal(err)
	}
	c.NxtEntityID, c.IngestionID = "NXT3", "another-id"
	if err := s.PutCompany(ctx, c); err != nil {
		t.Fatal(err)
	}
	companies, _ = s.Companies(ctx)
	for _, c := range companies {
		got[c.NxtEntityID] = c.IngestionID
	}
	if got["NXT1"] != identity.HashIngestionID(clear) || got["NXT3"] != identity.HashIngestionID("another-id") {
		t.Fatalf("after PutCompany: %v", got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if containsFold(raw, clear) || containsFold(raw, "another-id") {
		t.Fatal("an ingestion id is in the database file in clear")
	}
}

// TestDatabaseFileIsPrivate: the database file (and its WAL) is 0600 and a directory Open makes
// is 0700, whatever the umask; a file made 0644 before is narrowed.
func TestDatabaseFileIsPrivate(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "portlight.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	eq := storetest.EquipmentNumber(1)
	m := release.Meta{Now: time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC), Sender: storetest.Agent, PublicReferenceID: "pub-1", NewReleaseID: "rel-1"}
	if _, err := s.Apply(ctx, storetest.CommandOp(storetest.Port, eq, storetest.ReleaseCommand(storetest.Port, eq, "R1", nil), m)); err != nil {
		t.Fatal(err) // something in the WAL
	}
	for p, want := range map[string]fs.FileMode{dir: 0o700, path: 0o600, path + "-wal": 0o600} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %o, want %o", p, got, want)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("a database file of mode 0644 stays %o after Open, want 0600", fi.Mode().Perm())
	}
}
