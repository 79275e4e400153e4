package postgres

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portlight/portlight/internal/pgtest"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
	"github.com/portlight/portlight/store/storetest"
)

// openFresh opens a store on a fresh database of its own, dropped when t ends.
func openFresh(t testing.TB, opts Options) (*Store, string) {
	t.Helper()
	url := pgtest.NewDatabase(t)
	s, err := Open(context.Background(), url, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, url
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, _ := openFresh(t, Options{})
		return s
	})
}

// TestInternals: the suite's cases that need the store's insides (storetest.Hooks).
func TestInternals(t *testing.T) {
	storetest.RunInternals(t, func(t *testing.T) (store.Store, storetest.Hooks) {
		s, _ := openFresh(t, Options{})
		return s, storetest.Hooks{
			FailCommits: s.faults.Arm,
			RightJSON: func(ctx context.Context, releaseID string) (state []byte, err error) {
				err = s.pool.QueryRow(ctx, "SELECT state FROM rights WHERE release_id = $1", releaseID).Scan(&state)
				return state, err
			},
		}
	})
}

// TestConcurrentOpenMigratesOnce: three nodes starting at once on a fresh database apply the
// migrations exactly once (goose's advisory session lock) and all come up.
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	const nodes = 3
	stores := make([]*Store, nodes)
	errs := make([]error, nodes)
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Go(func() { stores[i], errs[i] = Open(ctx, url, Options{MaxConns: 4}) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	applied, err := stores[0].MigrationsApplied(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fsys, _ := fs.Sub(migrations, "migrations")
	files, _ := fs.Glob(fsys, "*.sql")
	if len(applied) != len(files)+1 { // and 00010, in Go (stakeholders.go)
		t.Fatalf("migrations applied: %v; want each of the %d files and 00010 once", applied, len(files))
	}
	for i := 1; i < len(applied); i++ {
		if applied[i] <= applied[i-1] {
			t.Fatalf("migrations applied: %v; want each once, in order", applied)
		}
	}
	// Every node works on the one schema.
	for i, s := range stores {
		eq := storetest.EquipmentNumber(i)
		m := release.Meta{Now: now, Sender: storetest.Agent, PublicReferenceID: fmt.Sprint("pub-", i), NewReleaseID: fmt.Sprint("rel-", i)}
		if outs, err := s.Apply(ctx, storetest.CommandOp(storetest.Port, eq, storetest.ReleaseCommand(storetest.Port, eq, "R1", nil), m)); err != nil || outs[0].Rejected {
			t.Fatalf("node %d: Apply: %v %+v", i, err, outs)
		}
	}
	// Opening again finds nothing to do.
	again, err := Open(ctx, url, Options{})
	if err != nil {
		t.Fatalf("Open again: %v", err)
	}
	defer again.Close()
	if got, _ := again.MigrationsApplied(ctx); len(got) != len(applied) {
		t.Fatalf("after another Open: %v, want %v", got, applied)
	}
}

var now = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

// TestLeadershipAcrossNodes: of two nodes on one database only one leads a job at a time; the
// other takes over once it is released, or once the leader's session dies.
func TestLeadershipAcrossNodes(t *testing.T) {
	a, url := openFresh(t, Options{})
	b, err := Open(context.Background(), url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	releaseA, ok, err := a.TryLeadership(ctx, "expiry")
	if err != nil || !ok {
		t.Fatalf("first TryLeadership: %v %v", ok, err)
	}
	if _, ok, err := b.TryLeadership(ctx, "expiry"); err != nil || ok {
		t.Fatalf("second node led a job the first leads: %v %v", ok, err)
	}
	if _, ok, err := a.TryLeadership(ctx, "expiry"); err != nil || ok {
		t.Fatalf("the leader's own second try was granted too: %v %v", ok, err)
	}
	releaseOther, ok, err := b.TryLeadership(ctx, "another job")
	if err != nil || !ok {
		t.Fatalf("another job: %v %v", ok, err)
	}
	releaseOther()
	releaseA()
	releaseB, ok, err := b.TryLeadership(ctx, "expiry")
	if err != nil || !ok {
		t.Fatalf("after release: %v %v", ok, err)
	}
	defer releaseB()
	// The leader's session dies (kill -9 of the node, a lost network): the server ends its locks.
	if _, ok, _ := a.TryLeadership(ctx, "expiry"); ok {
		t.Fatalf("granted twice")
	}
	if _, err := a.pool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_locks
WHERE locktype = 'advisory' AND objsubid = 2 AND classid = $1 AND granted`, leaderLockSpace); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		release, ok, err := a.TryLeadership(ctx, "expiry")
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			release()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the leadership of a node whose session died was never handed on")
		}
		time.Sleep(50 * time.Millisecond)
	}
	releaseB() // its session is gone: the release closes the connection, and b still works
	if err := b.Ping(ctx); err != nil {
		t.Fatalf("Ping after the leader's session died: %v", err)
	}
}

// TestBulkAppliesInOppositeOrders: bulk Apply calls naming the same containers in opposite orders,
// many at once, neither deadlock nor lose an update (containers are locked in one order).
func TestBulkAppliesInOppositeOrders(t *testing.T) {
	s, _ := openFresh(t, Options{})
	ctx := context.Background()
	const containers, callers, rounds = 6, 8, 10
	var eqs []string
	var ids []string
	for i := range containers {
		eq := storetest.EquipmentNumber(500 + i)
		m := release.Meta{Now: now, Sender: storetest.Agent, PublicReferenceID: fmt.Sprint("pub-rel-", i), NewReleaseID: fmt.Sprint("rel-", i)}
		outs, err := s.Apply(ctx, storetest.CommandOp(storetest.Port, eq, storetest.ReleaseCommand(storetest.Port, eq, "R1", nil), m))
		if err != nil || outs[0].Rejected {
			t.Fatalf("Release: %v %+v", err, outs)
		}
		eqs, ids = append(eqs, eq), append(ids, outs[0].Changed[0].ReleaseID)
	}
	var wg sync.WaitGroup
	errs := make(chan error, callers*rounds)
	for c := range callers {
		wg.Go(func() {
			for r := range rounds {
				ops := make([]store.Op, containers)
				for i := range containers {
					j := i
					if c%2 == 1 {
						j = containers - 1 - i
					}
					m := release.Meta{Now: now.Add(time.Second), Sender: storetest.Forwarder, PublicReferenceID: fmt.Sprintf("pub-%d-%d", c, r)}
					ops[i] = incrementOp(eqs[j], ids[j], m)
				}
				if _, err := s.Apply(ctx, ops...); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("Apply: %v", err)
	}
	for i, eq := range eqs {
		c, err := s.Container(ctx, storetest.Port, eq, now.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Rights[0].Details.VoyageNumber; got != fmt.Sprint(callers*rounds) {
			t.Errorf("container %d: counter %s after %d increments", i, got, callers*rounds)
		}
	}
}

// incrementOp adds one to the counter kept in a right's VoyageNumber (a read-modify-write).
func incrementOp(equipment, releaseID string, m release.Meta) store.Op {
	return store.Op{
		PortLoCode: storetest.Port, EquipmentNumber: equipment,
		Decide: func(c *release.Container) release.Outcome {
			for _, r := range c.Rights {
				if r.ReleaseID == releaseID {
					next := r.Clone()
					n, _ := strconv.Atoi(next.Details.VoyageNumber)
					next.Details.VoyageNumber = strconv.Itoa(n + 1)
					return release.Outcome{Changed: []*release.Right{next}}
				}
			}
			return release.Outcome{Rejected: true, Reason: "not found"}
		},
		Audit: store.Audit{PublicReferenceID: m.PublicReferenceID, CompanyID: m.Sender.NxtEntityID, Action: "Increment",
			EquipmentNumber: equipment, At: m.Now},
	}
}

// TestClosed: Apply on a closed store fails with ErrClosed.
func TestClosed(t *testing.T) {
	s, _ := openFresh(t, Options{})
	s.Close()
	eq := storetest.EquipmentNumber(1)
	m := release.Meta{Now: now, Sender: storetest.Agent, PublicReferenceID: "pub", NewReleaseID: "rel"}
	if _, err := s.Apply(context.Background(), storetest.CommandOp(storetest.Port, eq, storetest.ReleaseCommand(storetest.Port, eq, "R1", nil), m)); !errors.Is(err, ErrClosed) {
		t.Fatalf("Apply after Close: %v, want ErrClosed", err)
	}
}

// TestPanickingDecide: a rule that panics fails its own Apply, with nothing written, and the
// connection goes back to the pool usable.
func TestPanickingDecide(t *testing.T) {
	s, _ := openFresh(t, Options{MaxConns: 1})
	ctx := context.Background()
	boom := store.Op{PortLoCode: storetest.Port, EquipmentNumber: storetest.EquipmentNumber(9),
		Decide: func(*release.Container) release.Outcome { panic("boom") },
		Audit:  store.Audit{PublicReferenceID: "pub-boom", Action: "Boom", At: now}}
	if _, err := s.Apply(ctx, boom); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("panicking op: %v", err)
	}
	eq := storetest.EquipmentNumber(1)
	m := release.Meta{Now: now, Sender: storetest.Agent, PublicReferenceID: "pub", NewReleaseID: "rel"}
	if outs, err := s.Apply(ctx, storetest.CommandOp(storetest.Port, eq, storetest.ReleaseCommand(storetest.Port, eq, "R1", nil), m)); err != nil || outs[0].Rejected {
		t.Fatalf("Apply after a panicking op: %v %+v", err, outs)
	}
	if a, _ := s.AuditTrail(ctx, "pub-boom", ""); len(a) != 0 {
		t.Errorf("the panicking op left %d audit records", len(a))
	}
}

func TestOutbox(t *testing.T) {
	storetest.RunOutbox(t, func(t *testing.T) store.Store {
		s, _ := openFresh(t, Options{})
		return s
	})
}
