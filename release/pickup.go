package release

import (
	"errors"
	"slices"
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

// clone returns a deep copy of m (nil for nil), so that a Pick-up Right never shares its vehicle
// with a command or with the right it was copied from.
func (m *MeansOfTransport) clone() *MeansOfTransport {
	if m == nil {
		return nil
	}
	c := *m
	if m.Truck != nil {
		t := *m.Truck
		if t.Driver != nil {
			d := *t.Driver
			t.Driver = &d
		}
		c.Truck = &t
	}
	if m.Barge != nil {
		b := *m.Barge
		c.Barge = &b
	}
	if m.Rail != nil {
		r := *m.Rail
		c.Rail = &r
	}
	return &c
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
	// Plates and references are compared as a gate camera reads them: "1-ABC-123", "1 abc 123"
	// and "1ABC123" are one truck.
	same := func(a, b string) bool { return strings.EqualFold(plain(a), plain(b)) }
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

// plain drops the separators people and cameras write differently in plates and numbers.
func plain(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '.', '_':
			return -1
		}
		return r
	}, s)
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
	if !slices.Contains(PickupActions, p.ActionType) {
		// Without this an unknown actionType would act as Update.
		n.notValidated(TypeReleaseLight, eq, nil, msgUnknownAction("Pickup", p.ActionType))
		return nil
	}
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
		// A copy: Validate masks the badge, and the command is the caller's.
		mot = p.MeansOfTransport.clone()
		if err := mot.Validate(); err != nil {
			n.notValidated(TypeReleaseLight, eq, r, msgInvalidMeansOfTransport(p.ActionType, eq, err))
			return nil
		}
	}
	next := r.Clone()
	next.UpdatedAt = n.m.Now
	var old *MeansOfTransport
	if next.Pickup != nil {
		old = next.Pickup.MeansOfTransport.clone()
	}
	oldLight := next.Lights.PickupLight
	if mot == nil {
		next.Pickup = nil
		next.Lights.PickupLight = ValueRevoked
	} else {
		next.Pickup = &PickupRight{TransportOperator: *sender, MeansOfTransport: *mot, AssignedAt: n.m.Now}
		next.Lights.PickupLight = ValueAssigned
	}
	n.pickupChanged(next, oldLight, old)
	return []*Right{next}
}

// pickupChanged tells the Release Light audience of r (and extra) that PickupLight went from
// oldLight to its value now, in the seeds' body: transportOperator while a Pick-up Right is
// assigned, and meansOfTransport {oldMeansOfTransport, newMeansOfTransport} always, whoever made
// the change (the Transport Operator, or the agent's Revoke that takes the right back).
func (n *notifier) pickupChanged(r *Right, oldLight string, old *MeansOfTransport, extra ...string) {
	body := n.lightBody(r, LightPickup, &oldLight)
	change := MeansOfTransportChange{OldMeansOfTransport: old}
	if r.Pickup != nil {
		body.TransportOperator = partyObject(&r.Pickup.TransportOperator)
		change.NewMeansOfTransport = r.Pickup.MeansOfTransport.clone()
	}
	body.MeansOfTransport = change
	n.tellLight(r, body, extra...)
}
