package storetest

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// testConcurrentPipeline: commands commit while several nodes dispatch, claim and complete at the
// same time (as every node of a PostgreSQL deployment does). Every notification is delivered once
// per channel that wants it, and the deliveries of one container reach a channel in seq order,
// whatever interleaving of dispatches, failed attempts and queue heads ending.
func testConcurrentPipeline(t *testing.T, w *outboxWorld) {
	a := w.channel("fwd-a", Forwarder.NxtEntityID)
	b := w.channel("fwd-b", Forwarder.NxtEntityID, release.TypeReleaseLight)
	const writers, commands, containers = 4, 40, 8
	var written atomic.Int64
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			for i := range commands {
				eq := EquipmentNumber(200 + (g*commands+i)%containers)
				typ := release.TypeReleaseLight
				if i%3 == 0 {
					typ = release.TypeReleaseRight
				}
				n := release.Notification{ReceiverID: Forwarder.NxtEntityID, Type: typ, Event: "Test", EquipmentNumber: eq,
					PublicReferenceID: fmt.Sprintf("pipe-%d-%d", g, i), Timestamp: base}
				op := store.Op{PortLoCode: Port, EquipmentNumber: eq,
					Decide: func(*release.Container) release.Outcome {
						return release.Outcome{Notifications: []release.Notification{n}}
					},
					Audit: store.Audit{PublicReferenceID: n.PublicReferenceID, CompanyID: Agent.NxtEntityID, Action: "Test", EquipmentNumber: eq, At: base}}
				if _, err := w.s.Apply(w.ctx, op); err != nil {
					t.Errorf("Apply: %v", err)
					return
				}
				written.Add(1)
			}
		})
	}

	type queueKey struct{ channel, eq string }
	var mu sync.Mutex
	lastSeq := map[queueKey]int64{} // the latest seq claimed per queue
	deliveredTo := map[string]int{} // "channel/seq" → deliveries
	var claimed, done atomic.Int64  // deliveries claimed, and delivered
	stop := make(chan struct{})
	var nodes sync.WaitGroup
	for n := range 3 {
		node := fmt.Sprintf("node-%d", n)
		rng := rand.New(rand.NewPCG(uint64(n), 7))
		nodes.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := w.o.DispatchNotifications(w.ctx, store.DispatchRequest{Now: base, ExpiresAt: base.Add(24 * time.Hour), Limit: 7}); err != nil {
					t.Errorf("DispatchNotifications: %v", err)
					return
				}
				ds, err := w.o.ClaimDeliveries(w.ctx, store.ClaimRequest{Node: node, Now: base, LeaseUntil: base.Add(time.Minute),
					Limits: map[string]int{a.ID: 5, b.ID: 5}})
				if err != nil {
					t.Errorf("ClaimDeliveries: %v", err)
					return
				}
				var results []store.DeliveryResult
				mu.Lock()
				for _, d := range ds {
					claimed.Add(1)
					q := queueKey{d.ChannelID, d.Notification.EquipmentNumber}
					if d.Seq < lastSeq[q] {
						t.Errorf("%s claimed seq %d of %s after seq %d", node, d.Seq, q, lastSeq[q])
					}
					lastSeq[q] = d.Seq
					if rng.IntN(4) == 0 { // a failed attempt, due again at once
						results = append(results, failed(d, node, store.OutcomeRetry, base, base))
						continue
					}
					deliveredTo[fmt.Sprintf("%s/%d", d.ChannelID, d.Seq)]++
					results = append(results, delivered(d, node, base))
					done.Add(1)
				}
				mu.Unlock()
				if err := w.o.CompleteDeliveries(w.ctx, results); err != nil {
					t.Errorf("CompleteDeliveries: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	// Each notification goes to fwd-a; those of type ReleaseLight (two in three) to fwd-b too.
	want := int64(0)
	for i := range commands {
		want += writers
		if i%3 != 0 {
			want += writers
		}
	}
	// The nodes go on until everything is delivered, or until it is clear that something is
	// stranded (a bound, not a timing expectation: it takes well under a second).
	for deadline := time.Now().Add(30 * time.Second); done.Load() < want && !t.Failed() && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	close(stop)
	nodes.Wait()
	if written.Load() != writers*commands {
		t.Fatalf("wrote %d commands", written.Load())
	}
	mu.Lock()
	defer mu.Unlock()
	if int64(len(deliveredTo)) != want {
		t.Errorf("delivered %d notifications, want %d (claimed %d)", len(deliveredTo), want, claimed.Load())
	}
	for k, n := range deliveredTo {
		if n != 1 {
			t.Errorf("%s delivered %d times", k, n)
		}
	}
	if st, err := w.o.OutboxStats(w.ctx); err != nil || st.Pending != 0 || st.Undispatched != 0 {
		t.Errorf("OutboxStats = %+v, %v: something is stranded", st, err)
	}
}
