package release

import (
	"fmt"
	"time"
)

// Verdict answers "may this transport operator pick up this container now?": Allowed only when
// every condition of docs/rules.md "Pick-up validation and the gate check" holds, and otherwise every unmet condition in Reasons.
type Verdict struct {
	Allowed   bool     `json:"allowed"`
	Reasons   []string `json:"reasons"`
	Right     *Right   `json:"-"`
	OwnerID   string   `json:"-"`
	PickupFor string   `json:"-"`
}

// Why a pick-up is refused. Each is a sentence a gate clerk can read out.
const (
	ReasonNoRight        = "No active Release Right for this container at this terminal"
	ReasonSeveralRights  = "Several active Release Rights match this container at this terminal"
	ReasonPending        = "The Release Right awaits the next party's answer to a transfer"
	ReasonNoPickupRight  = "No Pick-up Right has been assigned"
	ReasonOtherOperator  = "The Pick-up Right is assigned to another transport operator"
	ReasonOtherVehicle   = "The means of transport is not the one of the Pick-up Right"
	ReasonPickedUp       = "The container has already left the terminal (gate-out received)"
	ReasonExpired        = "The Release Right has expired"
	ReasonNotOwnerPickup = "The Pick-up Right was not assigned by the current owner of the Release Right"
)

// Evaluate judges a pick-up of container c at terminalCode by the transport operator with
// NxtEntityId transportOperator (empty: whoever holds the Pick-up Right) with means of transport
// mot (nil: not checked), at now. The overall light must be green and a Pick-up Right assigned
// by the current owner.
func (c *Container) Evaluate(terminalCode, transportOperator string, mot *MeansOfTransport, now time.Time) Verdict {
	var active, ended []*Right
	for _, r := range c.Rights {
		switch {
		case r.Deleted() || r.Terminal.Code != terminalCode:
		case r.Active(now):
			active = append(active, r)
		default: // picked up or expired
			ended = append(ended, r)
		}
	}
	switch {
	case len(active) == 1:
		return evaluate(active[0], terminalCode, transportOperator, mot, now, false)
	case len(active) > 1:
		return Verdict{Reasons: []string{ReasonSeveralRights}}
	case len(ended) > 0:
		// Rights that ended never hide an active one, but without one the latest that ended says
		// why the container may not go (it left already, or its right expired), rather than
		// "no Release Right" or, for two that ended, "several active".
		latest := ended[0]
		for _, r := range ended[1:] {
			if !r.CreatedAt.Before(latest.CreatedAt) {
				latest = r
			}
		}
		return evaluate(latest, terminalCode, transportOperator, mot, now, false)
	}
	return Verdict{Reasons: []string{ReasonNoRight}}
}

// evaluate checks every condition on one right. atGateOut judges the pick-up the gate-out being
// recorded was: the gate-out itself is then no reason.
func evaluate(r *Right, terminalCode, transportOperator string, mot *MeansOfTransport, now time.Time, atGateOut bool) Verdict {
	v := Verdict{Right: r, OwnerID: r.Owner.NxtEntityID, Reasons: []string{}}
	add := func(reason string) { v.Reasons = append(v.Reasons, reason) }
	if !atGateOut && r.PickedUp() {
		add(ReasonPickedUp)
	}
	if r.Expired(now) {
		add(ReasonExpired)
	}
	l := &r.Lights
	if l.CommercialRelease != ValueOK {
		add(fmt.Sprintf("CommercialRelease is %s, not OK", l.CommercialRelease))
	}
	if colour, _ := ColourOf(LightCustoms, l.Customs); colour != Green {
		add(fmt.Sprintf("Customs is %s (%s), not green", l.Customs, colour))
	}
	if l.TerminalOperation != ValueDischarged {
		add(fmt.Sprintf("TerminalOperation is %s, not DISCHARGED", l.TerminalOperation))
	}
	if l.TerminalReady != ValueReleased {
		add(fmt.Sprintf("TerminalReady is %s, not RELEASED", l.TerminalReady))
	}
	if r.PendingTo != nil {
		add(ReasonPending)
	}
	switch p := r.Pickup; {
	case p == nil:
		add(ReasonNoPickupRight)
	default:
		v.PickupFor = p.TransportOperator.NxtEntityID
		if !p.TransportOperator.Same(&r.Owner) {
			add(ReasonNotOwnerPickup)
		}
		if transportOperator != "" && p.TransportOperator.NxtEntityID != transportOperator {
			add(ReasonOtherOperator)
		}
		if !p.MeansOfTransport.Matches(mot) {
			add(ReasonOtherVehicle)
		}
	}
	_ = terminalCode
	v.Allowed = len(v.Reasons) == 0
	return v
}

