package storetest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// testApplyCommits: an accepted Release stores the new right, every notification the core emitted
// (the envelope exactly as delivered) and the audit record.
func testApplyCommits(t *testing.T, w *world) {
	eq := EquipmentNumber(1)
	m := w.meta(Agent, base)
	ext := "agent-ref-1"
	m.ExternalReferenceID = &ext
	op := CommandOp(Port, eq, ReleaseCommand(Port, eq, "R1", &Forwarder), m)
	out := w.accepted(op)
	if len(out.Changed) != 1 || len(out.Notifications) < 3 {
		t.Fatalf("Release with releaseTo: %d rights changed, %d notifications", len(out.Changed), len(out.Notifications))
	}

	c := w.container(Port, eq, base)
	if c.PortLoCode != Port || c.EquipmentNumber != eq {
		t.Errorf("Container is %s/%s, want %s/%s", c.PortLoCode, c.EquipmentNumber, Port, eq)
	}
	sameRights(t, c.Rights, out.Changed)
	if r := c.Rights[0]; r.PendingTo == nil || r.PendingTo.NxtEntityID != Forwarder.NxtEntityID || !r.GivenAtRelease {
		t.Errorf("stored right is not pending to the forwarder: %+v", r)
	}

	got := w.notifications(store.NotificationQuery{PublicReferenceID: m.PublicReferenceID})
	checkNotifications(t, got, storedAll(t, out))
	var senderCopies int
	for _, n := range got {
		if n.ExternalReferenceID != nil {
			senderCopies++
			if n.ReceiverID != Agent.NxtEntityID || *n.ExternalReferenceID != ext {
				t.Errorf("externalReferenceId %q stored on %s's copy", *n.ExternalReferenceID, n.ReceiverID)
			}
		}
	}
	if senderCopies == 0 {
		t.Errorf("the sender's notifications lost their externalReferenceId")
	}

	trail := w.auditTrail(m.PublicReferenceID, "")
	if len(trail) != 1 {
		t.Fatalf("audit trail has %d records, want 1", len(trail))
	}
	a := trail[0]
	if a.PublicReferenceID != m.PublicReferenceID || a.CompanyID != Agent.NxtEntityID || a.Action != release.ActionRelease ||
		a.EquipmentNumber != eq || !bytes.Equal(a.Request, op.Audit.Request) || !a.At.Equal(base) ||
		a.Rejected || a.Reason != "" || a.Seq <= 0 {
		t.Errorf("audit record %+v (request %s), want the Release of %s by %s at %s accepted", a, a.Request, eq, Agent.NxtEntityID, base)
	}
}

// testRejected: a command the core refuses changes no state, but its NotValidated notification to
// the sender and its audit record (rejected, with the reason) are kept.
func testRejected(t *testing.T, w *world) {
	eq := EquipmentNumber(2)
	w.release(Port, eq, "R1", nil, base)
	before := w.container(Port, eq, base)

	// The forwarder pretends to own the right and transfers it on.
	m := w.meta(Forwarder, base.Add(time.Minute))
	op := CommandOp(Port, eq, RightCommand(release.ActionTransfer, Port, eq, "R1", Forwarder, Haulier), m)
	out := w.apply(op)[0]
	if !out.Rejected || out.Reason == "" || len(out.Changed) != 0 {
		t.Fatalf("Transfer by a non-owner: rejected=%v reason=%q changed=%d", out.Rejected, out.Reason, len(out.Changed))
	}

	sameRights(t, w.container(Port, eq, base.Add(time.Minute)).Rights, before.Rights)
	got := w.notifications(store.NotificationQuery{PublicReferenceID: m.PublicReferenceID})
	checkNotifications(t, got, storedAll(t, out))
	if len(got) != 1 || got[0].Event != release.EventNotValidated || got[0].ReceiverID != Forwarder.NxtEntityID {
		t.Errorf("want one NotValidated notification to the sender, got %s", describe(got))
	}
	trail := w.auditTrail(m.PublicReferenceID, "")
	if len(trail) != 1 || !trail[0].Rejected || trail[0].Reason != out.Reason || trail[0].Action != release.ActionTransfer {
		t.Errorf("audit trail %+v, want one rejected Transfer with reason %q", trail, out.Reason)
	}
}

