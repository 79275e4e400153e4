package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

const day = 24 * time.Hour

// testLiveWindow: a container is the rights of its port and equipment number created within
// release.LiveWindow, both as Container reads it and as Apply hands it to Decide.
func testLiveWindow(t *testing.T, w *world) {
	eq, other := EquipmentNumber(20), EquipmentNumber(21)
	old := w.release(Port, eq, "OLD", nil, base.Add(-release.LiveWindow-day))
	cur := w.release(Port, eq, "NEW", nil, base)
	w.release(OtherPort, eq, "NEW", nil, base)
	w.release(Port, other, "NEW", nil, base)

	if got := releaseIDs(w.container(Port, eq, base).Rights); !slices.Equal(got, []string{cur.ReleaseID}) {
		t.Errorf("Container at %s: %v, want only %s (the other is older than the live window)", base, got, cur.ReleaseID)
	}
	earlier := base.Add(-50 * day)
	if got, want := releaseIDs(w.container(Port, eq, earlier).Rights), releaseIDs([]*release.Right{old, cur}); !slices.Equal(got, want) {
		t.Errorf("Container at %s: %v, want %v", earlier, got, want)
	}
	if c := w.container(Port, EquipmentNumber(22), base); len(c.Rights) != 0 {
		t.Errorf("Container of an unknown equipment number has %d rights", len(c.Rights))
	}

	// Apply decides on the container as of the op's time.
	var seen []string
	m := w.meta(Agent, base.Add(time.Minute))
	w.apply(store.Op{
		PortLoCode: Port, EquipmentNumber: eq,
		Decide: func(c *release.Container) release.Outcome {
			if c == nil {
				t.Errorf("Decide got a nil container for %s", eq)
				return release.Outcome{}
			}
			seen = releaseIDs(c.Rights)
			return release.Outcome{}
		},
		Audit: store.Audit{PublicReferenceID: m.PublicReferenceID, CompanyID: Agent.NxtEntityID, Action: "Look", EquipmentNumber: eq, At: m.Now},
	})
	if !slices.Equal(seen, []string{cur.ReleaseID}) {
		t.Errorf("Decide saw %v, want only the live %s", seen, cur.ReleaseID)
	}
}

// testDeletedRights: a deleted right stays in its container (the core skips it, and still needs it
// to tell a resubmission from a duplicate), and a new release of the same key can follow it.
func testDeletedRights(t *testing.T, w *world) {
	eq := EquipmentNumber(23)
	r := w.release(Port, eq, "R1", nil, base)
	del := &release.Ingestion{ActionType: release.ActionDelete, PortLoCode: Port, TerminalCode: Terminal.Code, Terminal: &Terminal, Key: Key(eq, "R1"), Reason: "wrong vessel"}
	out := w.accepted(CommandOp(Port, eq, del, w.meta(Agent, base.Add(time.Minute))))
	c := w.container(Port, eq, base.Add(2*time.Minute))
	sameRights(t, c.Rights, out.Changed)
	if !c.Rights[0].Deleted() {
		t.Fatalf("the deleted right was stored as not deleted")
	}
	again := w.release(Port, eq, "R1", nil, base.Add(3*time.Minute))
	c = w.container(Port, eq, base.Add(4*time.Minute))
	if got, want := releaseIDs(c.Rights), releaseIDs([]*release.Right{r, again}); !slices.Equal(got, want) {
		t.Errorf("after delete and resubmission the container holds %v, want %v", got, want)
	}
}

