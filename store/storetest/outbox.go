package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// RunOutbox runs the suite of store.Outbox. open must return a fresh, empty store for each
// subtest; RunOutbox closes it when the subtest ends.
//
// Besides what store.Outbox documents, the suite holds every outbox to these choices:
//   - Channel.Types nil and empty are the same (all types) and read back as nil.
//   - A delivery's ID starts with "msg_" and is unique across channels.
//   - Deliveries of one channel and container are claimed one at a time in seq order, whatever
//     else is queued; no claim waits for another channel or container.
//   - A result of a node whose lease was taken over changes nothing but Delivered.
func RunOutbox(t *testing.T, open func(t *testing.T) store.Store) {
	for _, tc := range []struct {
		name string
		test func(t *testing.T, w *outboxWorld)
	}{
		{"Channels", testChannels},
		{"ChannelsOfAnotherCompany", testChannelsOfAnotherCompany},
		{"DispatchFansOutToWantingChannels", testDispatchFanOut},
		{"DispatchEachNotificationOnce", testDispatchOnce},
		{"DispatchLimit", testDispatchLimit},
		{"DispatchCommandsAcrossCompanies", testDispatchCommands},
		{"ClaimHeadsOnlyInSeqOrder", testClaimOrder},
		{"ClaimIndependentQueues", testClaimIndependent},
		{"ClaimRespectsLimitsAndDueTime", testClaimLimits},
		{"NotificationsWithoutContainerAreNotOrdered", testUnordered},
		{"LeaseExpiresForAnotherNode", testLeaseExpiry},
		{"ConcurrentClaimsNeverShare", testConcurrentClaims},
		{"RetryAndAttempts", testRetry},
		{"DeadLetterUnblocksQueueAndReplay", testDeadAndReplay},
		{"ResultsOfALostLease", testLostLease},
		{"ReleaseLeasesOfANode", testReleaseLeases},
		{"RetryNow", testRetryNow},
		{"DeliveriesListAndPaging", testDeliveriesList},
		{"DeleteChannelDropsDeliveries", testDeleteChannelDeliveries},
		{"StatsAndPrune", testStatsAndPrune},
		{"ConcurrentPipeline", testConcurrentPipeline},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tc.test(t, &outboxWorld{world: &world{t: t, s: s, ctx: context.Background()}, o: s})
		})
	}
}

// outboxWorld is one subtest's store with the outbox helpers.
type outboxWorld struct {
	*world
	o store.Outbox
}

// channel stores a channel of company wanting types and returns it.
func (w *outboxWorld) channel(id, company string, types ...string) store.Channel {
	w.t.Helper()
	c := store.Channel{ID: id, CompanyID: company, Name: "hook " + id, URL: "https://" + id + ".example/hook",
		Types: types, Auth: store.ChannelAuth{Type: "none"}, Sealed: "sealed-" + id, CreatedAt: base, UpdatedAt: base}
	if err := w.o.CreateChannel(w.ctx, c); err != nil {
		w.t.Fatalf("CreateChannel %s: %v", id, err)
	}
	return c
}

// notify stores, as one command on container eq, one notification per receiver (of type typ) and
// returns them as stored.
func (w *outboxWorld) notify(eq, typ string, at time.Time, receivers ...string) []store.StoredNotification {
	w.t.Helper()
	m := w.meta(Agent, at)
	var ns []release.Notification
	for _, r := range receivers {
		ns = append(ns, release.Notification{ReceiverID: r, Type: typ, Event: "Test", EquipmentNumber: eq,
			PublicReferenceID: m.PublicReferenceID, Timestamp: at, Body: map[string]string{"n": fmt.Sprint(w.n)}})
	}
	op := store.Op{PortLoCode: Port, EquipmentNumber: eq,
		Decide: func(*release.Container) release.Outcome { return release.Outcome{Notifications: ns} },
		Audit:  store.Audit{PublicReferenceID: m.PublicReferenceID, CompanyID: Agent.NxtEntityID, Action: "Test", EquipmentNumber: eq, At: at}}
	w.apply(op)
	stored := w.notifications(store.NotificationQuery{PublicReferenceID: m.PublicReferenceID})
	if len(stored) != len(receivers) {
		w.t.Fatalf("stored %d notifications, want %d", len(stored), len(receivers))
	}
	return stored
}