// PickupValidation is a terminal's request "may this transport operator pick up this container
// now?", answered by a ValidationResponse notification to the terminal listing every unmet condition.
type PickupValidation struct {
	PortLoCode        string
	EquipmentNumber   string
	TerminalCode      string
	Terminal          *Terminal
	TransportOperator PartyRef
	MeansOfTransport  *MeansOfTransport
}

// Action implements Command.
func (p *PickupValidation) Action() string { return "PickupValidation" }

// ValidationBody is the body of a ValidationResponse notification.
type ValidationBody struct {
	EquipmentNumber   string            `json:"equipmentNumber"`
	PortLoCode        string            `json:"portLoCode"`
	TerminalCode      string            `json:"terminalCode"`
	TransportOperator *PartyObject      `json:"transportOperator"`
	MeansOfTransport  *MeansOfTransport `json:"meansOfTransport"`
	IsValid           bool              `json:"isValid"`
	Reasons           []string          `json:"reasons"`
	ReleaseID         *string           `json:"releaseId"`
	GreenLights       []LightView       `json:"greenLights"`
	OverallLight      *Colour           `json:"overallLight"`
}

func (p *PickupValidation) decide(c *Container, n *notifier) []*Right {
	eq := Key{EquipmentNumber: p.EquipmentNumber}.normalise().EquipmentNumber
	if p.Terminal == nil {
		n.notValidated(TypeTerminalEvent, eq, nil, msgInvalidTerminal(p.TerminalCode))
		return nil
	}
	if !p.Terminal.Operator.Same(&n.m.Sender) {
		n.notValidated(TypeTerminalEvent, eq, nil, msgNotYourTerminal("PickupValidation", eq, p.Terminal.Code))
		return nil
	}
	if p.TransportOperator.Party == nil {
		n.notValidated(TypeTerminalEvent, eq, nil, msgEntityNotFound(&p.TransportOperator))
		return nil
	}
	v := c.Evaluate(p.Terminal.Code, p.TransportOperator.Party.NxtEntityID, p.MeansOfTransport, n.m.Now)
	// The answer is stored like every notification: a badge number given in clear goes no further.
	given := p.MeansOfTransport.clone()
	if given != nil && given.Truck != nil && given.Truck.Driver != nil {
		given.Truck.Driver.BadgeNumberMasked = maskBadge(given.Truck.Driver.BadgeNumberMasked)
	}
	port := c.PortLoCode
	if port == "" { // a container the store has never seen
		port = p.PortLoCode
	}
	body := ValidationBody{
		EquipmentNumber: eq, PortLoCode: port, TerminalCode: p.Terminal.Code,
		TransportOperator: partyObject(p.TransportOperator.Party), MeansOfTransport: given,
		IsValid: v.Allowed, Reasons: v.Reasons, GreenLights: []LightView{},
	}
	if v.Right != nil {
		body.ReleaseID = &v.Right.ReleaseID
		view := v.Right.View(n.m.Now)
		body.GreenLights, body.OverallLight = view.GreenLights, &view.OverallLight
	}
	n.tell(TypeTerminalEvent, EventValidationResponse, eq, v.Right, body, n.m.Sender.NxtEntityID)
	return nil
}