// testRightsAssignedTo: the rights a company owns or has pending in a port, deleted ones excepted.
func testRightsAssignedTo(t *testing.T, w *world) {
	at := func(m int) time.Time { return base.Add(time.Duration(m) * time.Minute) }
	// r1 stays with the agent; r2 is pending to the forwarder; r3 the forwarder accepted;
	// r4 the forwarder accepted, then the agent deleted; r5 is pending to the forwarder in another port.
	r1 := w.release(Port, EquipmentNumber(30), "R1", nil, at(0))
	r2 := w.release(Port, EquipmentNumber(31), "R2", &Forwarder, at(1))
	r3 := w.release(Port, EquipmentNumber(32), "R3", &Forwarder, at(2))
	w.rightAction(release.ActionAccept, EquipmentNumber(32), "R3", Agent, Forwarder, Forwarder, at(3))
	w.release(Port, EquipmentNumber(33), "R4", &Forwarder, at(4))
	w.rightAction(release.ActionAccept, EquipmentNumber(33), "R4", Agent, Forwarder, Forwarder, at(5))
	del := &release.Ingestion{ActionType: release.ActionDelete, PortLoCode: Port, TerminalCode: Terminal.Code, Terminal: &Terminal, Key: Key(EquipmentNumber(33), "R4")}
	w.accepted(CommandOp(Port, EquipmentNumber(33), del, w.meta(Agent, at(6))))
	r5 := w.release(OtherPort, EquipmentNumber(34), "R5", &Forwarder, at(7))

	yes, no := true, false
	for _, tc := range []struct {
		company, port string
		ix            release.ListIndex
		offset, limit int
		want          []*release.Right
		total         int
	}{
		{Forwarder.NxtEntityID, Port, release.ListIndex{}, 0, 0, []*release.Right{r2, r3}, 2},
		{Agent.NxtEntityID, Port, release.ListIndex{}, 0, 0, []*release.Right{r1, r2}, 2},
		{Forwarder.NxtEntityID, OtherPort, release.ListIndex{}, 0, 0, []*release.Right{r5}, 1},
		{Agent.NxtEntityID, OtherPort, release.ListIndex{}, 0, 0, []*release.Right{r5}, 1},
		{Haulier.NxtEntityID, Port, release.ListIndex{}, 0, 0, nil, 0},
		{Operator.NxtEntityID, Port, release.ListIndex{}, 0, 0, nil, 0},
		// Pages: the total is the whole selection's.
		{Forwarder.NxtEntityID, Port, release.ListIndex{}, 0, 1, []*release.Right{r2}, 2},
		{Forwarder.NxtEntityID, Port, release.ListIndex{}, 1, 1, []*release.Right{r3}, 2},
		{Forwarder.NxtEntityID, Port, release.ListIndex{}, 2, 1, nil, 2},
		// Pending (to the company, or from it to another) or not.
		{Forwarder.NxtEntityID, Port, release.ListIndex{Pending: &yes}, 0, 0, []*release.Right{r2}, 1},
		{Forwarder.NxtEntityID, Port, release.ListIndex{Pending: &no}, 0, 0, []*release.Right{r3}, 1},
		{Agent.NxtEntityID, Port, release.ListIndex{Pending: &yes}, 0, 0, []*release.Right{r2}, 1},
		{Agent.NxtEntityID, Port, release.ListIndex{Pending: &no}, 0, 10, []*release.Right{r1}, 1},
		// One container, by its whole equipment number.
		{Agent.NxtEntityID, Port, release.ListIndex{EquipmentNumber: EquipmentNumber(31)}, 0, 25, []*release.Right{r2}, 1},
		{Forwarder.NxtEntityID, Port, release.ListIndex{EquipmentNumber: EquipmentNumber(31), Pending: &yes}, 0, 0, []*release.Right{r2}, 1},
		{Forwarder.NxtEntityID, Port, release.ListIndex{EquipmentNumber: EquipmentNumber(31), Pending: &no}, 0, 0, nil, 0},
		{Forwarder.NxtEntityID, Port, release.ListIndex{EquipmentNumber: EquipmentNumber(30)}, 0, 0, nil, 0},
		{Forwarder.NxtEntityID, Port, release.ListIndex{EquipmentNumber: EquipmentNumber(33)}, 0, 0, nil, 0}, // deleted
	} {
		q := store.RightsQuery{CompanyID: tc.company, PortLoCode: tc.port, ListIndex: tc.ix, Offset: tc.offset, Limit: tc.limit}
		got, total, err := w.s.RightsAssignedTo(w.ctx, q)
		if err != nil {
			t.Fatalf("RightsAssignedTo(%+v): %v", q, err)
		}
		if g, want := releaseIDs(got), releaseIDs(tc.want); !slices.Equal(g, want) || total != tc.total {
			t.Errorf("RightsAssignedTo(%+v) = %v of %d, want %v of %d", q, g, total, want, tc.total)
		}
		for _, r := range got {
			if !r.AssignedTo(tc.company) {
				t.Errorf("RightsAssignedTo(%+v) returned %s, owned by %s", q, r.ReleaseID, r.Owner.NxtEntityID)
			}
		}
	}
	// The rights come back in their current state.
	rs, _, _ := w.s.RightsAssignedTo(w.ctx, store.RightsQuery{CompanyID: Forwarder.NxtEntityID, PortLoCode: Port})
	for _, r := range rs {
		if r.ReleaseID == r3.ReleaseID && (r.Owner.NxtEntityID != Forwarder.NxtEntityID || r.Status != release.StatusAccepted) {
			t.Errorf("accepted right read back owned by %s with status %s", r.Owner.NxtEntityID, r.Status)
		}
	}
}