// dispatch dispatches everything waiting and returns the deliveries made per channel.
func (w *outboxWorld) dispatch(now time.Time) map[string]int {
	w.t.Helper()
	total := map[string]int{}
	for {
		d, err := w.o.DispatchNotifications(w.ctx, store.DispatchRequest{Now: now, ExpiresAt: now.Add(24 * time.Hour), Limit: 100})
		if err != nil {
			w.t.Fatalf("DispatchNotifications: %v", err)
		}
		for c, n := range d.Deliveries {
			total[c] += n
		}
		if d.Notifications < 100 {
			return total
		}
	}
}

// claim claims for node at now, with a lease of a minute.
func (w *outboxWorld) claim(node string, now time.Time, limits map[string]int) []store.Delivery {
	w.t.Helper()
	ds, err := w.o.ClaimDeliveries(w.ctx, store.ClaimRequest{Node: node, Now: now, LeaseUntil: now.Add(time.Minute), Limits: limits})
	if err != nil {
		w.t.Fatalf("ClaimDeliveries: %v", err)
	}
	return ds
}

func (w *outboxWorld) complete(results ...store.DeliveryResult) {
	w.t.Helper()
	if err := w.o.CompleteDeliveries(w.ctx, results); err != nil {
		w.t.Fatalf("CompleteDeliveries: %v", err)
	}
}

// delivered is the result of a successful attempt of d by node at at.
func delivered(d store.Delivery, node string, at time.Time) store.DeliveryResult {
	return store.DeliveryResult{ID: d.ID, Node: node, Outcome: store.OutcomeDelivered,
		Attempt: store.DeliveryAttempt{At: at, StatusCode: 204, Latency: 3 * time.Millisecond}}
}

// failed is the result of a failed attempt with outcome o (Retry: again at next).
func failed(d store.Delivery, node string, o store.Outcome, at, next time.Time) store.DeliveryResult {
	return store.DeliveryResult{ID: d.ID, Node: node, Outcome: o, NextAttemptAt: next,
		Attempt: store.DeliveryAttempt{At: at, StatusCode: 500, Latency: 7 * time.Millisecond, Error: "HTTP 500"}}
}

// seqs lists the notification seqs of deliveries.
func seqs(ds []store.Delivery) []int64 {
	out := make([]int64, len(ds))
	for i, d := range ds {
		out[i] = d.Seq
	}
	return out
}

// list returns a channel's deliveries (all, newest first).
func (w *outboxWorld) list(channelID string) []store.Delivery {
	w.t.Helper()
	ds, err := w.o.Deliveries(w.ctx, store.DeliveryQuery{ChannelID: channelID, Limit: 1000})
	if err != nil {
		w.t.Fatalf("Deliveries: %v", err)
	}
	return ds
}

func (w *outboxWorld) delivery(channelID, id string) store.Delivery {
	w.t.Helper()
	for _, d := range w.list(channelID) {
		if d.ID == id {
			return d
		}
	}
	w.t.Fatalf("no delivery %s on channel %s", id, channelID)
	return store.Delivery{}
}

