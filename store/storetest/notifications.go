package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// history is a small day of the port: two containers, accepted and rejected commands from four
// companies, one a minute from base. It returns the outcomes in the order they were applied.
type history struct {
	eqA, eqB   string
	relA, relB string
	pubs       []string
	outs       []release.Outcome
	stored     []store.StoredNotification // every notification, in order, seqs from the store
	minute     func(m int) time.Time
}

func makeHistory(t *testing.T, w *world) *history {
	h := &history{eqA: EquipmentNumber(40), eqB: EquipmentNumber(41)}
	h.minute = func(m int) time.Time { return base.Add(time.Duration(m) * time.Minute) }
	step := func(eq string, cmd release.Command, sender release.Party, m int) {
		meta := w.meta(sender, h.minute(m))
		if m%2 == 0 {
			ext := fmt.Sprintf("ext-%d", m)
			meta.ExternalReferenceID = &ext
		}
		h.pubs = append(h.pubs, meta.PublicReferenceID)
		h.outs = append(h.outs, w.apply(CommandOp(Port, eq, cmd, meta))[0])
	}
	step(h.eqA, ReleaseCommand(Port, h.eqA, "RA", &Forwarder), Agent, 0)
	step(h.eqA, RightCommand(release.ActionAccept, Port, h.eqA, "RA", Agent, Forwarder), Forwarder, 1)
	step(h.eqB, ReleaseCommand(Port, h.eqB, "RB", nil), Agent, 2)
	step(h.eqB, RightCommand(release.ActionTransfer, Port, h.eqB, "RB", Haulier, Forwarder), Haulier, 3) // rejected
	step(h.eqB, &release.Ingestion{ActionType: release.ActionBlock, PortLoCode: Port, TerminalCode: Terminal.Code, Terminal: &Terminal, Key: Key(h.eqB, "RB")}, Agent, 4)
	step(h.eqA, RightCommand(release.ActionTransfer, Port, h.eqA, "RA", Forwarder, Haulier), Forwarder, 5)
	if !h.outs[3].Rejected {
		t.Fatalf("the haulier's transfer of a right it does not own was accepted")
	}
	h.relA, h.relB = h.outs[0].Changed[0].ReleaseID, h.outs[2].Changed[0].ReleaseID

	h.stored = w.notifications(store.NotificationQuery{})
	checkNotifications(t, h.stored, storedAll(t, h.outs...))
	return h
}

// match is the reference implementation of store.NotificationQuery.
func match(n store.StoredNotification, q store.NotificationQuery) bool {
	return (q.ReceiverID == "" || n.ReceiverID == q.ReceiverID) && (q.Event == "" || n.Event == q.Event) &&
		(q.EquipmentNumber == "" || n.EquipmentNumber == q.EquipmentNumber) &&
		(q.PublicReferenceID == "" || n.PublicReferenceID == q.PublicReferenceID) &&
		(q.ReleaseID == "" || n.ReleaseID == q.ReleaseID) &&
		(q.From.IsZero() || !n.StoredOn.Before(q.From)) && (q.To.IsZero() || n.StoredOn.Before(q.To)) &&
		n.Seq > q.AfterSeq
}

func (h *history) want(q store.NotificationQuery) []store.StoredNotification {
	var out []store.StoredNotification
	for _, n := range h.stored {
		if match(n, q) && (q.Limit == 0 || len(out) < q.Limit) {
			out = append(out, n)
		}
	}
	return out
}