// testRightsAssignedToPages: every page of a list, at every size, from its start or deep in it, is
// that slice of the whole list, with the whole list's size, as rights are released, transferred,
// accepted and deleted.
func testRightsAssignedToPages(t *testing.T, w *world) {
	at := func(m int) time.Time { return base.Add(time.Duration(m) * time.Minute) }
	yes, no := true, false
	check := func(stage string) {
		t.Helper()
		for _, company := range []string{Agent.NxtEntityID, Forwarder.NxtEntityID} {
			for _, ix := range []release.ListIndex{{}, {Pending: &yes}, {Pending: &no}} {
				all, total, err := w.s.RightsAssignedTo(w.ctx, store.RightsQuery{CompanyID: company, PortLoCode: Port, ListIndex: ix})
				if err != nil {
					t.Fatal(err)
				}
				if total != len(all) {
					t.Errorf("%s: %s %+v: total %d, but %d rights", stage, company, ix, total, len(all))
				}
				for size := 1; size <= 4; size++ {
					for offset := 0; offset <= len(all)+1; offset++ {
						q := store.RightsQuery{CompanyID: company, PortLoCode: Port, ListIndex: ix, Offset: offset, Limit: size}
						got, n, err := w.s.RightsAssignedTo(w.ctx, q)
						if err != nil {
							t.Fatal(err)
						}
						want := all[min(offset, len(all)):min(offset+size, len(all))]
						if g, wt := releaseIDs(got), releaseIDs(want); !slices.Equal(g, wt) || n != total {
							t.Errorf("%s: %+v = %v of %d, want %v of %d", stage, q, g, n, wt, total)
						}
					}
				}
			}
		}
	}
	var eqs []string
	for i := range 9 {
		eq := EquipmentNumber(60 + i)
		eqs = append(eqs, eq)
		var to *release.Party
		if i%3 == 0 {
			to = &Forwarder
		}
		w.release(Port, eq, "R1", to, at(i))
	}
	check("released")
	w.rightAction(release.ActionAccept, eqs[0], "R1", Agent, Forwarder, Forwarder, at(20))
	w.rightAction(release.ActionTransfer, eqs[1], "R1", Agent, Agent, Forwarder, at(21))
	check("accepted and transferred")
	del := &release.Ingestion{ActionType: release.ActionDelete, PortLoCode: Port, TerminalCode: Terminal.Code, Terminal: &Terminal, Key: Key(eqs[3], "R1")}
	w.accepted(CommandOp(Port, eqs[3], del, w.meta(Agent, at(22))))
	w.rightAction(release.ActionDecline, eqs[6], "R1", Agent, Forwarder, Forwarder, at(23))
	check("deleted and declined")
}
