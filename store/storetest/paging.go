package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// testPagingBesideWriters: readers that page with AfterSeq while writers commit concurrently read
// every notification once, in seq order, and skip none. With concurrent transactions seqs may be
// taken in one order and committed in another: a store must not let a reader see seq 6 while a
// writer that holds seq 5 has yet to commit, or the reader, paging on "after 6", never sees 5.
func testPagingBesideWriters(t *testing.T, w *world) {
	const writers, perWriter = 8, 30
	// The ops are built up front: world's counter is not for concurrent use.
	ops := make([][]store.Op, writers)
	for g := range writers {
		for i := range perWriter {
			eq := EquipmentNumber(1000 + g*perWriter + i)
			var to *release.Party
			if i%3 == 0 {
				to = &Forwarder // five notifications instead of two: a longer write
			}
			ops[g] = append(ops[g], CommandOp(Port, eq, ReleaseCommand(Port, eq, "R1", to), w.meta(Agent, base.Add(time.Duration(i)*time.Second))))
		}
	}

	done := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for g := range writers {
		wg.Go(func() {
			for _, op := range ops[g] {
				outs, err := w.s.Apply(w.ctx, op)
				if err == nil && outs[0].Rejected {
					err = fmt.Errorf("rejected: %s", outs[0].Reason)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	go func() { wg.Wait(); close(done) }()

	// Three pagers: one company's notifications in small pages, everyone's, and everyone's heads
	// (NotificationHeads, the console's live cursor).
	type pager struct {
		q     store.NotificationQuery
		heads bool
		got   []store.StoredNotification
		fail  error
	}
	pagers := []*pager{
		{q: store.NotificationQuery{ReceiverID: Agent.NxtEntityID, Limit: 3}},
		{q: store.NotificationQuery{Limit: 7}},
		{q: store.NotificationQuery{Limit: 5}, heads: true},
	}
	var pw sync.WaitGroup
	for _, p := range pagers {
		pw.Go(func() {
			finished := false
			for {
				select {
				case <-done:
					finished = true
				default:
				}
				q := p.q
				if len(p.got) > 0 {
					q.AfterSeq = p.got[len(p.got)-1].Seq
				}
				page, err := w.s.Notifications(w.ctx, q)
				if p.heads {
					page, err = headsPage(w, q.AfterSeq, q.Limit)
				}
				if err != nil {
					p.fail = err
					return
				}
				p.got = append(p.got, page...)
				// Read on until a page comes back empty after every writer finished.
				if len(page) == 0 && finished {
					return
				}
			}
		})
	}
	pw.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("Apply: %v", err)
	}
	for _, p := range pagers {
		if p.fail != nil {
			t.Fatalf("Notifications(%+v): %v", p.q, p.fail)
		}
		all := p.q
		all.Limit = 0
		want := w.notifications(all)
		if len(want) < writers*perWriter {
			t.Fatalf("only %d notifications stored", len(want))
		}
		if len(p.got) != len(want) {
			t.Errorf("paging %+v beside writers read %d notifications, %d are stored: %s", p.q, len(p.got), len(want), missing(p.got, want))
			continue
		}
		for i := range want {
			if p.got[i].Seq != want[i].Seq {
				t.Errorf("paging %+v: notification %d has seq %d, want %d", p.q, i, p.got[i].Seq, want[i].Seq)
				break
			}
		}
	}
}

// headsPage is a page of NotificationHeads as notifications of which only the head is filled in.
func headsPage(w *world, after int64, limit int) ([]store.StoredNotification, error) {
	heads, err := w.s.NotificationHeads(w.ctx, after, limit)
	page := make([]store.StoredNotification, len(heads))
	for i, h := range heads {
		page[i] = store.StoredNotification{Seq: h.Seq, ReceiverID: h.ReceiverID, EquipmentNumber: h.EquipmentNumber}
	}
	return page, err
}

// missing describes the seqs of want that got lacks.
func missing(got, want []store.StoredNotification) string {
	seen := make(map[int64]bool, len(got))
	for _, n := range got {
		seen[n.Seq] = true
	}
	var out []int64
	for _, n := range want {
		if !seen[n.Seq] {
			out = append(out, n.Seq)
		}
	}
	return fmt.Sprintf("missing seqs %v", out)
}
