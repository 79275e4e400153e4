package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// testStakeholderRights: the console's "My containers" holds, per port, the releases a company
// owns, has pending to it, originated, or has at a terminal the release names it the operator of,
// deleted ones excepted, each once, newest first (or oldest), filtered, one page at a time with the
// whole selection's size.
func testStakeholderRights(t *testing.T, w *world) {
	noErr(t, "PutTerminal", w.s.PutTerminal(w.ctx, identity.Terminal{PortLoCode: Port, Code: Terminal.Code, Name: Terminal.Name, OperatorID: Operator.NxtEntityID}))
	at := func(m int) time.Time { return base.Add(time.Duration(m) * time.Minute) }
	// r1 stays with the agent; r2 is pending to the forwarder; r3 the forwarder accepted;
	// r4 the forwarder accepted, then the agent deleted; r5 is pending to the forwarder in another
	// port; r6 another agent released at another operator's terminal.
	r1 := w.release(Port, EquipmentNumber(30), "R1", nil, at(0))
	r2 := w.release(Port, EquipmentNumber(31), "R2", &Forwarder, at(1))
	r3 := w.release(Port, EquipmentNumber(32), "R3", &Forwarder, at(2))
	w.rightAction(release.ActionAccept, EquipmentNumber(32), "R3", Agent, Forwarder, Forwarder, at(3))
	w.release(Port, EquipmentNumber(33), "R4", &Forwarder, at(4))
	w.rightAction(release.ActionAccept, EquipmentNumber(33), "R4", Agent, Forwarder, Forwarder, at(5))
	del := &release.Ingestion{ActionType: release.ActionDelete, PortLoCode: Port, TerminalCode: Terminal.Code, Terminal: &Terminal, Key: Key(EquipmentNumber(33), "R4")}
	w.accepted(CommandOp(Port, EquipmentNumber(33), del, w.meta(Agent, at(6))))
	r5 := w.release(OtherPort, EquipmentNumber(34), "R5", &Forwarder, at(7))
	otherAgent := release.Party{NxtEntityID: "agent-0002", Name: "Second Line Agency", Roles: []release.Role{release.RoleShippingAgent}}
	otherOperator := release.Party{NxtEntityID: "operator-0002", Name: "Quay 9999", Roles: []release.Role{release.RoleTerminalOperator}}
	cmd := ReleaseCommand(Port, EquipmentNumber(35), "R6", nil)
	cmd.TerminalCode, cmd.Terminal = "9999", &release.Terminal{Code: "9999", Operator: otherOperator}
	r6 := w.accepted(CommandOp(Port, EquipmentNumber(35), cmd, w.meta(otherAgent, at(8)))).Changed[0]

	// r7, in the other port, has a bill of lading that looks like an equipment number.
	cmd = ReleaseCommand(OtherPort, EquipmentNumber(36), "R7", nil)
	cmd.Key.BillOfLadingNumbers = []string{"ABCD1234567"}
	r7 := w.accepted(CommandOp(OtherPort, EquipmentNumber(36), cmd, w.meta(otherAgent, at(9)))).Changed[0]

	type q = store.StakeholderQuery
	for _, tc := range []struct {
		q     q
		want  []*release.Right
		total int
	}{
		{q{CompanyID: Agent.NxtEntityID, PortLoCode: Port}, []*release.Right{r3, r2, r1}, 3},
		{q{CompanyID: Forwarder.NxtEntityID, PortLoCode: Port}, []*release.Right{r3, r2}, 2},
		{q{CompanyID: Forwarder.NxtEntityID, PortLoCode: OtherPort}, []*release.Right{r5}, 1},
		{q{CompanyID: Operator.NxtEntityID, PortLoCode: Port}, []*release.Right{r3, r2, r1}, 3},
		// The operator the release names (release.Right.Stakeholders), whatever the registry says.
		{q{CompanyID: otherOperator.NxtEntityID, PortLoCode: Port}, []*release.Right{r6}, 1},
		{q{CompanyID: otherAgent.NxtEntityID, PortLoCode: Port}, []*release.Right{r6}, 1},
		{q{CompanyID: Haulier.NxtEntityID, PortLoCode: Port}, nil, 0},
		// Waiting for me: a transfer to the company awaits its answer.
		{q{CompanyID: Forwarder.NxtEntityID, PortLoCode: Port, WaitingForMe: true}, []*release.Right{r2}, 1},
		{q{CompanyID: Agent.NxtEntityID, PortLoCode: Port, WaitingForMe: true}, nil, 0},
		// Filters.
		{q{CompanyID: Agent.NxtEntityID, PortLoCode: Port, Status: release.StatusAccepted}, []*release.Right{r3}, 1},
		{q{CompanyID: otherAgent.NxtEntityID, PortLoCode: Port, TerminalCode: "9999"}, []*release.Right{r6}, 1},
		{q{CompanyID: Operator.NxtEntityID, PortLoCode: Port, TerminalCode: "9999"}, nil, 0},
		{q{CompanyID: Agent.NxtEntityID, PortLoCode: Port, Search: EquipmentNumber(31)}, []*release.Right{r2}, 1},
		{q{CompanyID: Agent.NxtEntityID, PortLoCode: Port, Search: "pltu00003"}, []*release.Right{r3, r2, r1}, 3},
		{q{CompanyID: Agent.NxtEntityID, PortLoCode: Port, Search: "BLR3"}, []*release.Right{r3}, 1},
		{q{CompanyID: Agent.NxtEntityID, PortLoCode: Port, Search: "BLR"}, nil, 0},                                    // a bill of lading is matched whole
		{q{CompanyID: otherAgent.NxtEntityID, PortLoCode: OtherPort, Search: "ABCD1234567"}, []*release.Right{r7}, 1}, // a bill of lading like an equipment number
		{q{CompanyID: Agent.NxtEntityID, PortLoCode: Port, Search: "%"}, nil, 0},
		// Pages and order.
		{q{CompanyID: Agent.NxtEntityID, PortLoCode: Port, Offset: 1, Limit: 1}, []*release.Right{r2}, 3},
		{q{CompanyID: Agent.NxtEntityID, PortLoCode: Port, OldestFirst: true, Limit: 2}, []*release.Right{r1, r2}, 3},
		{q{CompanyID: Agent.NxtEntityID, PortLoCode: Port, Offset: 3, Limit: 2}, nil, 3},
		{q{CompanyID: Agent.NxtEntityID, PortLoCode: Port, Limit: -1}, nil, 3},
		// A count stopped early; a page past it still comes.
		{q{CompanyID: Agent.NxtEntityID, PortLoCode: Port, CountUpTo: 2, Limit: 1}, []*release.Right{r3}, 2},
		{q{CompanyID: Agent.NxtEntityID, PortLoCode: Port, CountUpTo: 2, Offset: 2, Limit: 1}, []*release.Right{r1}, 2},
		{q{CompanyID: Agent.NxtEntityID, PortLoCode: Port, CountUpTo: 5, Limit: 1}, []*release.Right{r3}, 3},
		{q{CompanyID: Agent.NxtEntityID, PortLoCode: Port, Search: "PLTU00003", CountUpTo: 1, Limit: 5}, []*release.Right{r3, r2, r1}, 1},
	} {
		got, total, err := w.s.StakeholderRights(w.ctx, tc.q)
		if err != nil {
			t.Fatalf("StakeholderRights(%+v): %v", tc.q, err)
		}
		if g, want := releaseIDs(got), releaseIDs(tc.want); !slices.Equal(g, want) || total != tc.total {
			t.Errorf("StakeholderRights(%+v) = %v of %d, want %v of %d", tc.q, g, total, want, tc.total)
		}
	}
	// The rights come back in their current state.
	rs, _, _ := w.s.StakeholderRights(w.ctx, store.StakeholderQuery{CompanyID: Forwarder.NxtEntityID, PortLoCode: Port})
	if len(rs) == 0 || rs[0].ReleaseID != r3.ReleaseID || rs[0].Status != release.StatusAccepted || rs[0].Owner.NxtEntityID != Forwarder.NxtEntityID {
		t.Errorf("accepted right not read back in its current state: %+v", rs)
	}
}