// testOpsSeeEachOther: the ops of one Apply run one after the other, each against the state the
// previous ones left: Release, Transfer and Accept in one call end with the forwarder owning the right.
func testOpsSeeEachOther(t *testing.T, w *world) {
	eq := EquipmentNumber(3)
	outs := w.apply(
		CommandOp(Port, eq, ReleaseCommand(Port, eq, "R1", nil), w.meta(Agent, base)),
		CommandOp(Port, eq, RightCommand(release.ActionTransfer, Port, eq, "R1", Agent, Forwarder), w.meta(Agent, base.Add(time.Second))),
		CommandOp(Port, eq, RightCommand(release.ActionAccept, Port, eq, "R1", Agent, Forwarder), w.meta(Forwarder, base.Add(2*time.Second))),
	)
	for i, out := range outs {
		if out.Rejected {
			t.Fatalf("op %d rejected: %s", i, out.Reason)
		}
	}
	c := w.container(Port, eq, base.Add(time.Minute))
	sameRights(t, c.Rights, outs[2].Changed)
	r := c.Rights[0]
	if r.Owner.NxtEntityID != Forwarder.NxtEntityID || r.Status != release.StatusAccepted || r.PendingTo != nil || len(r.Chain) != 1 {
		t.Errorf("after Release, Transfer, Accept in one Apply: owner %s status %s pending %v chain %d",
			r.Owner.NxtEntityID, r.Status, r.PendingTo, len(r.Chain))
	}
	if trail := w.auditTrail("", eq); len(trail) != 3 {
		t.Errorf("audit trail of %s has %d records, want 3", eq, len(trail))
	}
}

// unstorable is an op whose outcome cannot be stored: its notification body does not encode.
func unstorable(equipment string, m release.Meta) store.Op {
	return store.Op{
		PortLoCode: Port, EquipmentNumber: equipment,
		Decide: func(c *release.Container) release.Outcome {
			return release.Outcome{Notifications: []release.Notification{{
				ReceiverID: m.Sender.NxtEntityID, Type: release.TypeReleaseRight, Event: release.EventReleaseDetail,
				EquipmentNumber: equipment, PublicReferenceID: m.PublicReferenceID, Timestamp: m.Now,
				Body: func() {}, // json: unsupported type
			}}}
		},
		Audit: store.Audit{PublicReferenceID: m.PublicReferenceID, CompanyID: m.Sender.NxtEntityID,
			Action: "GetReleaseDetail", EquipmentNumber: equipment, At: m.Now},
	}
}

// testBulkAtomic: the ops of one Apply commit together: when one of them cannot be stored, Apply
// fails and none of them is kept.
func testBulkAtomic(t *testing.T, w *world) {
	eq1, eq2 := EquipmentNumber(4), EquipmentNumber(5)
	m1 := w.meta(Agent, base)
	_, err := w.s.Apply(w.ctx,
		CommandOp(Port, eq1, ReleaseCommand(Port, eq1, "R1", nil), m1),
		unstorable(eq2, w.meta(Agent, base)),
	)
	if err == nil {
		t.Fatalf("Apply with an op that cannot be stored succeeded")
	}
	if c := w.container(Port, eq1, base); len(c.Rights) != 0 {
		t.Errorf("the Release before the failing op was kept: %d rights", len(c.Rights))
	}
	if ns := w.notifications(store.NotificationQuery{PublicReferenceID: m1.PublicReferenceID}); len(ns) != 0 {
		t.Errorf("the Release before the failing op left %d notifications", len(ns))
	}
	if a := w.auditTrail(m1.PublicReferenceID, ""); len(a) != 0 {
		t.Errorf("the Release before the failing op left %d audit records", len(a))
	}
}

