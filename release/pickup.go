package release

import (
	"errors"
	"strings"
)

// Pick-up Right action types (PUT .../pickup-rights).
const (
	PickupAssign = "Assign"
	PickupUpdate = "Update"
	PickupRevoke = "Revoke"
)

// PickupActions lists the Pick-up Right action types.
var PickupActions = []string{PickupAssign, PickupUpdate, PickupRevoke}

// Means of transport types.
const (
	TransportTruck = "Truck"
	TransportBarge = "Barge"
	TransportRail  = "Rail"
)

// Validate checks that m names exactly the vehicle its type says, with what identifies it at the
// gate, and masks a driver badge number given in clear (only its last two characters are kept).
func (m *MeansOfTransport) Validate() error {
	if m == nil {
		return errors.New("meansOfTransport is required")
	}
	set := 0
	for _, given := range []bool{m.Truck != nil, m.Barge != nil, m.Rail != nil} {
		if given {
			set++
		}
	}
	if set != 1 {
		return errors.New("meansOfTransport needs exactly one of truck, barge and rail")
	}
	switch {
	case m.Type == TransportTruck && m.Truck != nil:
		if strings.TrimSpace(m.Truck.LicensePlate) == "" {
			return errors.New("meansOfTransport.truck.licensePlate is required")
		}
		if d := m.Truck.Driver; d != nil {
			d.BadgeNumberMasked = maskBadge(d.BadgeNumberMasked)
		}
	case m.Type == TransportBarge && m.Barge != nil:
		if strings.TrimSpace(m.Barge.EniNumber) == "" && strings.TrimSpace(m.Barge.Name) == "" {
			return errors.New("meansOfTransport.barge needs its eniNumber or name")
		}
	case m.Type == TransportRail && m.Rail != nil:
		if strings.TrimSpace(m.Rail.TrainReference) == "" {
			return errors.New("meansOfTransport.rail.trainReference is required")
		}
	default:
		return errors.New("meansOfTransport.type must be Truck, Barge or Rail, with the matching object")
	}
	return nil
}

// maskBadge keeps only the last two characters of a badge number ("**12"): the platform never
// stores a driver's badge in clear.
func maskBadge(b string) string {
	b = strings.TrimSpace(b)
	if len(b) <= 2 || strings.Trim(b[:len(b)-2], "*") == "" {
		return b
	}
	return strings.Repeat("*", len(b)-2) + b[len(b)-2:]
}

// Matches reports whether the vehicle at the gate (given) is the one of the Pick-up Right (m).
func (m *MeansOfTransport) Matches(given *MeansOfTransport) bool {
	if given == nil {
		return true
	}
	if m.Type != given.Type {
		return false
	}
	same := func(a, b string) bool {
		return strings.EqualFold(strings.ReplaceAll(a, " ", ""), strings.ReplaceAll(b, " ", ""))
	}
	switch m.Type {
	case TransportTruck:
		return given.Truck == nil || same(m.Truck.LicensePlate, given.Truck.LicensePlate)
	case TransportBarge:
		return given.Barge == nil || (given.Barge.EniNumber == "" || same(m.Barge.EniNumber, given.Barge.EniNumber))
	case TransportRail:
		return given.Rail == nil || same(m.Rail.TrainReference, given.Rail.TrainReference)
	}
	return false
}

// PickupAction assigns, updates or revokes the Pick-up Right: the driver, barge or train the
// Transport Operator owning the Release Right sends to collect the container.
type PickupAction struct {
	ActionType       string
	PortLoCode       string
	Key              Key
	TerminalCode     string
	MeansOfTransport *MeansOfTransport
}

// Action implements Command.
func (p *PickupAction) Action() string { return "Pickup" + p.ActionType }

// MeansOfTransportChange is the meansOfTransport of a PickupLight notification.
type MeansOfTransportChange struct {
	OldMeansOfTransport *MeansOfTransport `json:"oldMeansOfTransport"`
	NewMeansOfTransport *MeansOfTransport `json:"newMeansOfTransport"`
}

func (p *PickupAction) decide(c *Container, n *notifier) []*Right {
	key := p.Key.normalise()
	eq := key.EquipmentNumber
	r := c.Find(key, notDeleted)
	if r == nil {
		n.notValidated(TypeReleaseLight, eq, nil, msgRightNotFound(key))
		return nil
	}
	if status := r.EffectiveStatus(n.m.Now); status == StatusArchived || status == StatusExpired {
		n.notValidated(TypeReleaseLight, eq, r, msgPickupRightIs(p.ActionType, eq, status))
		return nil
	}
	sender := &n.m.Sender
	switch {
	case r.PendingTo != nil && (r.Owner.Same(sender) || r.PendingTo.Same(sender)):
		n.notValidated(TypeReleaseLight, eq, r, msgPickupPending(p.ActionType, eq))
		return nil
	case !r.Owner.Same(sender) || !sender.HasRole(RoleTransportOperator):
		n.notValidated(TypeReleaseLight, eq, r, msgPickupInvalidOwner(p.ActionType, eq))
		return nil
	case p.TerminalCode != r.Terminal.Code:
		n.notValidated(TypeReleaseLight, eq, r, msgPickupTerminal(p.ActionType, eq))
		return nil
	case p.ActionType != PickupAssign && r.Pickup == nil:
		n.notValidated(TypeReleaseLight, eq, r, msgNoActivePickup(p.ActionType, eq))
		return nil
	case p.ActionType == PickupAssign && r.Pickup != nil:
		n.notValidated(TypeReleaseLight, eq, r, msgPickupAlreadyAssigned(eq))
		return nil
	}
	var mot *MeansOfTransport
	if p.ActionType != PickupRevoke {
		if err := p.MeansOfTransport.Validate(); err != nil {
			n.notValidated(TypeReleaseLight, eq, r, msgInvalidMeansOfTransport(p.ActionType, eq, err))
			return nil
		}
		mot = p.MeansOfTransport
	}
	next := r.Clone()
	next.UpdatedAt = n.m.Now
	var old *MeansOfTransport
	if next.Pickup != nil {
		prev := next.Pickup.MeansOfTransport
		old = &prev
	}
	oldLight := next.Lights.PickupLight
	if mot == nil {
		next.Pickup = nil
		next.Lights.PickupLight = ValueRevoked
	} else {
		next.Pickup = &PickupRight{TransportOperator: *sender, MeansOfTransport: *mot, AssignedAt: n.m.Now}
		next.Lights.PickupLight = ValueAssigned
	}
	body := n.lightBody(next, LightPickup, &oldLight)
	if mot != nil {
		body.TransportOperator = partyObject(sender)
	}
	body.MeansOfTransport = MeansOfTransportChange{OldMeansOfTransport: old, NewMeansOfTransport: mot}
	n.tellLight(next, body)
	return []*Right{next}
}
