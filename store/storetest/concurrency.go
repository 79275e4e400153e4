package storetest

import (
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// CounterOp increments the counter the suite keeps in the right's VoyageNumber: a read-modify-write
// that loses increments as soon as two ops run against the same old state, and counts twice an op
// applied twice.
func CounterOp(equipment, releaseID string, m release.Meta) store.Op {
	return store.Op{
		PortLoCode: Port, EquipmentNumber: equipment,
		Decide: func(c *release.Container) release.Outcome {
			for _, r := range c.Rights {
				if r.ReleaseID != releaseID {
					continue
				}
				next := r.Clone()
				n, _ := strconv.Atoi(next.Details.VoyageNumber)
				next.Details.VoyageNumber = strconv.Itoa(n + 1)
				next.UpdatedAt = m.Now
				return release.Outcome{Changed: []*release.Right{next}}
			}
			return release.Outcome{Rejected: true, Reason: "right " + releaseID + " not found"}
		},
		Audit: store.Audit{PublicReferenceID: m.PublicReferenceID, CompanyID: m.Sender.NxtEntityID,
			Action: "Increment", EquipmentNumber: equipment, At: m.Now},
	}
}

// testConcurrentCounter: 50 goroutines incrementing the same right concurrently never lose an update.
func testConcurrentCounter(t *testing.T, w *world) {
	const workers = 50
	eq := EquipmentNumber(10)
	r := w.release(Port, eq, "R1", nil, base)
	ops := make([]store.Op, workers)
	for i := range ops {
		ops[i] = CounterOp(eq, r.ReleaseID, w.meta(Forwarder, base.Add(time.Duration(i+1)*time.Millisecond)))
	}
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for _, op := range ops {
		wg.Go(func() {
			outs, err := w.s.Apply(w.ctx, op)
			if err == nil && outs[0].Rejected {
				err = fmt.Errorf("rejected: %s", outs[0].Reason)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Apply: %v", err)
		}
	}
	c := w.container(Port, eq, base.Add(time.Second))
	if len(c.Rights) != 1 || c.Rights[0].Details.VoyageNumber != strconv.Itoa(workers) {
		t.Fatalf("after %d concurrent increments the counter is %q", workers, c.Rights[0].Details.VoyageNumber)
	}
	if a := w.auditTrail("", eq); len(a) != workers+1 {
		t.Errorf("audit trail has %d records, want %d", len(a), workers+1)
	}
}

// testConcurrentTransfers: ten transfers of the same right to ten parties at once: exactly one
// wins, the others find the right pending.
func testConcurrentTransfers(t *testing.T, w *world) {
	const parties = 10
	eq := EquipmentNumber(11)
	w.release(Port, eq, "R1", nil, base)
	ops := make([]store.Op, parties)
	for i := range ops {
		to := release.Party{NxtEntityID: fmt.Sprintf("forwarder-%04d", i+2), Name: fmt.Sprintf("Forwarder %d", i+2),
			Roles: []release.Role{release.RoleReleaseParty}}
		ops[i] = CommandOp(Port, eq, RightCommand(release.ActionTransfer, Port, eq, "R1", Agent, to), w.meta(Agent, base.Add(time.Second)))
	}
	outs := make([]release.Outcome, parties)
	errs := make([]error, parties)
	var wg sync.WaitGroup
	for i, op := range ops {
		wg.Go(func() {
			var res []release.Outcome
			if res, errs[i] = w.s.Apply(w.ctx, op); errs[i] == nil {
				outs[i] = res[0]
			}
		})
	}
	wg.Wait()
	winner := -1
	for i := range outs {
		if errs[i] != nil {
			t.Fatalf("Apply: %v", errs[i])
		}
		if !outs[i].Rejected {
			if winner >= 0 {
				t.Fatalf("transfers %d and %d both accepted", winner, i)
			}
			winner = i
		}
	}
	if winner < 0 {
		t.Fatalf("every concurrent transfer was rejected")
	}
	c := w.container(Port, eq, base.Add(time.Minute))
	sameRights(t, c.Rights, outs[winner].Changed)
}

// testFailingOpFailsAlone: an op whose outcome cannot be stored fails only its own caller, whatever
// other ops are applied at the same time.
func testFailingOpFailsAlone(t *testing.T, w *world) {
	const good = 20
	ops := make([]store.Op, good)
	for i := range ops {
		eq := EquipmentNumber(100 + i)
		ops[i] = CommandOp(Port, eq, ReleaseCommand(Port, eq, "R1", nil), w.meta(Agent, base))
	}
	bad := unstorable(EquipmentNumber(99), w.meta(Agent, base))
	errs := make([]error, good)
	var badErr error
	var wg sync.WaitGroup
	for i, op := range ops {
		wg.Go(func() {
			var outs []release.Outcome
			if outs, errs[i] = w.s.Apply(w.ctx, op); errs[i] == nil && outs[0].Rejected {
				errs[i] = fmt.Errorf("rejected: %s", outs[0].Reason)
			}
		})
		if i == good/2 {
			wg.Go(func() { _, badErr = w.s.Apply(w.ctx, bad) })
		}
	}
	wg.Wait()
	if badErr == nil {
		t.Errorf("the op that cannot be stored succeeded")
	}
	for i, err := range errs {
		if err != nil {
			t.Errorf("op %d failed beside a failing op: %v", i, err)
			continue
		}
		if c := w.container(Port, ops[i].EquipmentNumber, base); len(c.Rights) != 1 {
			t.Errorf("op %d: %d rights stored", i, len(c.Rights))
		}
	}
	if a := w.auditTrail(bad.Audit.PublicReferenceID, ""); len(a) != 0 {
		t.Errorf("the failing op left %d audit records", len(a))
	}
}
