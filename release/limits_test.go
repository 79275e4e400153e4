package release

import (
	"errors"
	"strings"
	"testing"
)

// The attacks of issue 14 (a 1.9 MB releaseIdentification, a 1.5 MB equipment number, 100,000 bills
// of lading) are each refused with the field named; the same command at every maximum passes.
func TestCheckSizesRefusesEachFieldOverItsMaximum(t *testing.T) {
	at := func(n int) string { return strings.Repeat("X", n) }
	party := func(code string) PartyRef {
		return PartyRef{IdentificationType: "NxtEntityId", IdentificationCode: code}
	}
	bls := func(n, each int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = at(each)
		}
		return out
	}
	maximal := func() *Ingestion {
		return &Ingestion{ActionType: at(MaxIdentifier), PortLoCode: at(MaxIdentifier), TerminalCode: at(MaxIdentifier),
			Key: Key{EquipmentNumber: " " + at(MaxEquipmentNumber) + " ", BillOfLadingNumbers: bls(MaxBillsOfLading, MaxIdentifier),
				ReleaseIdentification: at(MaxIdentifier)},
			Details:   Details{VesselName: at(MaxIdentifier), ReleaseOrderReference: at(MaxIdentifier), MeansOfTransport: at(MaxIdentifier)},
			Carrier:   party(at(MaxIdentifier)),
			ReleaseTo: party(at(MaxIdentifier)),
			Reason:    strings.Repeat("é", MaxText), // characters, not bytes
		}
	}
	if err := CheckSizes(maximal()); err != nil {
		t.Fatalf("a release at every maximum: %v", err)
	}
	means := func() *MeansOfTransport {
		return &MeansOfTransport{Type: "Truck", Truck: &Truck{LicensePlate: at(MaxIdentifier),
			Driver: &Driver{Name: at(MaxName), Alias: at(MaxName), BadgeNumberMasked: at(MaxIdentifier)}}}
	}
	for _, tc := range []struct {
		field string
		items bool
		cmd   Command
	}{
		{"releaseIdentification", false, func() Command { c := maximal(); c.Key.ReleaseIdentification = at(1_900_000); return c }()},
		{"equipmentNumber", false, func() Command { c := maximal(); c.Key.EquipmentNumber = at(1_500_000); return c }()},
		{"equipmentNumber", false, func() Command { c := maximal(); c.Key.EquipmentNumber = at(MaxEquipmentNumber + 1); return c }()},
		{"billOfLadingNumbers", true, func() Command { c := maximal(); c.Key.BillOfLadingNumbers = bls(100_000, 8); return c }()},
		{"billOfLadingNumbers", false, func() Command { c := maximal(); c.Key.BillOfLadingNumbers[7] = at(MaxIdentifier + 1); return c }()},
		{"vesselName", false, func() Command { c := maximal(); c.Details.VesselName = at(MaxIdentifier + 1); return c }()},
		{"releaseTo.identificationCode", false, func() Command { c := maximal(); c.ReleaseTo.IdentificationCode = at(MaxIdentifier + 1); return c }()},
		{"reason", false, func() Command { c := maximal(); c.Reason = at(MaxText + 1); return c }()},
		{"reasonForAction", false, &RightAction{ActionType: ActionTransfer, Key: Key{EquipmentNumber: "MSCU1234566"}, ReasonForAction: at(MaxText + 1)}},
		{"releaseFrom.identificationType", false, &RightAction{ActionType: ActionTransfer, ReleaseFrom: PartyRef{IdentificationType: at(MaxIdentifier + 1)}}},
		{"meansOfTransport.truck.driver.name", false, &PickupAction{ActionType: PickupAssign, MeansOfTransport: func() *MeansOfTransport {
			m := means()
			m.Truck.Driver.Name = at(MaxName + 1)
			return m
		}()}},
		{"meansOfTransport.barge.eniNumber", false, &PickupValidation{MeansOfTransport: &MeansOfTransport{Type: "Barge", Barge: &Barge{EniNumber: at(MaxIdentifier + 1)}}}},
		{"meansOfTransport.rail.operator", false, &PickupValidation{MeansOfTransport: &MeansOfTransport{Type: "Rail", Rail: &Rail{Operator: at(MaxName + 1)}}}},
		{"stayNumber", false, &TerminalEvent{ActionType: TerminalDischarge, StayNumber: at(MaxIdentifier + 1)}},
		{"reason", false, &TerminalEvent{ActionType: TerminalBlock, Reason: at(MaxText + 1)}},
		{"source", false, &CustomsStatus{Source: at(MaxIdentifier + 1)}},
		{"billOfLadingNumbers", true, &CustomsStatus{BillOfLadingNumbers: bls(MaxBillsOfLading+1, 1)}},
		{"releaseIdentification", false, &DetailQuery{Key: Key{ReleaseIdentification: at(MaxIdentifier + 1)}}},
	} {
		err := CheckSizes(tc.cmd)
		var size *SizeError
		if !errors.As(err, &size) || size.Field != tc.field || size.Items != tc.items {
			t.Errorf("%T with %s over its maximum: %v", tc.cmd, tc.field, err)
			continue
		}
		if !strings.Contains(err.Error(), "'"+tc.field+"'") {
			t.Errorf("the refusal does not name %s: %q", tc.field, err)
		}
	}
	// The pick-up means at every maximum pass.
	if err := CheckSizes(&PickupAction{ActionType: PickupAssign, MeansOfTransport: means()}); err != nil {
		t.Fatalf("a pick-up at every maximum: %v", err)
	}
	// What the platform makes itself carries nothing to size.
	for _, cmd := range []Command{Expire{}, &Expire{}, &Acknowledgement{Interchange: at(1 << 20)}} {
		if err := CheckSizes(cmd); err != nil {
			t.Errorf("%T: %v", cmd, err)
		}
	}
}

// unsized is a command CheckSizes has not been told about.
type unsized struct{ Expire }

// A command type nobody sized is refused, not waved through: the table must grow with the commands.
func TestCheckSizesRefusesACommandItDoesNotKnow(t *testing.T) {
	err := CheckSizes(unsized{})
	var size *SizeError
	if err == nil || errors.As(err, &size) {
		t.Fatalf("an unknown command: %v", err)
	}
}