// testNotificationFilters: every filter of NotificationQuery alone and combined, against a
// reference implementation over the same history.
func testNotificationFilters(t *testing.T, w *world) {
	h := makeHistory(t, w)
	agent, fwd, haulier, op := Agent.NxtEntityID, Forwarder.NxtEntityID, Haulier.NxtEntityID, Operator.NxtEntityID
	seq := func(i int) int64 { return h.stored[i].Seq }
	queries := []store.NotificationQuery{
		{ReceiverID: agent}, {ReceiverID: fwd}, {ReceiverID: haulier}, {ReceiverID: op}, {ReceiverID: "nobody"},
		{Event: release.EventTransferred}, {ReceiverID: agent, Event: release.EventReleaseLightChanged},
		{ReceiverID: haulier, Event: release.EventNotValidated},
		{EquipmentNumber: h.eqB}, {ReceiverID: agent, EquipmentNumber: h.eqA},
		{PublicReferenceID: h.pubs[0]}, {ReceiverID: fwd, PublicReferenceID: h.pubs[0]}, {PublicReferenceID: "unknown"},
		{ReleaseID: h.relB}, {ReceiverID: op, ReleaseID: h.relA},
		{From: h.minute(1)}, {To: h.minute(2)}, {From: h.minute(1), To: h.minute(4)},
		{ReceiverID: agent, From: h.minute(2), To: h.minute(2)},
		{From: h.minute(2), To: h.minute(2).Add(time.Millisecond)},
		{AfterSeq: seq(3)}, {ReceiverID: agent, AfterSeq: seq(5)}, {AfterSeq: seq(len(h.stored) - 1)},
		{Limit: 2}, {ReceiverID: agent, Limit: 3}, {ReceiverID: fwd, AfterSeq: seq(2), Limit: 1},
		{ReceiverID: agent, Event: release.EventReleaseLightChanged, EquipmentNumber: h.eqB, ReleaseID: h.relB,
			PublicReferenceID: h.pubs[4], From: h.minute(4), To: h.minute(5), AfterSeq: seq(0), Limit: 10},
	}
	for _, q := range queries {
		want := h.want(q)
		got := w.notifications(q)
		if len(got) != len(want) {
			t.Errorf("Notifications(%+v): got %d, want %d:%s\nwant:%s", q, len(got), len(want), describe(got), describe(want))
			continue
		}
		for i := range got {
			if got[i].Seq != want[i].Seq || !sameNotification(got[i], want[i]) {
				t.Errorf("Notifications(%+v)[%d] = seq %d %+v, want seq %d %+v", q, i, got[i].Seq, got[i], want[i].Seq, want[i])
				break
			}
		}
	}
	// The filters above would pass vacuously on an empty history.
	if n := len(h.want(store.NotificationQuery{ReceiverID: agent, Event: release.EventReleaseLightChanged})); n < 2 {
		t.Fatalf("history too thin: %d light changes for the agent", n)
	}
}

// testNotificationPaging: a company that pages with AfterSeq and Limit reads each of its
// notifications once, in order.
func testNotificationPaging(t *testing.T, w *world) {
	h := makeHistory(t, w)
	for _, receiver := range []string{Agent.NxtEntityID, Forwarder.NxtEntityID} {
		var got []store.StoredNotification
		var after int64
		for pages := 0; ; pages++ {
			if pages > len(h.stored) {
				t.Fatalf("paging %s does not end", receiver)
			}
			page := w.notifications(store.NotificationQuery{ReceiverID: receiver, AfterSeq: after, Limit: 2})
			if len(page) == 0 {
				break
			}
			got = append(got, page...)
			after = page[len(page)-1].Seq
		}
		checkNotifications(t, got, h.want(store.NotificationQuery{ReceiverID: receiver}))
	}
}

// testNotificationHeads: the heads of every company's notifications after a seq, in seq order, as
// Notifications stores them; the horizon is the last seq once no one writes.
func testNotificationHeads(t *testing.T, w *world) {
	if h, err := w.s.NotificationHorizon(w.ctx); err != nil || h != 0 {
		t.Fatalf("NotificationHorizon of an empty store = %d, %v; want 0", h, err)
	}
	h := makeHistory(t, w)
	last := h.stored[len(h.stored)-1].Seq
	if got, err := w.s.NotificationHorizon(w.ctx); err != nil || got != last {
		t.Fatalf("NotificationHorizon = %d, %v; want %d, the last seq stored", got, err, last)
	}
	for _, c := range []struct {
		after int64
		limit int
	}{{0, 1000}, {0, 3}, {h.stored[2].Seq, 4}, {h.stored[len(h.stored)-2].Seq, 10}, {last, 10}} {
		got, err := headsPage(w, c.after, c.limit)
		if err != nil {
			t.Fatalf("NotificationHeads(%d, %d): %v", c.after, c.limit, err)
		}
		var want []store.StoredNotification
		for _, n := range h.want(store.NotificationQuery{AfterSeq: c.after, Limit: c.limit}) {
			want = append(want, store.StoredNotification{Seq: n.Seq, ReceiverID: n.ReceiverID, EquipmentNumber: n.EquipmentNumber})
		}
		if !slices.EqualFunc(got, want, func(a, b store.StoredNotification) bool {
			return a.Seq == b.Seq && a.ReceiverID == b.ReceiverID && a.EquipmentNumber == b.EquipmentNumber
		}) {
			t.Errorf("NotificationHeads(%d, %d) = %+v, want %+v", c.after, c.limit, got, want)
		}
	}
}

