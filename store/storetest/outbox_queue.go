package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// queueOf stores n notifications for the forwarder on container eq and dispatches them to ch.
func (w *outboxWorld) queueOf(eq string, n int, at time.Time) []int64 {
	w.t.Helper()
	var out []int64
	for range n {
		out = append(out, w.notify(eq, release.TypeReleaseLight, at, Forwarder.NxtEntityID)[0].Seq)
	}
	w.dispatch(at)
	return out
}

// testClaimOrder: a queue hands out one delivery at a time, in seq order, the next once the
// previous is delivered.
func testClaimOrder(t *testing.T, w *outboxWorld) {
	c := w.channel("fwd", Forwarder.NxtEntityID)
	want := w.queueOf(EquipmentNumber(1), 4, base)
	now := base.Add(time.Second)
	for i, seq := range want {
		got := w.claim("node-1", now, map[string]int{c.ID: 10})
		if len(got) != 1 || got[0].Seq != seq {
			t.Fatalf("claim %d: seqs %v, want [%d]", i, seqs(got), seq)
		}
		d := got[0]
		if string(d.Notification.Message) == "" || d.Notification.ReceiverID != Forwarder.NxtEntityID || d.LeasedBy != "node-1" ||
			d.Notification.EquipmentNumber != EquipmentNumber(1) {
			t.Errorf("claimed delivery %+v", d)
		}
		if again := w.claim("node-2", now, map[string]int{c.ID: 10}); len(again) != 0 {
			t.Fatalf("claimed %v while seq %d is in flight", seqs(again), seq)
		}
		w.complete(delivered(d, "node-1", now))
	}
	if got := w.claim("node-1", now, map[string]int{c.ID: 10}); len(got) != 0 {
		t.Errorf("claimed %v after everything was delivered", seqs(got))
	}
	for _, d := range w.list(c.ID) {
		if d.Status != store.DeliveryDelivered || d.Attempts != 1 || !d.DeliveredAt.Equal(now) || d.Last.StatusCode != 204 {
			t.Errorf("delivered delivery %+v", d)
		}
	}
}

// testClaimIndependent: a container waiting on a failing delivery holds back neither the other
// containers of its channel nor the same container on another channel.
func testClaimIndependent(t *testing.T, w *outboxWorld) {
	a := w.channel("fwd-a", Forwarder.NxtEntityID)
	b := w.channel("fwd-b", Forwarder.NxtEntityID)
	eq1, eq2 := EquipmentNumber(1), EquipmentNumber(2)
	w.queueOf(eq1, 2, base)
	w.queueOf(eq2, 2, base)
	now := base.Add(time.Second)
	got := w.claim("n", now, map[string]int{a.ID: 10})
	if len(got) != 2 || got[0].Notification.EquipmentNumber == got[1].Notification.EquipmentNumber {
		t.Fatalf("channel a: claimed %+v, want the heads of both containers", got)
	}
	for _, d := range got {
		if d.Notification.EquipmentNumber == eq1 {
			w.complete(failed(d, "n", store.OutcomeRetry, now, now.Add(time.Hour)))
		} else {
			w.complete(delivered(d, "n", now))
		}
	}
	next := w.claim("n", now, map[string]int{a.ID: 10, b.ID: 10})
	var onA, onB []string
	for _, d := range next {
		if d.ChannelID == a.ID {
			onA = append(onA, d.Notification.EquipmentNumber)
		} else {
			onB = append(onB, d.Notification.EquipmentNumber)
		}
	}
	slices.Sort(onB)
	if fmt.Sprint(onA) != fmt.Sprint([]string{eq2}) || fmt.Sprint(onB) != fmt.Sprint([]string{eq1, eq2}) {
		t.Errorf("claimed on a %v (want %v), on b %v (want both)", onA, []string{eq2}, onB)
	}
}