func testChannels(t *testing.T, w *outboxWorld) {
	a := w.channel("ch-a", Forwarder.NxtEntityID)
	b := store.Channel{ID: "ch-b", CompanyID: Forwarder.NxtEntityID, Name: "rights", URL: "https://b.example/x?y=1",
		Types: []string{release.TypeReleaseRight, release.TypeTerminalEvent},
		Auth: store.ChannelAuth{Type: "OAuth2Password", TokenEndpoint: "https://b.example/token", ClientID: "portlight",
			Scopes: []string{"hooks", "write"}, Username: "pl"},
		Sealed: "v1:opaque", CreatedAt: base.Add(time.Minute), UpdatedAt: base.Add(time.Minute)}
	if err := w.o.CreateChannel(w.ctx, b); err != nil {
		t.Fatal(err)
	}
	w.channel("ch-c", Agent.NxtEntityID)
	if err := w.o.CreateChannel(w.ctx, b); !errors.Is(err, store.ErrConflict) {
		t.Errorf("a second channel ch-b: %v, want ErrConflict", err)
	}
	got, err := w.o.Channel(w.ctx, Forwarder.NxtEntityID, "ch-b")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", b) || !got.CreatedAt.Equal(b.CreatedAt) {
		t.Errorf("Channel:\n got %+v\nwant %+v", got, b)
	}
	if got, err := w.o.Channel(w.ctx, "", "ch-a"); err != nil || got.Types != nil || got.Sealed != a.Sealed {
		t.Errorf("Channel of any company: %+v %v (Types must read back nil)", got, err)
	}
	list, err := w.o.Channels(w.ctx, Forwarder.NxtEntityID)
	if err != nil || len(list) != 2 || list[0].ID != "ch-a" || list[1].ID != "ch-b" {
		t.Errorf("Channels(forwarder) = %+v, %v", list, err)
	}
	all, err := w.o.Channels(w.ctx, "")
	if err != nil || len(all) != 3 || all[0].CompanyID != Agent.NxtEntityID {
		t.Errorf("Channels(all) = %+v, %v", all, err)
	}
	b.Name, b.URL, b.Types, b.Sealed, b.UpdatedAt = "renamed", "https://new.example/", nil, "v1:new", base.Add(time.Hour)
	b.CreatedAt = base.Add(48 * time.Hour) // ignored
	if err := w.o.UpdateChannel(w.ctx, b); err != nil {
		t.Fatal(err)
	}
	got, _ = w.o.Channel(w.ctx, Forwarder.NxtEntityID, "ch-b")
	if got.Name != "renamed" || got.URL != b.URL || got.Types != nil || got.Sealed != "v1:new" ||
		!got.UpdatedAt.Equal(b.UpdatedAt) || !got.CreatedAt.Equal(base.Add(time.Minute)) {
		t.Errorf("after UpdateChannel: %+v", got)
	}
	if err := w.o.UpdateChannel(w.ctx, store.Channel{ID: "nope", CompanyID: Forwarder.NxtEntityID, Name: "x"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateChannel of an unknown channel: %v", err)
	}
	if err := w.o.DeleteChannel(w.ctx, Forwarder.NxtEntityID, "ch-a"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.o.Channel(w.ctx, Forwarder.NxtEntityID, "ch-a"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted channel: %v", err)
	}
	if err := w.o.DeleteChannel(w.ctx, Forwarder.NxtEntityID, "ch-a"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
}

// testChannelsOfAnotherCompany: a company never reads, changes or deletes another's channel.
func testChannelsOfAnotherCompany(t *testing.T, w *outboxWorld) {
	c := w.channel("ch-f", Forwarder.NxtEntityID)
	if _, err := w.o.Channel(w.ctx, Haulier.NxtEntityID, c.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Channel of another company: %v", err)
	}
	if list, err := w.o.Channels(w.ctx, Haulier.NxtEntityID); err != nil || len(list) != 0 {
		t.Errorf("Channels of a company without any: %+v %v", list, err)
	}
	stolen := c
	stolen.CompanyID, stolen.URL = Haulier.NxtEntityID, "https://evil.example/"
	if err := w.o.UpdateChannel(w.ctx, stolen); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateChannel by another company: %v", err)
	}
	if err := w.o.DeleteChannel(w.ctx, Haulier.NxtEntityID, c.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteChannel by another company: %v", err)
	}
	if got, _ := w.o.Channel(w.ctx, Forwarder.NxtEntityID, c.ID); got.URL != c.URL {
		t.Errorf("the channel changed: %+v", got)
	}
}

// testDispatchFanOut: each channel gets exactly the notifications of its company and types.
func testDispatchFanOut(t *testing.T, w *outboxWorld) {
	all := w.channel("fwd-all", Forwarder.NxtEntityID)
	rights := w.channel("fwd-rights", Forwarder.NxtEntityID, release.TypeReleaseRight)
	agent := w.channel("agent", Agent.NxtEntityID, release.TypeReleaseLight, release.TypeTerminalEvent)
	eq := EquipmentNumber(1)
	w.notify(eq, release.TypeReleaseLight, base, Forwarder.NxtEntityID, Agent.NxtEntityID, Operator.NxtEntityID)
	w.notify(eq, release.TypeReleaseRight, base, Forwarder.NxtEntityID, Agent.NxtEntityID)
	w.notify(eq, release.TypeTerminalEvent, base, Haulier.NxtEntityID)
	got := w.dispatch(base)
	want := map[string]int{all.ID: 2, rights.ID: 1, agent.ID: 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("deliveries per channel = %v, want %v", got, want)
	}
	for _, c := range []store.Channel{all, rights, agent} {
		for _, d := range w.list(c.ID) {
			if d.Notification.ReceiverID != c.CompanyID || (len(c.Types) > 0 && !slices.Contains(c.Types, d.Notification.Type)) {
				t.Errorf("channel %s got a %s notification for %s", c.ID, d.Notification.Type, d.Notification.ReceiverID)
			}
			if d.Status != store.DeliveryPending || d.Attempts != 0 || !d.CreatedAt.Equal(base) ||
				!d.ExpiresAt.Equal(base.Add(24*time.Hour)) || !d.NextAttemptAt.Equal(base) || len(d.ID) < 8 || d.ID[:4] != "msg_" {
				t.Errorf("new delivery %+v", d)
			}
		}
	}
}

func testDispatchOnce(t *testing.T, w *outboxWorld) {
	c := w.channel("fwd", Forwarder.NxtEntityID)
	eq := EquipmentNumber(2)
	w.notify(eq, release.TypeReleaseLight, base, Forwarder.NxtEntityID)
	if got := w.dispatch(base); got[c.ID] != 1 {
		t.Fatalf("first dispatch made %v", got)
	}
	if got := w.dispatch(base.Add(time.Second)); len(got) != 0 {
		t.Errorf("a second dispatch made %v", got)
	}
	// A channel made later gets only what is dispatched after it.
	late := w.channel("late", Forwarder.NxtEntityID)
	w.notify(eq, release.TypeReleaseLight, base.Add(time.Minute), Forwarder.NxtEntityID)
	if got := w.dispatch(base.Add(time.Minute)); got[c.ID] != 1 || got[late.ID] != 1 {
		t.Errorf("dispatch after a new channel made %v", got)
	}
	if n := len(w.list(late.ID)); n != 1 {
		t.Errorf("the late channel has %d deliveries, want 1", n)
	}
}

func testDispatchLimit(t *testing.T, w *outboxWorld) {
	c := w.channel("fwd", Forwarder.NxtEntityID)
	for i := range 5 {
		w.notify(EquipmentNumber(10+i), release.TypeReleaseLight, base, Forwarder.NxtEntityID, Agent.NxtEntityID)
	}
	d, err := w.o.DispatchNotifications(w.ctx, store.DispatchRequest{Now: base, ExpiresAt: base.Add(time.Hour), Limit: 3})
	if err != nil || d.Notifications != 3 || d.Deliveries[c.ID] != 2 {
		t.Fatalf("dispatch of 3: %+v %v", d, err)
	}
	d, err = w.o.DispatchNotifications(w.ctx, store.DispatchRequest{Now: base, ExpiresAt: base.Add(time.Hour), Limit: 100})
	if err != nil || d.Notifications != 7 || d.Deliveries[c.ID] != 3 {
		t.Fatalf("dispatch of the rest: %+v %v", d, err)
	}
	if d, err := w.o.DispatchNotifications(w.ctx, store.DispatchRequest{Now: base, Limit: 0}); err != nil || d.Notifications != 0 {
		t.Errorf("dispatch with limit 0: %+v %v", d, err)
	}
}

// testDispatchCommands: the notifications the core makes for real commands reach the channels of
// their receivers, and only theirs.
func testDispatchCommands(t *testing.T, w *outboxWorld) {
	fwd := w.channel("fwd", Forwarder.NxtEntityID)
	op := w.channel("op", Operator.NxtEntityID)
	hl := w.channel("hl", Haulier.NxtEntityID)
	eq := EquipmentNumber(20)
	w.release(Port, eq, "R1", &Forwarder, base)
	w.rightAction(release.ActionAccept, eq, "R1", Agent, Forwarder, Forwarder, base.Add(time.Minute))
	w.dispatch(base.Add(time.Minute))
	stored := w.notifications(store.NotificationQuery{})
	for _, c := range []store.Channel{fwd, op, hl} {
		var want []int64
		for _, n := range stored {
			if c.Wants(&n) {
				want = append(want, n.Seq)
			}
		}
		got := seqs(w.list(c.ID))
		slices.Sort(got)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("channel %s: deliveries of seqs %v, want %v", c.ID, got, want)
		}
	}
	if n := len(w.list(hl.ID)); n != 0 {
		t.Errorf("the haulier, no stakeholder, got %d deliveries", n)
	}
}
