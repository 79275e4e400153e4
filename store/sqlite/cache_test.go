package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
	"github.com/portlight/portlight/store/internal/group"
	"github.com/portlight/portlight/store/storetest"
)

// checkCache fails the test unless every container the writer's cache holds is exactly what the
// database holds. It runs on the writer goroutine, between two groups, as a request of its own.
func checkCache(t testing.TB, s *Store) {
	t.Helper()
	var problems []string
	check := func(ctx context.Context, tx *sql.Tx) (err error) {
		problems, err = compareCache(ctx, s.wtx.cache, tx.StmtContext(ctx, s.ws.load))
		return err
	}
	if err := s.do(context.Background(), &request{Request: group.Make(nil), fn: check}); err != nil {
		t.Fatalf("check the cache: %v", err)
	}
	for _, p := range problems {
		t.Errorf("stale cache entry: %s", p)
	}
}

// checkClosedCache is checkCache for a closed store (its writer stopped), on a connection of its own.
func checkClosedCache(t testing.TB, s *Store) {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite", dsn(s.path, false))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	load, err := db.PrepareContext(ctx, sqlContainer)
	if err != nil {
		t.Fatal(err)
	}
	defer load.Close()
	problems, err := compareCache(ctx, s.wtx.cache, load)
	if err != nil {
		t.Fatalf("check the cache: %v", err)
	}
	for _, p := range problems {
		t.Errorf("stale cache entry: %s", p)
	}
}

// compareCache loads every cached container with load and describes each that differs.
func compareCache(ctx context.Context, cache *containerCache, load *sql.Stmt) ([]string, error) {
	var problems []string
	for _, gen := range []map[containerKey]*cachedContainer{cache.cur, cache.old} {
		for k, e := range gen {
			c, err := loadContainer(ctx, load, k.port, k.equipment, e.since)
			if err != nil {
				return nil, err
			}
			got, _ := json.Marshal(release.Container{Rights: e.rights, Facts: e.facts})
			want, _ := json.Marshal(release.Container{Rights: c.Rights, Facts: c.Facts})
			if string(got) != string(want) {
				problems = append(problems, fmt.Sprintf("%v cached %s\n  database %s", k, got, want))
			}
		}
	}
	return problems, nil
}

// TestCacheIsCommittedState: containers changed by many groups in parallel (releases, transfers
// and answers, customs statuses, refused commands, ops that fail their group) are cached exactly
// as the database holds them.
func TestCacheIsCommittedState(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	now := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for g := range 24 {
		wg.Go(func() {
			eq := storetest.EquipmentNumber(g % 8) // three callers per container
			at := func(i int) release.Meta {
				return release.Meta{Now: now.Add(time.Duration(i) * time.Second), Sender: storetest.Agent,
					PublicReferenceID: fmt.Sprintf("pub-%d-%d", g, i), NewReleaseID: fmt.Sprintf("rel-%d-%d", g, i)}
			}
			ri := fmt.Sprintf("R%d", g)
			ops := []store.Op{
				storetest.CommandOp(storetest.Port, eq, storetest.ReleaseCommand(storetest.Port, eq, ri, nil), at(1)),
				storetest.CommandOp(storetest.Port, eq, storetest.RightCommand("Transfer", storetest.Port, eq, ri, storetest.Agent, storetest.Forwarder), at(2)),
				storetest.CommandOp(storetest.Port, eq, storetest.RightCommand("Transfer", storetest.Port, eq, ri, storetest.Agent, storetest.Forwarder), at(3)), // refused: pending
				boomOp(eq, at(4)),
			}
			m := at(5)
			m.Sender = storetest.Forwarder
			ops = append(ops, storetest.CommandOp(storetest.Port, eq, storetest.RightCommand("Accept", storetest.Port, eq, ri, storetest.Agent, storetest.Forwarder), m))
			m = at(6)
			m.Sender = storetest.Customs
			ops = append(ops, storetest.CommandOp(storetest.Port, eq, storetest.CustomsCommand(storetest.Port, eq, "RELEASED", ""), m))
			for i, op := range ops {
				outs, err := s.Apply(ctx, op)
				if i == 3 {
					if err == nil {
						t.Errorf("a panicking op succeeded")
					}
					continue
				}
				if err != nil {
					t.Errorf("op %d on %s: %v", i, eq, err)
				} else if outs[0].Rejected != (i == 2) && i != 5 {
					t.Errorf("op %d on %s: rejected %v (%s)", i, eq, outs[0].Rejected, outs[0].Reason)
				}
			}
		})
	}
	wg.Wait()
	checkCache(t, s)
	if len(s.wtx.cache.cur)+len(s.wtx.cache.old) == 0 {
		t.Errorf("nothing cached")
	}
}

