package release_test

import (
	"strings"
	"testing"

	"github.com/portlight/portlight/release"
)

// Every action type of every command kind has its line in the senders table, so a new actionType
// is not refused to everyone by accident, and the platform's own Expire is nobody's to send.
func TestSendersTableCoversEveryAction(t *testing.T) {
	kinds := map[string][]string{
		release.CallIngestion: release.IngestionActions, release.CallReleaseRight: release.RightActions,
		release.CallTerminalEvent: release.TerminalActions, release.CallPickupRight: release.PickupActions,
	}
	for prefix, actions := range kinds {
		for _, a := range actions {
			if _, ok := release.Senders(prefix + a); !ok {
				t.Errorf("no line for %s%s", prefix, a)
			}
		}
	}
	if _, ok := release.Senders(release.Expire{}.Call()); ok {
		t.Error("Expire has a sender")
	}
}

func TestMaySend(t *testing.T) {
	party := func(roles ...release.Role) *release.Party { return &release.Party{NxtEntityID: "X", Roles: roles} }
	agent, terminal, transport := party(release.RoleShippingAgent), party(release.RoleTerminalOperator), party(release.RoleTransportOperator)
	customs, both := party(release.RoleCustoms), party(release.RoleReleaseParty, release.RoleTransportOperator)
	for _, c := range []struct {
		p    *release.Party
		call string
		want bool
	}{
		{agent, (&release.Ingestion{ActionType: release.ActionRelease}).Call(), true},
		{terminal, (&release.Ingestion{ActionType: release.ActionRelease}).Call(), false},
		// Revoke is the Shipping Agent's on its release, and anyone's of the chain on a right.
		{both, (&release.Ingestion{ActionType: release.ActionRevoke}).Call(), false},
		{both, (&release.RightAction{ActionType: release.ActionRevoke}).Call(), true},
		{terminal, (&release.TerminalEvent{ActionType: release.TerminalDischarge}).Call(), true},
		{agent, (&release.TerminalEvent{ActionType: release.TerminalDischarge}).Call(), false},
		{agent, (&release.TerminalEvent{ActionType: release.TerminalCustomsOverwrite}).Call(), true},
		{transport, (&release.TerminalEvent{ActionType: release.TerminalCustomsOverwrite}).Call(), false},
		{transport, (&release.PickupAction{ActionType: release.PickupAssign}).Call(), true},
		{agent, (&release.PickupAction{ActionType: release.PickupAssign}).Call(), false},
		{terminal, (&release.PickupValidation{}).Call(), true},
		{customs, (&release.CustomsStatus{}).Call(), true},
		{agent, (&release.CustomsStatus{}).Call(), false},
		{agent, release.CallGateCheck, false},
		{customs, (&release.DetailQuery{}).Call(), true},
		{agent, (&release.TerminalEvent{ActionType: "Unload"}).Call(), false}, // unknown: nobody's
		{agent, release.Expire{}.Call(), false},
		{nil, release.CallEntities, false},
	} {
		if got := release.MaySend(c.p, c.call); got != c.want {
			t.Errorf("MaySend(%v, %s) = %v, want %v", c.p, c.call, got, c.want)
		}
	}
	if table := release.SendersTable(); !strings.Contains(table, "TerminalEvent:CustomsOverwrite: TerminalOperator, ShippingAgent\n") {
		t.Errorf("table:\n%s", table)
	}
}

// A command names what the door resolves; releaseTo is named (and kept) by Release only.
func TestIngestionNamesReleaseToAtReleaseOnly(t *testing.T) {
	to := release.PartyRef{IdentificationType: "NxtEntityId", IdentificationCode: "NXT1"}
	rel := &release.Ingestion{ActionType: release.ActionRelease, TerminalCode: "0100", ReleaseTo: to}
	if n := rel.Names(); len(n.Parties) != 2 || !n.Parties[1].Given() || n.Terminal == nil || n.Terminal.Code != "0100" {
		t.Errorf("Release names %+v", n)
	}
	upd := &release.Ingestion{ActionType: release.ActionUpdate, ReleaseTo: to}
	if n := upd.Names(); n.Terminal != nil || n.Parties[1].Given() || upd.ReleaseTo.Given() {
		t.Errorf("Update keeps releaseTo: %+v", upd.ReleaseTo)
	}
}

func TestNormaliseCode(t *testing.T) {
	for in, want := range map[string]string{" beanr ": "BEANR", "ABCU1234565": "ABCU1234565", "abcu1234565\t": "ABCU1234565", "": ""} {
		if got := release.NormaliseCode(in); got != want {
			t.Errorf("NormaliseCode(%q) = %q, want %q", in, got, want)
		}
	}
}