func testClaimLimits(t *testing.T, w *outboxWorld) {
	c := w.channel("fwd", Forwarder.NxtEntityID)
	other := w.channel("agent", Agent.NxtEntityID)
	for i := range 5 {
		w.notify(EquipmentNumber(i), release.TypeReleaseLight, base, Forwarder.NxtEntityID, Agent.NxtEntityID)
	}
	w.dispatch(base)
	if got := w.claim("n", base.Add(-time.Second), map[string]int{c.ID: 10}); len(got) != 0 {
		t.Errorf("claimed %d deliveries before they were due", len(got))
	}
	got := w.claim("n", base, map[string]int{c.ID: 2, other.ID: 0})
	if len(got) != 2 || got[0].ChannelID != c.ID || got[0].Seq > got[1].Seq {
		t.Errorf("claim with limit 2: %+v", seqs(got))
	}
	if got := w.claim("n", base, map[string]int{}); len(got) != 0 {
		t.Errorf("a claim without limits took %d", len(got))
	}
	if got := w.claim("n", base, map[string]int{c.ID: 10, other.ID: 10}); len(got) != 8 {
		t.Errorf("claimed %d, want the 3 left on one channel and 5 on the other", len(got))
	}
}

func testUnordered(t *testing.T, w *outboxWorld) {
	c := w.channel("fwd", Forwarder.NxtEntityID)
	w.queueOf("", 3, base)
	if got := w.claim("n", base, map[string]int{c.ID: 10}); len(got) != 3 {
		t.Errorf("claimed %d of 3 notifications without a container, want all at once", len(got))
	}
}

func testLeaseExpiry(t *testing.T, w *outboxWorld) {
	c := w.channel("fwd", Forwarder.NxtEntityID)
	w.queueOf(EquipmentNumber(1), 1, base)
	first := w.claim("node-1", base, map[string]int{c.ID: 1}) // leased until base + 1 min
	if len(first) != 1 {
		t.Fatal("nothing claimed")
	}
	if got := w.claim("node-2", base.Add(59*time.Second), map[string]int{c.ID: 1}); len(got) != 0 {
		t.Errorf("claimed during another node's lease")
	}
	got := w.claim("node-2", base.Add(time.Minute), map[string]int{c.ID: 1})
	if len(got) != 1 || got[0].ID != first[0].ID || got[0].LeasedBy != "node-2" {
		t.Fatalf("after the lease ran out, node-2 claimed %+v", got)
	}
	if d := w.delivery(c.ID, first[0].ID); d.LeasedBy != "node-2" || !d.LeasedUntil.Equal(base.Add(2*time.Minute)) {
		t.Errorf("lease now %s until %s", d.LeasedBy, d.LeasedUntil)
	}
}

