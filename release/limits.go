package release

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// The size limits of what a caller may send (docs/security.md "Limits", docs/rules.md "Field
// sizes"): the one table of them. The door (package service) refuses a command over any of them
// before it is applied, whichever front end (API, EDIFACT gateway, console) built it, so what one
// call can make the platform store is bounded.
const (
	// MaxEquipmentNumber is an equipment number's length after trimming: ISO 6346's 11 characters.
	MaxEquipmentNumber = 11
	// MaxIdentifier is the length of an identifier or code (releaseIdentification, a bill of
	// lading, references, vessel and voyage data, terminal and party codes, actionType, plates):
	// EDIFACT's an..35, which most of them are in the messages that carry them.
	MaxIdentifier = 35
	// MaxName is the length of a person's, barge's or operator's name.
	MaxName = 70
	// MaxText is the length of a free text (reason, reasonForAction).
	MaxText = 512
	// MaxBillsOfLading is how many bills of lading one command names.
	MaxBillsOfLading = 200
	// MaxExternalReferenceID is the length of the caller's External-Reference-Id.
	MaxExternalReferenceID = 100
	// MaxCommandBytes bounds the request body of one command (a release at every maximum is some
	// 9 KiB). The bulk release-rights call is bounded by its count of items instead
	// (MaxBulkRights of the API), and an EDIFACT interchange by its own bound.
	MaxCommandBytes = 64 << 10
	// MaxCallBytes bounds what the audit trail keeps of one call: its requests' bodies together
	// (each at most MaxCommandBytes). A bulk call or an EDIFACT message of many containers keeps
	// each container's part, not the whole once per container.
	MaxCallBytes = 4 << 20
	// MaxPulledBytes bounds the messages of one pull answer of notifications; the answer stops
	// before the item that would pass it (never before the first) and says it was truncated.
	MaxPulledBytes = 4 << 20
)

// SizeError is a command field over its maximum. Field is spelled as the API's JSON names it.
type SizeError struct {
	Field string
	Max   int
	// Items is set when the field is a list too long, not a text.
	Items bool
}

func (e *SizeError) Error() string {
	if e.Items {
		return fmt.Sprintf("The field '%s' takes at most %d items.", e.Field, e.Max)
	}
	return fmt.Sprintf("The field '%s' takes at most %d characters.", e.Field, e.Max)
}

// CheckSizes returns a *SizeError for the first field of cmd over its maximum, or nil. A command
// type it does not know is an error too (not a *SizeError): every command is sized here.
func CheckSizes(cmd Command) error {
	s := &sizes{}
	switch c := cmd.(type) {
	case *Ingestion:
		s.code("actionType", c.ActionType)
		s.code("portLoCode", c.PortLoCode)
		s.key(c.Key)
		s.code("terminalCode", c.TerminalCode)
		s.details(&c.Details)
		s.party("carrier", &c.Carrier)
		s.party("releaseTo", &c.ReleaseTo)
		s.text("reason", c.Reason, MaxText)
	case *RightAction:
		s.code("actionType", c.ActionType)
		s.code("portLoCode", c.PortLoCode)
		s.key(c.Key)
		s.code("terminalCode", c.TerminalCode)
		s.party("releaseFrom", &c.ReleaseFrom)
		s.party("releaseTo", &c.ReleaseTo)
		s.party("carrier", &c.Carrier)
		s.text("reasonForAction", c.ReasonForAction, MaxText)
	case *PickupAction:
		s.code("actionType", c.ActionType)
		s.code("portLoCode", c.PortLoCode)
		s.key(c.Key)
		s.code("terminalCode", c.TerminalCode)
		s.means(c.MeansOfTransport)
	case *PickupValidation:
		s.code("portLoCode", c.PortLoCode)
		s.equipment(c.EquipmentNumber)
		s.code("terminalCode", c.TerminalCode)
		s.party("transportOperator", &c.TransportOperator)
		s.means(c.MeansOfTransport)
	case *TerminalEvent:
		s.code("actionType", c.ActionType)
		s.code("portLoCode", c.PortLoCode)
		s.key(Key{EquipmentNumber: c.EquipmentNumber, BillOfLadingNumbers: c.BillOfLadingNumbers, ReleaseIdentification: c.ReleaseIdentification})
		s.code("terminalCode", c.TerminalCode)
		s.code("stayNumber", c.StayNumber)
		s.text("reason", c.Reason, MaxText)
	case *CustomsStatus:
		s.code("portLoCode", c.PortLoCode)
		s.key(Key{EquipmentNumber: c.EquipmentNumber, BillOfLadingNumbers: c.BillOfLadingNumbers})
		s.code("status", c.Status)
		s.code("progress", c.Progress)
		s.code("source", c.Source)
	case *DetailQuery:
		s.code("portLoCode", c.PortLoCode)
		s.key(c.Key)
	case Expire, *Expire, *Acknowledgement:
		// Made by the platform itself, from nothing a caller sent.
	default:
		return fmt.Errorf("release: no size limits known for command %T", cmd)
	}
	if s.err != nil {
		return s.err
	}
	return nil
}

