package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// EveryPartyCarrier is the carrier EveryPartyOps names.
var EveryPartyCarrier = release.Party{NxtEntityID: "carrier-0001", Name: "Blue Water Lines", Roles: []release.Role{release.RoleShippingAgent}}

// everyPartyEquipment is the container of EveryPartyOps.
var everyPartyEquipment = EquipmentNumber(50)

// EveryPartyOps are the ops of a release every kind of stakeholder has a part in: Agent releases
// it at Terminal (Operator's) naming EveryPartyCarrier, to Forwarder, who accepts it and transfers
// it on to Haulier, who accepts: Forwarder is then a past holder only. For a store's migration
// tests (the stakeholder rows filled from rights stored before them) and CheckEveryPartySees.
func EveryPartyOps(now time.Time) []store.Op {
	eq := everyPartyEquipment
	cmd := ReleaseCommand(Port, eq, "R50", &Forwarder)
	cmd.Carrier = release.PartyRef{IdentificationType: string(release.IDNxtEntityID), IdentificationCode: EveryPartyCarrier.NxtEntityID, Party: &EveryPartyCarrier}
	meta := func(sender release.Party, i int) release.Meta {
		return release.Meta{Now: now.Add(time.Duration(i) * time.Minute), Sender: sender,
			PublicReferenceID: fmt.Sprintf("every-party-%d", i), NewReleaseID: "rel-every-party"}
	}
	return []store.Op{
		CommandOp(Port, eq, cmd, meta(Agent, 0)),
		CommandOp(Port, eq, RightCommand(release.ActionAccept, Port, eq, "R50", Agent, Forwarder), meta(Forwarder, 1)),
		CommandOp(Port, eq, RightCommand(release.ActionTransfer, Port, eq, "R50", Forwarder, Haulier), meta(Forwarder, 2)),
		CommandOp(Port, eq, RightCommand(release.ActionAccept, Port, eq, "R50", Forwarder, Haulier), meta(Haulier, 3)),
	}
}

// CheckEveryPartySees fails t unless every stakeholder of EveryPartyOps' release lists it in
// "My containers" (the whole list, and searched by equipment number and by bill of lading), and a
// company with no part in it does not.
func CheckEveryPartySees(t testing.TB, s store.Store) {
	t.Helper()
	ctx := context.Background()
	for _, id := range []string{Agent.NxtEntityID, EveryPartyCarrier.NxtEntityID, Operator.NxtEntityID, Forwarder.NxtEntityID, Haulier.NxtEntityID, "outsider-0001"} {
		want := 1
		if id == "outsider-0001" {
			want = 0
		}
		for _, search := range []string{"", everyPartyEquipment, "BLR50"} {
			q := store.StakeholderQuery{CompanyID: id, PortLoCode: Port, Search: search}
			rights, total, err := s.StakeholderRights(ctx, q)
			if err != nil {
				t.Fatalf("StakeholderRights(%+v): %v", q, err)
			}
			if len(rights) != want || total != want || (want == 1 && rights[0].ReleaseID != "rel-every-party") {
				t.Errorf("StakeholderRights(%+v) = %d of %d, want the release %d time(s)", q, len(rights), total, want)
			}
		}
	}
}