// testOpWithoutContainer: an op with no equipment number is decided against nil and only its
// notifications and audit record are kept (the generic-service answers).
func testOpWithoutContainer(t *testing.T, w *world) {
	m := w.meta(Forwarder, base)
	var got *release.Container
	called := false
	stray := &release.Right{ReleaseID: "stray", PortLoCode: Port, Key: Key(EquipmentNumber(6), "R1"),
		Owner: Forwarder, Originator: Agent, Status: release.StatusAssigned, CreatedAt: base, UpdatedAt: base}
	op := store.Op{
		PortLoCode: Port,
		Decide: func(c *release.Container) release.Outcome {
			called, got = true, c
			n := release.ListRights(nil, release.ListFilter{}, 1, 10, m)
			return release.Outcome{Changed: []*release.Right{stray}, Notifications: []release.Notification{n}}
		},
		Audit: store.Audit{PublicReferenceID: m.PublicReferenceID, CompanyID: Forwarder.NxtEntityID, Action: "ListReleaseRights", At: base},
	}
	out := w.apply(op)[0]
	if !called || got != nil {
		t.Fatalf("Decide called=%v with container %v, want called with nil", called, got)
	}
	checkNotifications(t, w.notifications(store.NotificationQuery{ReceiverID: Forwarder.NxtEntityID}), storedAll(t, out))
	if c := w.container(Port, stray.Key.EquipmentNumber, base); len(c.Rights) != 0 {
		t.Errorf("a right changed by an op without container was stored")
	}
	if rs, total, err := w.s.RightsAssignedTo(w.ctx, store.RightsQuery{CompanyID: Forwarder.NxtEntityID, PortLoCode: Port}); err != nil || len(rs) != 0 || total != 0 {
		t.Errorf("RightsAssignedTo after an op without container: %d rights of %d, %v", len(rs), total, err)
	}
	if a := w.auditTrail(m.PublicReferenceID, ""); len(a) != 1 || a[0].EquipmentNumber != "" || a[0].Action != "ListReleaseRights" {
		t.Errorf("audit trail %+v, want the one ListReleaseRights record", a)
	}
}

// testCancelledContext: a caller that has given up before its ops were taken gets an error and
// nothing is applied.
func testCancelledContext(t *testing.T, w *world) {
	eq := EquipmentNumber(7)
	ctx, cancel := context.WithCancel(w.ctx)
	cancel()
	m := w.meta(Agent, base)
	if _, err := w.s.Apply(ctx, CommandOp(Port, eq, ReleaseCommand(Port, eq, "R1", nil), m)); err == nil {
		t.Fatalf("Apply with a cancelled context succeeded")
	}
	if c := w.container(Port, eq, base); len(c.Rights) != 0 {
		t.Errorf("Apply with a cancelled context stored %d rights", len(c.Rights))
	}
	if a := w.auditTrail(m.PublicReferenceID, ""); len(a) != 0 {
		t.Errorf("Apply with a cancelled context stored %d audit records", len(a))
	}
}

// testNoOps: Apply without ops does nothing and succeeds.
func testNoOps(t *testing.T, w *world) {
	outs, err := w.s.Apply(w.ctx)
	if err != nil || len(outs) != 0 {
		t.Fatalf("Apply() = %v, %v; want no outcomes, no error", outs, err)
	}
}

// testBulkOfManyContainers: one Apply with many ops on many containers (a bulk request, an expiry
// round) applies them in order and stores every right, notification and audit record, in order.
func testBulkOfManyContainers(t *testing.T, w *world) {
	const containers = 20
	pub := w.meta(Agent, base).PublicReferenceID
	meta := func() release.Meta { // a new release id for each op, one publicReferenceId for all
		m := w.meta(Agent, base)
		m.PublicReferenceID = pub
		return m
	}
	var ops []store.Op
	for i := range containers {
		eq := EquipmentNumber(200 + i)
		ops = append(ops, CommandOp(Port, eq, ReleaseCommand(Port, eq, "R1", nil), meta()))
	}
	// Then each is transferred, last container first: the ops of one call need not come in key order.
	for i := containers - 1; i >= 0; i-- {
		eq := EquipmentNumber(200 + i)
		ops = append(ops, CommandOp(Port, eq, RightCommand(release.ActionTransfer, Port, eq, "R1", Agent, Forwarder), meta()))
	}
	outs := w.apply(ops...)
	for i, out := range outs {
		if out.Rejected {
			t.Fatalf("op %d rejected: %s", i, out.Reason)
		}
	}
	for i := range containers {
		c := w.container(Port, EquipmentNumber(200+i), base.Add(time.Minute))
		sameRights(t, c.Rights, outs[2*containers-1-i].Changed)
	}
	checkNotifications(t, w.notifications(store.NotificationQuery{PublicReferenceID: pub}), storedAll(t, outs...))
	trail := w.auditTrail(pub, "")
	if len(trail) != len(ops) {
		t.Fatalf("%d audit records for %d ops", len(trail), len(ops))
	}
	for i, a := range trail {
		if a.Action != ops[i].Audit.Action || a.EquipmentNumber != ops[i].EquipmentNumber {
			t.Fatalf("audit record %d is %s of %s, want %s of %s", i, a.Action, a.EquipmentNumber, ops[i].Audit.Action, ops[i].EquipmentNumber)
		}
	}
}
