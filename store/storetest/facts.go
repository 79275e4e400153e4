package storetest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// Customs is the customs authority (the CCRM feed) of the suite.
var Customs = release.Party{NxtEntityID: "customs-0001", Name: "Customs Antwerpen",
	Roles: []release.Role{release.RoleCustoms}}

// CustomsCommand is a customs status for a whole container (no bills of lading named).
func CustomsCommand(port, equipment, status, progress string) *release.CustomsStatus {
	return &release.CustomsStatus{PortLoCode: port, EquipmentNumber: equipment, Status: status, Progress: progress, Source: "CCRM"}
}

// sameFacts fails the test unless got and want are the same facts (compared as their JSON, so that
// a time read back in another *time.Location still compares equal).
func sameFacts(t *testing.T, what string, got, want release.Facts) {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatalf("encode facts: %v", err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatalf("encode facts: %v", err)
	}
	if string(g) != string(w) {
		t.Errorf("%s: facts %s, want %s", what, g, w)
	}
}

// lookOp is an op that changes nothing and records the container Decide was given.
func lookOp(port, equipment string, m release.Meta, seen **release.Container) store.Op {
	return store.Op{
		PortLoCode: port, EquipmentNumber: equipment,
		Decide: func(c *release.Container) release.Outcome {
			*seen = c
			return release.Outcome{}
		},
		Audit: store.Audit{PublicReferenceID: m.PublicReferenceID, CompanyID: m.Sender.NxtEntityID, Action: "Look",
			EquipmentNumber: equipment, At: m.Now},
	}
}

// factsOp is an op that sets the facts of a container to f, nothing else.
func factsOp(port, equipment string, f *release.Facts, m release.Meta) store.Op {
	return store.Op{
		PortLoCode: port, EquipmentNumber: equipment,
		Decide: func(*release.Container) release.Outcome { return release.Outcome{Facts: f} },
		Audit: store.Audit{PublicReferenceID: m.PublicReferenceID, CompanyID: m.Sender.NxtEntityID, Action: "SetFacts",
			EquipmentNumber: equipment, At: m.Now},
	}
}

// testFactsStored: the facts a command's outcome carries are stored for its container, even one
// without any release (customs often knows first), returned by Container, and handed to Decide
// by later Apply calls: a release created afterwards gets the customs status already known.
func testFactsStored(t *testing.T, w *world) {
	eq, other := EquipmentNumber(40), EquipmentNumber(41)
	if c := w.container(Port, eq, base); c.Facts.Customs != nil {
		t.Fatalf("a new container has customs facts: %+v", c.Facts.Customs)
	}
	out := w.accepted(CommandOp(Port, eq, CustomsCommand(Port, eq, release.ValueReleased, ""), w.meta(Customs, base)))
	if out.Facts == nil || out.Facts.Customs == nil {
		t.Fatalf("CustomsStatus returned no facts: %+v", out)
	}
	sameFacts(t, "Container after CustomsStatus", w.container(Port, eq, base.Add(time.Second)).Facts, *out.Facts)
	// The facts are the container's: not another equipment number's, nor the same one's in another port.
	for _, c := range []*release.Container{w.container(Port, other, base), w.container(OtherPort, eq, base)} {
		if c.Facts.Customs != nil {
			t.Errorf("container %s/%s got the facts of %s/%s", c.PortLoCode, c.EquipmentNumber, Port, eq)
		}
	}

	r := w.release(Port, eq, "R1", nil, base.Add(time.Minute))
	if r.Lights.Customs != release.ValueReleased {
		t.Errorf("a release after the customs status has Customs %q, want %q: Decide was not given the stored facts",
			r.Lights.Customs, release.ValueReleased)
	}

	// A later status replaces the facts.
	out = w.accepted(CommandOp(Port, eq, CustomsCommand(Port, eq, release.ValueSelectedForScan, ""), w.meta(Customs, base.Add(2*time.Minute))))
	if out.Facts == nil {
		t.Fatalf("second CustomsStatus returned no facts")
	}
	sameFacts(t, "Container after a second CustomsStatus", w.container(Port, eq, base.Add(3*time.Minute)).Facts, *out.Facts)
	sameRights(t, w.container(Port, eq, base.Add(3*time.Minute)).Rights, out.Changed)
}