// testNotificationReceivers: the companies told something under one publicReferenceId, sorted.
func testNotificationReceivers(t *testing.T, w *world) {
	h := makeHistory(t, w)
	for i, pub := range append(slices.Clone(h.pubs), "unknown") {
		var want []string
		for _, n := range h.stored {
			if n.PublicReferenceID == pub {
				want = append(want, n.ReceiverID)
			}
		}
		slices.Sort(want)
		want = slices.Compact(want)
		got, err := w.s.NotificationReceivers(w.ctx, pub)
		if err != nil {
			t.Fatalf("NotificationReceivers: %v", err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("NotificationReceivers(command %d) = %v, want %v", i, got, want)
		}
	}
	got, _ := w.s.NotificationReceivers(w.ctx, h.pubs[0])
	if want := []string{Agent.NxtEntityID, Forwarder.NxtEntityID, Operator.NxtEntityID}; !slices.Equal(got, want) {
		t.Errorf("receivers of a Release given to the forwarder: %v, want %v", got, want)
	}
}

// testAuditTrail: the records of one publicReferenceId, or all those of one equipment number, in
// the order the commands were applied, accepted and rejected alike.
func testAuditTrail(t *testing.T, w *world) {
	h := makeHistory(t, w)
	actions := func(rs []store.AuditRecord) []string {
		var out []string
		for _, r := range rs {
			out = append(out, fmt.Sprintf("%s/%s/%v", r.Action, r.CompanyID, r.Rejected))
		}
		return out
	}
	trailA := w.auditTrail("", h.eqA)
	if got, want := actions(trailA), []string{
		"Release/" + Agent.NxtEntityID + "/false", "Accept/" + Forwarder.NxtEntityID + "/false", "Transfer/" + Forwarder.NxtEntityID + "/false",
	}; !slices.Equal(got, want) {
		t.Errorf("audit trail of %s: %v, want %v", h.eqA, got, want)
	}
	trailB := w.auditTrail("", h.eqB)
	if got, want := actions(trailB), []string{
		"Release/" + Agent.NxtEntityID + "/false", "Transfer/" + Haulier.NxtEntityID + "/true", "Block/" + Agent.NxtEntityID + "/false",
	}; !slices.Equal(got, want) {
		t.Errorf("audit trail of %s: %v, want %v", h.eqB, got, want)
	}
	if r := trailB[1]; r.Reason != h.outs[3].Reason || r.PublicReferenceID != h.pubs[3] || !r.At.Equal(h.minute(3)) {
		t.Errorf("rejected record %+v, want reason %q, publicReferenceId %s, at %s", r, h.outs[3].Reason, h.pubs[3], h.minute(3))
	}
	for _, trail := range [][]store.AuditRecord{trailA, trailB} {
		for i := 1; i < len(trail); i++ {
			if trail[i].Seq <= trail[i-1].Seq {
				t.Errorf("audit records out of order: seq %d after %d", trail[i].Seq, trail[i-1].Seq)
			}
		}
	}
	for i, pub := range h.pubs {
		if got := w.auditTrail(pub, ""); len(got) != 1 || got[0].PublicReferenceID != pub {
			t.Errorf("audit trail of command %d: %+v", i, got)
		}
	}
	if got := w.auditTrail("unknown", ""); len(got) != 0 {
		t.Errorf("audit trail of an unknown publicReferenceId: %d records", len(got))
	}

	// One publicReferenceId for several ops (a bulk request): all its records, in order.
	eq := EquipmentNumber(42)
	m := w.meta(Agent, base.Add(time.Hour))
	w.apply(
		CommandOp(Port, eq, ReleaseCommand(Port, eq, "R1", nil), m),
		CommandOp(Port, eq, &release.Ingestion{ActionType: release.ActionBlock, PortLoCode: Port, TerminalCode: Terminal.Code, Terminal: &Terminal, Key: Key(eq, "R1")}, m),
	)
	if got, want := actions(w.auditTrail(m.PublicReferenceID, "")), []string{
		"Release/" + Agent.NxtEntityID + "/false", "Block/" + Agent.NxtEntityID + "/false",
	}; !slices.Equal(got, want) {
		t.Errorf("audit trail of a bulk request: %v, want %v", got, want)
	}
}