// boomOp is an op whose rule panics: it fails the group it was committed with.
func boomOp(eq string, m release.Meta) store.Op {
	return store.Op{PortLoCode: storetest.Port, EquipmentNumber: eq,
		Decide: func(*release.Container) release.Outcome { panic("boom") },
		Audit:  store.Audit{PublicReferenceID: m.PublicReferenceID, Action: "Boom", At: m.Now}}
}

// TestCacheSeesOtherWriters: a change committed by another connection (an operator's sqlite3
// shell, say) empties the cache before the writer's next group decides on stale state.
func TestCacheSeesOtherWriters(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	now := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	eq := storetest.EquipmentNumber(1)
	release1 := func(pub string) release.Outcome {
		m := release.Meta{Now: now, Sender: storetest.Agent, PublicReferenceID: pub, NewReleaseID: "rel-" + pub}
		outs, err := s.Apply(ctx, storetest.CommandOp(storetest.Port, eq, storetest.ReleaseCommand(storetest.Port, eq, "R1", nil), m))
		if err != nil {
			t.Fatalf("Apply: %v", err)
		}
		return outs[0]
	}
	if out := release1("p1"); out.Rejected {
		t.Fatalf("first release refused: %s", out.Reason)
	}
	if out := release1("p2"); !out.Rejected {
		t.Fatalf("the same release again was not refused")
	}
	other, err := sql.Open("sqlite", dsn(s.path, true))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.ExecContext(ctx, "DELETE FROM rights WHERE equipment_number = ?", eq); err != nil {
		t.Fatal(err)
	}
	if out := release1("p3"); out.Rejected {
		t.Errorf("a release whose earlier release another connection deleted is refused (stale cache): %s", out.Reason)
	}
	checkCache(t, s)
}

// TestReadersSeeWhatWasAnswered: Store.Container reads the writer's cache: while other callers
// write, a container read after a command was answered holds that command's change, and once the
// writes are done every container read equals the database's.
func TestReadersSeeWhatWasAnswered(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	now := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			eq := storetest.EquipmentNumber(100 + g)
			ri := fmt.Sprintf("R%d", g)
			meta := func(i int, sender release.Party) release.Meta {
				return release.Meta{Now: now.Add(time.Duration(i) * time.Second), Sender: sender,
					PublicReferenceID: fmt.Sprintf("pub-%d-%d", g, i), NewReleaseID: fmt.Sprintf("rel-%d-%d", g, i)}
			}
			steps := []struct {
				op               store.Op
				owner, pendingTo string
			}{
				{storetest.CommandOp(storetest.Port, eq, storetest.ReleaseCommand(storetest.Port, eq, ri, nil), meta(1, storetest.Agent)),
					storetest.Agent.NxtEntityID, ""},
				{storetest.CommandOp(storetest.Port, eq, storetest.RightCommand("Transfer", storetest.Port, eq, ri, storetest.Agent, storetest.Forwarder), meta(2, storetest.Agent)),
					storetest.Agent.NxtEntityID, storetest.Forwarder.NxtEntityID},
				{storetest.CommandOp(storetest.Port, eq, storetest.RightCommand("Accept", storetest.Port, eq, ri, storetest.Agent, storetest.Forwarder), meta(3, storetest.Forwarder)),
					storetest.Forwarder.NxtEntityID, ""},
			}
			for i, st := range steps {
				if _, err := s.Apply(ctx, st.op); err != nil {
					t.Errorf("%s step %d: %v", eq, i, err)
					return
				}
				c, err := s.Container(ctx, storetest.Port, eq, now.Add(time.Hour))
				if err != nil || len(c.Rights) != 1 {
					t.Errorf("%s step %d: read %v, %v", eq, i, c, err)
					return
				}
				r := c.Rights[0]
				pending := ""
				if r.PendingTo != nil {
					pending = r.PendingTo.NxtEntityID
				}
				if r.Owner.NxtEntityID != st.owner || pending != st.pendingTo {
					t.Errorf("%s step %d: read owner %s pending to %q, want %s pending to %q", eq, i, r.Owner.NxtEntityID, pending, st.owner, st.pendingTo)
				}
			}
		})
	}
	wg.Wait()
	for g := range 16 {
		eq := storetest.EquipmentNumber(100 + g)
		got, err := s.Container(ctx, storetest.Port, eq, now.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		want, err := loadContainer(ctx, s.read, storetest.Port, eq, liveSince(now.Add(time.Hour)))
		if err != nil {
			t.Fatal(err)
		}
		if g, w := mustJSON(t, got), mustJSON(t, want); g != w {
			t.Errorf("%s read %s\n  database %s", eq, g, w)
		}
	}
	if s.wtx.cache.container(containerKey{storetest.Port, storetest.EquipmentNumber(100)}, liveSince(now.Add(time.Hour))) == nil {
		t.Error("the containers are not in the cache: the reads above were answered from the database")
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