// testStakeholderRightsEveryParty: "My containers" lists a release for every company
// release.Right.Stakeholders names, as the container page does (service.MyContainer): a past
// holder that transferred it on and the carrier the agent named see it; a company with no part in
// it does not, and a transfer it was never party to does not make it one.
func testStakeholderRightsEveryParty(t *testing.T, w *world) {
	at := func(m int) time.Time { return base.Add(time.Duration(m) * time.Minute) }
	carrier := release.Party{NxtEntityID: "carrier-0001", Name: "Blue Water Lines", Roles: []release.Role{release.RoleShippingAgent}}
	outsider := release.Party{NxtEntityID: "forwarder-0009", Name: "Elsewhere Forwarding", Roles: []release.Role{release.RoleReleaseParty}}
	eq := EquipmentNumber(40)
	cmd := ReleaseCommand(Port, eq, "R40", &Forwarder)
	cmd.Carrier = release.PartyRef{IdentificationType: string(release.IDNxtEntityID), IdentificationCode: carrier.NxtEntityID, Party: &carrier}
	w.accepted(CommandOp(Port, eq, cmd, w.meta(Agent, at(0))))
	w.rightAction(release.ActionAccept, eq, "R40", Agent, Forwarder, Forwarder, at(1))
	w.rightAction(release.ActionTransfer, eq, "R40", Forwarder, Haulier, Forwarder, at(2))
	out := w.rightAction(release.ActionAccept, eq, "R40", Forwarder, Haulier, Haulier, at(3))
	if len(out.Changed) != 1 || out.Changed[0].Owner.NxtEntityID != Haulier.NxtEntityID {
		t.Fatalf("the haulier's accept: %+v", out)
	}
	r := out.Changed[0]
	// A second release at the same time that the forwarder never held.
	other := w.release(Port, EquipmentNumber(41), "R41", nil, at(4))

	type q = store.StakeholderQuery
	for _, tc := range []struct {
		name string
		q    q
		want []*release.Right
	}{
		{"past holder", q{CompanyID: Forwarder.NxtEntityID, PortLoCode: Port}, []*release.Right{r}},
		{"past holder, by status", q{CompanyID: Forwarder.NxtEntityID, PortLoCode: Port, Status: release.StatusAccepted}, []*release.Right{r}},
		{"past holder, by equipment number", q{CompanyID: Forwarder.NxtEntityID, PortLoCode: Port, Search: eq}, []*release.Right{r}},
		{"past holder, by bill of lading", q{CompanyID: Forwarder.NxtEntityID, PortLoCode: Port, Search: "BLR40"}, []*release.Right{r}},
		{"past holder, nothing waits for it", q{CompanyID: Forwarder.NxtEntityID, PortLoCode: Port, WaitingForMe: true}, nil},
		{"carrier", q{CompanyID: carrier.NxtEntityID, PortLoCode: Port}, []*release.Right{r}},
		{"owner", q{CompanyID: Haulier.NxtEntityID, PortLoCode: Port}, []*release.Right{r}},
		{"originator", q{CompanyID: Agent.NxtEntityID, PortLoCode: Port}, []*release.Right{other, r}},
		{"not involved", q{CompanyID: outsider.NxtEntityID, PortLoCode: Port}, nil},
		{"not involved, by equipment number", q{CompanyID: outsider.NxtEntityID, PortLoCode: Port, Search: eq}, nil},
		{"not involved, by bill of lading", q{CompanyID: outsider.NxtEntityID, PortLoCode: Port, Search: "BLR40"}, nil},
		{"carrier, another port", q{CompanyID: carrier.NxtEntityID, PortLoCode: OtherPort}, nil},
	} {
		got, total, err := w.s.StakeholderRights(w.ctx, tc.q)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if g, want := releaseIDs(got), releaseIDs(tc.want); !slices.Equal(g, want) || total != len(tc.want) {
			t.Errorf("%s: StakeholderRights(%+v) = %v of %d, want %v", tc.name, tc.q, g, total, want)
		}
	}
	// Every company the list shows it to is one the core names, and the other way round.
	for _, id := range r.Stakeholders() {
		if got, _, _ := w.s.StakeholderRights(w.ctx, q{CompanyID: id, PortLoCode: Port, Search: eq}); len(got) != 1 {
			t.Errorf("stakeholder %s does not see %s", id, eq)
		}
	}
	// Once deleted, nobody lists it.
	del := &release.Ingestion{ActionType: release.ActionDelete, PortLoCode: Port, TerminalCode: Terminal.Code, Terminal: &Terminal, Key: Key(eq, "R40")}
	w.accepted(CommandOp(Port, eq, del, w.meta(Agent, at(5))))
	for _, id := range r.Stakeholders() {
		if got, total, _ := w.s.StakeholderRights(w.ctx, q{CompanyID: id, PortLoCode: Port, Search: eq}); len(got) != 0 || total != 0 {
			t.Errorf("stakeholder %s still sees %s once deleted", id, eq)
		}
	}
}
