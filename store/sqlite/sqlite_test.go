package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
	"github.com/portlight/portlight/store/storetest"
)

func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "data", "portlight.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s := openTemp(t)
		t.Cleanup(func() { // after the suite closed the store
			s.Close()
			checkClosedCache(t, s)
		})
		return s
	})
}

// TestInternals: the suite's cases that need the store's insides (storetest.Hooks).
func TestInternals(t *testing.T) {
	storetest.RunInternals(t, func(t *testing.T) (store.Store, storetest.Hooks) {
		s := openTemp(t)
		return s, storetest.Hooks{
			FailCommits: s.faults.Arm,
			RightJSON: func(ctx context.Context, releaseID string) (state []byte, err error) {
				err = s.r.QueryRowContext(ctx, "SELECT state FROM rights WHERE release_id = ?", releaseID).Scan(&state)
				return state, err
			},
		}
	})
}

// TestPragmas checks that the DSN's pragmas took effect on both handles: a DSN typo would
// otherwise silently lose durability (synchronous) or concurrency (WAL).
func TestPragmas(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	for name, db := range map[string]*sql.DB{"writer": s.w, "reader": s.r} {
		for _, p := range []struct{ pragma, want string }{
			{"journal_mode", "wal"},
			{"synchronous", "2"}, // FULL
			{"busy_timeout", "10000"},
			{"foreign_keys", "1"},
		} {
			var got string
			if err := db.QueryRowContext(ctx, "PRAGMA "+p.pragma).Scan(&got); err != nil {
				t.Fatalf("%s: PRAGMA %s: %v", name, p.pragma, err)
			}
			if strings.ToLower(got) != p.want {
				t.Errorf("%s: PRAGMA %s = %s, want %s", name, p.pragma, got, p.want)
			}
		}
	}
	var cacheSize int
	if err := s.w.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&cacheSize); err != nil || cacheSize != -writerCacheKiB {
		t.Errorf("writer: PRAGMA cache_size = %d, %v; want %d", cacheSize, err, -writerCacheKiB)
	}
	var queryOnly string
	if err := s.r.QueryRowContext(ctx, "PRAGMA query_only").Scan(&queryOnly); err != nil || queryOnly != "1" {
		t.Errorf("reader: PRAGMA query_only = %s, %v; want 1", queryOnly, err)
	}
	if _, err := s.r.ExecContext(ctx, "DELETE FROM rights"); err == nil {
		t.Errorf("a reader connection could write")
	}
}

// TestReopen: what Apply committed is there after Close and Open of the same file.
func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "portlight.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	eq := storetest.EquipmentNumber(1)
	now := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	m := release.Meta{Now: now, Sender: storetest.Agent, PublicReferenceID: "pub-1", NewReleaseID: "rel-1"}
	outs, err := s.Apply(ctx, storetest.CommandOp(storetest.Port, eq, storetest.ReleaseCommand(storetest.Port, eq, "R1", &storetest.Forwarder), m))
	if err != nil || outs[0].Rejected {
		t.Fatalf("Apply: %v %+v", err, outs)
	}
	if err := s.PutTerminal(ctx, identityTerminal()); err != nil {
		t.Fatalf("PutTerminal: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := s.Apply(ctx, storetest.CommandOp(storetest.Port, eq, storetest.ReleaseCommand(storetest.Port, eq, "R2", nil), m)); !errors.Is(err, ErrClosed) {
		t.Errorf("Apply after Close: %v, want ErrClosed", err)
	}

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("Open again: %v", err)
	}
	defer s.Close()
	c, err := s.Container(ctx, storetest.Port, eq, now)
	if err != nil || len(c.Rights) != 1 || c.Rights[0].ReleaseID != "rel-1" || c.Rights[0].PendingTo == nil {
		t.Fatalf("Container after reopen: %+v, %v", c, err)
	}
	ns, err := s.Notifications(ctx, store.NotificationQuery{PublicReferenceID: "pub-1"})
	if err != nil || len(ns) != len(outs[0].Notifications) {
		t.Errorf("after reopen %d notifications (%v), want %d", len(ns), err, len(outs[0].Notifications))
	}
	if a, err := s.AuditTrail(ctx, "pub-1", ""); err != nil || len(a) != 1 {
		t.Errorf("after reopen %d audit records (%v), want 1", len(a), err)
	}
	if ts, err := s.Terminals(ctx); err != nil || len(ts) != 1 {
		t.Errorf("after reopen %d terminals (%v), want 1", len(ts), err)
	}
}