// testConcurrentClaims: nodes claiming at once never get the same delivery.
func testConcurrentClaims(t *testing.T, w *outboxWorld) {
	c := w.channel("fwd", Forwarder.NxtEntityID)
	const containers = 60
	for i := range containers {
		w.notify(EquipmentNumber(100+i), release.TypeReleaseLight, base, Forwarder.NxtEntityID)
	}
	w.dispatch(base)
	var mu sync.Mutex
	seen := map[string]string{}
	var wg sync.WaitGroup
	for n := range 6 {
		node := fmt.Sprintf("node-%d", n)
		wg.Go(func() {
			for range 10 {
				ds, err := w.o.ClaimDeliveries(w.ctx, store.ClaimRequest{Node: node, Now: base, LeaseUntil: base.Add(time.Minute),
					Limits: map[string]int{c.ID: 3}})
				if err != nil {
					t.Errorf("ClaimDeliveries: %v", err)
					return
				}
				mu.Lock()
				for _, d := range ds {
					if other, ok := seen[d.ID]; ok {
						t.Errorf("delivery %s claimed by %s and %s", d.ID, other, node)
					}
					seen[d.ID] = node
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != containers {
		t.Errorf("claimed %d deliveries, want %d", len(seen), containers)
	}
}

func testRetry(t *testing.T, w *outboxWorld) {
	c := w.channel("fwd", Forwarder.NxtEntityID)
	w.queueOf(EquipmentNumber(1), 2, base)
	d := w.claim("n", base, map[string]int{c.ID: 1})[0]
	retryAt := base.Add(10 * time.Second)
	w.complete(failed(d, "n", store.OutcomeRetry, base.Add(time.Second), retryAt))
	if got := w.claim("n", retryAt.Add(-time.Millisecond), map[string]int{c.ID: 5}); len(got) != 0 {
		t.Errorf("claimed %v before the retry time (the second delivery must wait too)", seqs(got))
	}
	got := w.claim("n", retryAt, map[string]int{c.ID: 5})
	if len(got) != 1 || got[0].ID != d.ID || got[0].Attempts != 1 || got[0].Last.StatusCode != 500 || got[0].Last.Error != "HTTP 500" {
		t.Fatalf("retry claim: %+v", got)
	}
	w.complete(delivered(got[0], "n", retryAt.Add(time.Second)))
	after := w.delivery(c.ID, d.ID)
	if after.Status != store.DeliveryDelivered || after.Attempts != 2 || len(after.Recent) != 2 ||
		after.Recent[0].StatusCode != 204 || after.Recent[1].StatusCode != 500 || after.Recent[1].Latency != 7*time.Millisecond ||
		!after.Recent[1].At.Equal(base.Add(time.Second)) {
		t.Errorf("after retry and delivery: %+v", after)
	}
}

func testDeadAndReplay(t *testing.T, w *outboxWorld) {
	c := w.channel("fwd", Forwarder.NxtEntityID)
	queue := w.queueOf(EquipmentNumber(1), 3, base)
	first := w.claim("n", base, map[string]int{c.ID: 5})[0]
	w.complete(failed(first, "n", store.OutcomeDead, base.Add(time.Second), time.Time{}))
	if d := w.delivery(c.ID, first.ID); d.Status != store.DeliveryDead || d.Attempts != 1 {
		t.Errorf("dead delivery: %+v", d)
	}
	second := w.claim("n", base.Add(time.Second), map[string]int{c.ID: 5})
	if len(second) != 1 || second[0].Seq != queue[1] {
		t.Fatalf("after a dead letter the queue goes on with %v, want [%d]", seqs(second), queue[1])
	}
	// Replayed while the second is in flight (leased for a minute): it queues behind the pending ones.
	now := base.Add(30 * time.Second)
	r, err := w.o.ReplayDelivery(w.ctx, c.ID, first.ID, now, now.Add(24*time.Hour))
	if err != nil || r.Status != store.DeliveryPending || !r.NextAttemptAt.Equal(now) || !r.ExpiresAt.Equal(now.Add(24*time.Hour)) {
		t.Fatalf("ReplayDelivery: %+v %v", r, err)
	}
	if _, err := w.o.ReplayDelivery(w.ctx, c.ID, first.ID, now, now); !errors.Is(err, store.ErrConflict) {
		t.Errorf("replaying a pending delivery: %v, want ErrConflict", err)
	}
	if _, err := w.o.ReplayDelivery(w.ctx, "other", first.ID, now, now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("replaying through another channel: %v, want ErrNotFound", err)
	}
	if got := w.claim("n", now, map[string]int{c.ID: 5}); len(got) != 0 {
		t.Errorf("claimed %v while the queue's head is in flight", seqs(got))
	}
	w.complete(delivered(second[0], "n", now))
	var order []int64
	for {
		got := w.claim("n", now, map[string]int{c.ID: 5})
		if len(got) == 0 {
			break
		}
		if len(got) != 1 {
			t.Fatalf("claimed %v at once from one queue", seqs(got))
		}
		order = append(order, got[0].Seq)
		w.complete(delivered(got[0], "n", now))
	}
	if want := []int64{queue[0], queue[2]}; fmt.Sprint(order) != fmt.Sprint(want) {
		t.Errorf("after the replay the queue went %v, want %v", order, want)
	}
	if d := w.delivery(c.ID, first.ID); d.Status != store.DeliveryDelivered || d.Attempts != 2 {
		t.Errorf("replayed delivery: %+v", d)
	}
}

// testLostLease: once another node took a delivery over, the first node's late results change
// nothing, except that a 2xx still counts as delivered.
func testLostLease(t *testing.T, w *outboxWorld) {
	c := w.channel("fwd", Forwarder.NxtEntityID)
	w.queueOf(EquipmentNumber(1), 2, base)
	d := w.claim("old", base, map[string]int{c.ID: 1})[0]
	later := base.Add(2 * time.Minute)
	taken := w.claim("new", later, map[string]int{c.ID: 1})
	if len(taken) != 1 {
		t.Fatal("the expired lease was not taken over")
	}
	w.complete(failed(d, "old", store.OutcomeDead, later, time.Time{}), failed(d, "old", store.OutcomeRetry, later, later.Add(time.Hour)),
		store.DeliveryResult{ID: d.ID, Node: "old", Outcome: store.OutcomeReleased})
	if got := w.delivery(c.ID, d.ID); got.Status != store.DeliveryPending || got.LeasedBy != "new" || !got.NextAttemptAt.Equal(base) {
		t.Errorf("a lost lease's results changed the delivery: %+v", got)
	}
	w.complete(delivered(d, "old", later))
	if got := w.delivery(c.ID, d.ID); got.Status != store.DeliveryDelivered {
		t.Errorf("a late 2xx of the old lease: %+v", got)
	}
	w.complete(failed(taken[0], "new", store.OutcomeRetry, later, later.Add(time.Hour)))
	if got := w.delivery(c.ID, d.ID); got.Status != store.DeliveryDelivered {
		t.Errorf("a failure after delivery undid it: %+v", got)
	}
	if got := w.claim("new", later, map[string]int{c.ID: 5}); len(got) != 1 || got[0].ID == d.ID {
		t.Errorf("the next of the queue: %+v", seqs(got))
	}
}

func testReleaseLeases(t *testing.T, w *outboxWorld) {
	c := w.channel("fwd", Forwarder.NxtEntityID)
	for i := range 3 {
		w.queueOf(EquipmentNumber(i), 1, base)
	}
	ds := w.claim("node-1", base, map[string]int{c.ID: 2})
	w.claim("node-2", base, map[string]int{c.ID: 1})
	n, err := w.o.ReleaseLeases(w.ctx, "node-1")
	if err != nil || n != 2 {
		t.Fatalf("ReleaseLeases = %d, %v; want 2", n, err)
	}
	got := w.claim("node-1", base, map[string]int{c.ID: 5})
	if len(got) != 2 || (got[0].ID != ds[0].ID && got[0].ID != ds[1].ID) {
		t.Errorf("after release, claimed %+v", seqs(got))
	}
	// A release of one claim (shutdown) counts no attempt.
	w.complete(store.DeliveryResult{ID: got[0].ID, Node: "node-1", Outcome: store.OutcomeReleased})
	if d := w.delivery(c.ID, got[0].ID); d.LeasedBy != "" || d.Attempts != 0 || len(d.Recent) != 0 {
		t.Errorf("released delivery: %+v", d)
	}
}

func testRetryNow(t *testing.T, w *outboxWorld) {
	c := w.channel("fwd", Forwarder.NxtEntityID)
	for i := range 3 {
		w.queueOf(EquipmentNumber(i), 1, base)
	}
	ds := w.claim("n", base, map[string]int{c.ID: 3})
	w.complete(failed(ds[0], "n", store.OutcomeRetry, base, base.Add(time.Hour)), failed(ds[1], "n", store.OutcomeRetry, base, base.Add(time.Hour)))
	now := base.Add(30 * time.Second)
	n, err := w.o.RetryNow(w.ctx, c.ID, now)
	if err != nil || n != 2 {
		t.Fatalf("RetryNow = %d, %v; want 2 (the third is in flight)", n, err)
	}
	if got := w.claim("n", now, map[string]int{c.ID: 5}); len(got) != 2 {
		t.Errorf("after RetryNow claimed %d, want 2", len(got))
	}
}

func testDeliveriesList(t *testing.T, w *outboxWorld) {
	c := w.channel("fwd", Forwarder.NxtEntityID)
	other := w.channel("agent", Agent.NxtEntityID)
	for i := range 5 {
		w.notify(EquipmentNumber(i), release.TypeReleaseLight, base, Forwarder.NxtEntityID, Agent.NxtEntityID)
	}
	w.dispatch(base)
	ds := w.claim("n", base, map[string]int{c.ID: 5})
	w.complete(failed(ds[0], "n", store.OutcomeDead, base, time.Time{}), delivered(ds[1], "n", base))
	all := w.list(c.ID)
	if len(all) != 5 || !slices.IsSortedFunc(all, func(a, b store.Delivery) int { return int(b.Seq - a.Seq) }) {
		t.Fatalf("Deliveries: %v, want 5 newest first", seqs(all))
	}
	for _, d := range all {
		if d.ChannelID != c.ID || d.Notification.ReceiverID != Forwarder.NxtEntityID || d.Notification.Event != "Test" ||
			d.Notification.PublicReferenceID == "" || d.Notification.StoredOn.IsZero() {
			t.Errorf("listed delivery %+v", d)
		}
	}
	dead := store.DeliveryDead
	got, err := w.o.Deliveries(w.ctx, store.DeliveryQuery{ChannelID: c.ID, Status: &dead})
	if err != nil || len(got) != 1 || got[0].ID != ds[0].ID || len(got[0].Recent) != 1 || got[0].Recent[0].StatusCode != 500 {
		t.Errorf("dead letters: %+v %v", got, err)
	}
	page, err := w.o.Deliveries(w.ctx, store.DeliveryQuery{ChannelID: c.ID, Limit: 2, BeforeSeq: all[1].Seq})
	if err != nil || fmt.Sprint(seqs(page)) != fmt.Sprint(seqs(all[2:4])) {
		t.Errorf("page after %d: %v, want %v (%v)", all[1].Seq, seqs(page), seqs(all[2:4]), err)
	}
	if got := w.list(other.ID); len(got) != 5 || got[0].Notification.ReceiverID != Agent.NxtEntityID {
		t.Errorf("the other channel lists %d", len(got))
	}
}

func testDeleteChannelDeliveries(t *testing.T, w *outboxWorld) {
	c := w.channel("fwd", Forwarder.NxtEntityID)
	w.queueOf(EquipmentNumber(1), 2, base)
	d := w.claim("n", base, map[string]int{c.ID: 5})[0]
	if err := w.o.DeleteChannel(w.ctx, Forwarder.NxtEntityID, c.ID); err != nil {
		t.Fatal(err)
	}
	// The attempt in flight when the channel went ends harmlessly.
	w.complete(delivered(d, "n", base))
	if st, err := w.o.OutboxStats(w.ctx); err != nil || st.Pending != 0 {
		t.Errorf("after deleting the channel: %+v %v", st, err)
	}
	if got, err := w.o.Deliveries(w.ctx, store.DeliveryQuery{ChannelID: c.ID}); err != nil || len(got) != 0 {
		t.Errorf("deliveries of a deleted channel: %d %v", len(got), err)
	}
}

func testStatsAndPrune(t *testing.T, w *outboxWorld) {
	c := w.channel("fwd", Forwarder.NxtEntityID)
	for i := range 4 {
		w.notify(EquipmentNumber(i), release.TypeReleaseLight, base, Forwarder.NxtEntityID, Agent.NxtEntityID)
	}
	if st, err := w.o.OutboxStats(w.ctx); err != nil || st.Undispatched != 8 || st.Pending != 0 {
		t.Errorf("before dispatch: %+v %v", st, err)
	}
	w.dispatch(base)
	ds := w.claim("n", base, map[string]int{c.ID: 5})
	w.complete(delivered(ds[0], "n", base), failed(ds[1], "n", store.OutcomeDead, base, time.Time{}))
	if st, err := w.o.OutboxStats(w.ctx); err != nil || st != (store.OutboxStats{Undispatched: 0, Pending: 2, Dead: 1}) {
		t.Errorf("after dispatch: %+v %v", st, err)
	}
	if n, err := w.o.PruneDeliveries(w.ctx, base); err != nil || n != 0 {
		t.Errorf("prune before base: %d %v", n, err)
	}
	if n, err := w.o.PruneDeliveries(w.ctx, base.Add(time.Second)); err != nil || n != 2 {
		t.Errorf("prune: %d %v, want the delivered and the dead one", n, err)
	}
	if got := w.list(c.ID); len(got) != 2 || got[0].Status != store.DeliveryPending {
		t.Errorf("left after prune: %+v", got)
	}
}