// testFactsSeenInApply: the ops of one Apply see the facts the earlier ones set, for their own
// container only; and facts are committed with their op: when the Apply fails, none are kept.
func testFactsSeenInApply(t *testing.T, w *world) {
	eq, other := EquipmentNumber(42), EquipmentNumber(43)
	var seenEq, seenOther *release.Container
	outs := w.apply(
		CommandOp(Port, eq, CustomsCommand(Port, eq, release.ValueReleased, ""), w.meta(Customs, base)),
		CommandOp(Port, other, CustomsCommand(Port, other, release.ValueNotReleased, ""), w.meta(Customs, base)),
		lookOp(Port, eq, w.meta(Agent, base.Add(time.Second)), &seenEq),
		lookOp(Port, other, w.meta(Agent, base.Add(time.Second)), &seenOther),
		CommandOp(Port, eq, ReleaseCommand(Port, eq, "R1", nil), w.meta(Agent, base.Add(2*time.Second))),
		// Progress alone keeps the status known for the same bills (the core merges with the facts it is given).
		CommandOp(Port, eq, CustomsCommand(Port, eq, "", release.ValuePartiallyCleared), w.meta(Customs, base.Add(3*time.Second))),
	)
	for i, out := range outs {
		if out.Rejected {
			t.Fatalf("op %d rejected: %s", i, out.Reason)
		}
	}
	if seenEq == nil || seenOther == nil {
		t.Fatalf("Decide was not called with a container")
	}
	sameFacts(t, "facts seen by a later op of the same Apply", seenEq.Facts, *outs[0].Facts)
	sameFacts(t, "facts of another container seen in the same Apply", seenOther.Facts, *outs[1].Facts)
	if r := outs[4].Changed[0]; r.Lights.Customs != release.ValueReleased {
		t.Errorf("a Release after a CustomsStatus in the same Apply has Customs %q, want %q", r.Lights.Customs, release.ValueReleased)
	}
	last := outs[5].Facts
	if last == nil || last.Customs == nil || last.Customs.Status != release.ValueReleased || last.Customs.Progress != release.ValuePartiallyCleared {
		t.Fatalf("progress after status in one Apply: facts %+v, want status %s kept", last, release.ValueReleased)
	}
	c := w.container(Port, eq, base.Add(time.Minute))
	sameFacts(t, "Container after the Apply", c.Facts, *last)
	sameRights(t, c.Rights, outs[5].Changed)
	sameFacts(t, "Container of the other equipment after the Apply", w.container(Port, other, base.Add(time.Minute)).Facts, *outs[1].Facts)

	// Facts of a failing Apply are not kept, nor seen by the next one.
	failed := EquipmentNumber(44)
	if _, err := w.s.Apply(w.ctx,
		CommandOp(Port, failed, CustomsCommand(Port, failed, release.ValueReleased, ""), w.meta(Customs, base)),
		unstorable(failed, w.meta(Agent, base)),
	); err == nil {
		t.Fatalf("Apply with an op that cannot be stored succeeded")
	}
	if c := w.container(Port, failed, base.Add(time.Minute)); c.Facts.Customs != nil {
		t.Errorf("the facts of a failed Apply were kept: %+v", c.Facts.Customs)
	}
	var seen *release.Container
	w.apply(lookOp(Port, failed, w.meta(Agent, base.Add(time.Minute)), &seen))
	if seen == nil || seen.Facts.Customs != nil {
		t.Errorf("the next Apply was handed the facts of a failed one: %+v", seen)
	}
}

// testFactsKept: an outcome without facts (Outcome.Facts nil) leaves the container's facts as they
// are, accepted or rejected, and an outcome with empty facts clears them.
func testFactsKept(t *testing.T, w *world) {
	eq := EquipmentNumber(45)
	set := w.accepted(CommandOp(Port, eq, CustomsCommand(Port, eq, release.ValueReleased, ""), w.meta(Customs, base)))
	want := *set.Facts
	at := func(s int) time.Time { return base.Add(time.Duration(s) * time.Second) }

	outs := w.apply(
		CommandOp(Port, eq, ReleaseCommand(Port, eq, "R1", nil), w.meta(Agent, at(1))),
		CommandOp(Port, eq, RightCommand(release.ActionTransfer, Port, eq, "R1", Agent, Forwarder), w.meta(Agent, at(2))),
		// Rejected: the forwarder does not own the right.
		CommandOp(Port, eq, RightCommand(release.ActionTransfer, Port, eq, "R1", Forwarder, Haulier), w.meta(Forwarder, at(3))),
		// The same status again: refused as identical, and the core returns no facts.
		CommandOp(Port, eq, CustomsCommand(Port, eq, release.ValueReleased, ""), w.meta(Customs, at(4))),
	)
	for i, out := range outs {
		if out.Facts != nil {
			t.Fatalf("op %d returned facts %+v; the test needs outcomes without", i, out.Facts)
		}
	}
	if !outs[2].Rejected || !outs[3].Rejected {
		t.Fatalf("the transfer by a non-owner and the identical status were not rejected: %+v %+v", outs[2], outs[3])
	}
	sameFacts(t, "Container after ops without facts", w.container(Port, eq, at(5)).Facts, want)
	var seen *release.Container
	w.apply(lookOp(Port, eq, w.meta(Agent, at(5)), &seen))
	if seen == nil {
		t.Fatalf("Decide was not called with a container")
	}
	sameFacts(t, "facts handed to Decide after ops without facts", seen.Facts, want)

	// Empty facts (not nil) replace the known ones.
	w.apply(factsOp(Port, eq, &release.Facts{}, w.meta(Agent, at(6))))
	sameFacts(t, "Container after empty facts", w.container(Port, eq, at(7)).Facts, release.Facts{})
	// An op without a container keeps no facts (there is no container to keep them for).
	w.apply(factsOp(Port, "", &want, w.meta(Agent, at(8))))
	sameFacts(t, "Container without equipment number after an op without container", w.container(Port, "", at(9)).Facts, release.Facts{})
	sameFacts(t, "Container after an op without container", w.container(Port, eq, at(9)).Facts, release.Facts{})
}