// TestPanickingDecide: a rule that panics runs on the writer goroutine; it must fail only its own
// caller, whatever group it was committed with.
func TestPanickingDecide(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	now := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	boom := store.Op{PortLoCode: storetest.Port, EquipmentNumber: storetest.EquipmentNumber(999),
		Decide: func(*release.Container) release.Outcome { panic("boom") },
		Audit:  store.Audit{PublicReferenceID: "pub-boom", Action: "Boom", At: now}}
	var wg sync.WaitGroup
	errs := make([]error, 30)
	for i := range errs {
		wg.Go(func() {
			if i%10 == 5 {
				_, errs[i] = s.Apply(ctx, boom)
				if errs[i] == nil || !strings.Contains(errs[i].Error(), "boom") {
					t.Errorf("panicking op: %v", errs[i])
				}
				errs[i] = nil
				return
			}
			eq := storetest.EquipmentNumber(i)
			m := release.Meta{Now: now, Sender: storetest.Agent, PublicReferenceID: "pub-" + eq, NewReleaseID: eq}
			_, errs[i] = s.Apply(ctx, storetest.CommandOp(storetest.Port, eq, storetest.ReleaseCommand(storetest.Port, eq, "R1", nil), m))
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("op %d beside a panicking op: %v", i, err)
		}
	}
	for i := range errs {
		if i%10 == 5 {
			continue
		}
		if a, _ := s.AuditTrail(ctx, "pub-"+storetest.EquipmentNumber(i), ""); len(a) != 1 {
			t.Errorf("op %d: %d audit records, want 1", i, len(a))
		}
	}
	if a, _ := s.AuditTrail(ctx, "pub-boom", ""); len(a) != 0 {
		t.Errorf("the panicking op left %d audit records", len(a))
	}
}

func identityTerminal() identity.Terminal {
	return identity.Terminal{Code: storetest.Terminal.Code, Name: storetest.Terminal.Name, PortLoCode: storetest.Port,
		OperatorID: storetest.Operator.NxtEntityID}
}

// TestWALStaysBounded: under sustained writes the WAL is checkpointed and restarts, instead of
// growing with the database (which it does when checkpoints run beside the writer and never catch
// up with it).
func TestWALStaysBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("writes some 15 MB")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "portlight.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	now := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	const ops, workers = 4000, 32
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			for n := g; n < ops; n += workers {
				eq := storetest.EquipmentNumber(n)
				m := release.Meta{Now: now, Sender: storetest.Agent, PublicReferenceID: "pub-" + eq, NewReleaseID: "rel-" + eq}
				if _, err := s.Apply(ctx, storetest.CommandOp(storetest.Port, eq, storetest.ReleaseCommand(storetest.Port, eq, "R1", nil), m)); err != nil {
					t.Errorf("Apply: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	wal, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatalf("stat WAL: %v", err)
	}
	db, _ := os.Stat(path)
	// The WAL is reset by a RESTART checkpoint once it passes walRestartBytes (checkpoint.go); the
	// file keeps its size then (reusing it is cheaper than growing it again), so it stays near that.
	if wal.Size() > walRestartBytes+8<<20 {
		t.Errorf("WAL is %d MB after %d ops (database %d MB): it is not checkpointed", wal.Size()>>20, ops, db.Size()>>20)
	}
}

// TestCCRMUseSeenCostsNoWrite: reading the same container again in a month (the common case of
// CCRM metering, which is on the read path) is found on a reader and does not go to the writer.
func TestCCRMUseSeenCostsNoWrite(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	eq := storetest.EquipmentNumber(1)
	if err := s.RecordCCRMUse(ctx, storetest.Forwarder.NxtEntityID, storetest.Port, eq, "2025-03"); err != nil {
		t.Fatal(err)
	}
	groups := s.groups // the writer answered: its count is settled
	for range 10 {
		if err := s.RecordCCRMUse(ctx, storetest.Forwarder.NxtEntityID, storetest.Port, eq, "2025-03"); err != nil {
			t.Fatal(err)
		}
	}
	if s.groups != groups {
		t.Errorf("recording a use already recorded took %d write transactions", s.groups-groups)
	}
	if err := s.RecordCCRMUse(ctx, storetest.Forwarder.NxtEntityID, storetest.Port, eq, "2025-04"); err != nil {
		t.Fatal(err)
	}
	if s.groups != groups+1 {
		t.Errorf("a new use took %d write transactions, want 1", s.groups-groups)
	}
}