// CheckEquipmentSize and CheckCodeSize size the equipment number and port a front end names a
// call's container by, next to its command.
func CheckEquipmentSize(eq string) error { return (&sizes{}).equipment(eq).orNil() }

// CheckCodeSize sizes a code or identifier of field (MaxIdentifier).
func CheckCodeSize(field, v string) error { return (&sizes{}).code(field, v).orNil() }

// sizes collects the first field over its maximum.
type sizes struct{ err *SizeError }

func (s *sizes) orNil() error {
	if s.err == nil {
		return nil
	}
	return s.err
}

func (s *sizes) text(field, v string, max int) *sizes {
	// len(v) <= max is the cheap common case: never more characters than bytes.
	if s.err == nil && len(v) > max && utf8.RuneCountInString(v) > max {
		s.err = &SizeError{Field: field, Max: max}
	}
	return s
}

func (s *sizes) code(field, v string) *sizes { return s.text(field, v, MaxIdentifier) }

// equipment sizes an equipment number as the core reads it: trimmed.
func (s *sizes) equipment(v string) *sizes {
	return s.text("equipmentNumber", strings.TrimSpace(v), MaxEquipmentNumber)
}

func (s *sizes) key(k Key) {
	s.equipment(k.EquipmentNumber)
	if s.err == nil && len(k.BillOfLadingNumbers) > MaxBillsOfLading {
		s.err = &SizeError{Field: "billOfLadingNumbers", Max: MaxBillsOfLading, Items: true}
	}
	for _, bl := range k.BillOfLadingNumbers {
		s.code("billOfLadingNumbers", bl)
	}
	s.code("releaseIdentification", k.ReleaseIdentification)
}

func (s *sizes) party(field string, r *PartyRef) {
	s.code(field+".identificationType", r.IdentificationType)
	s.code(field+".identificationCode", r.IdentificationCode)
}

func (s *sizes) details(d *Details) {
	for _, f := range []struct{ name, v string }{
		{"releaseOrderReference", d.ReleaseOrderReference}, {"emptyReturnReference", d.EmptyReturnReference},
		{"equipmentSupplier", d.EquipmentSupplier}, {"equipmentStatus", d.EquipmentStatus},
		{"fullEmptyIndicator", d.FullEmptyIndicator}, {"equipmentOperator", d.EquipmentOperator},
		{"vesselName", d.VesselName}, {"vesselNumber", d.VesselNumber}, {"stayNumber", d.StayNumber},
		{"vesselCallSign", d.VesselCallSign}, {"voyageNumber", d.VoyageNumber}, {"equipmentType", d.EquipmentType},
		{"meansOfTransport", d.MeansOfTransport},
	} {
		s.code(f.name, f.v)
	}
}

func (s *sizes) means(m *MeansOfTransport) {
	if m == nil {
		return
	}
	s.code("meansOfTransport.type", m.Type)
	if t := m.Truck; t != nil {
		s.code("meansOfTransport.truck.licensePlate", t.LicensePlate)
		if d := t.Driver; d != nil {
			s.text("meansOfTransport.truck.driver.name", d.Name, MaxName)
			s.text("meansOfTransport.truck.driver.alias", d.Alias, MaxName)
			s.code("meansOfTransport.truck.driver.badgeNumberMasked", d.BadgeNumberMasked)
		}
	}
	if b := m.Barge; b != nil {
		s.text("meansOfTransport.barge.name", b.Name, MaxName)
		s.code("meansOfTransport.barge.eniNumber", b.EniNumber)
		s.code("meansOfTransport.barge.visitNumber", b.VisitNumber)
	}
	if r := m.Rail; r != nil {
		s.text("meansOfTransport.rail.operator", r.Operator, MaxName)
		s.code("meansOfTransport.rail.trainReference", r.TrainReference)
	}
}
