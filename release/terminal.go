package release

import (
	"slices"
	"strings"
	"time"
)

// Terminal event action types (POST .../terminal-events, docs/rules.md "Terminal events").
const (
	TerminalDischarge        = "Discharge"
	TerminalRelease          = "Release"
	TerminalBlock            = "Block"
	TerminalSelectForScan    = "SelectForScan"
	TerminalGateOut          = "GateOut"
	TerminalCustomsOverwrite = "CustomsOverwrite"
)

// TerminalActions lists the terminal event action types.
var TerminalActions = []string{TerminalDischarge, TerminalRelease, TerminalBlock, TerminalSelectForScan, TerminalGateOut, TerminalCustomsOverwrite}

// terminalLight is the light each terminal action sets, and to what.
var terminalLight = map[string]struct {
	light LightName
	value string
}{
	TerminalDischarge:        {LightTerminalOperation, ValueDischarged},
	TerminalRelease:          {LightTerminalReady, ValueReleased},
	TerminalBlock:            {LightTerminalReady, ValueBlocked},
	TerminalSelectForScan:    {LightTerminalReady, ValueSelectedForScan},
	TerminalGateOut:          {LightGateOperation, ValueGateOutReceived},
	TerminalCustomsOverwrite: {LightCustoms, ValueManualOverwrite},
}

// TerminalEvent is what a Terminal Operator reports about a container at one of its terminals
// (discharge, terminal release/block/scan, gate-out), or a manual customs overwrite, which the
// Shipping Agent of the release may also make.
type TerminalEvent struct {
	ActionType      string
	PortLoCode      string
	EquipmentNumber string
	TerminalCode    string
	// Terminal is the terminal TerminalCode resolved to; nil when unknown.
	Terminal   *Terminal
	StayNumber string
	// BillOfLadingNumbers and ReleaseIdentification pick one release when given; without them the
	// event applies to the one active release of the container at the terminal (and stay).
	BillOfLadingNumbers   []string
	ReleaseIdentification string
	EventDateTimeUtc      *time.Time
	Reason                string
}

// Action implements Command.
func (e *TerminalEvent) Action() string { return "Terminal" + e.ActionType }

func (e *TerminalEvent) decide(c *Container, n *notifier) []*Right {
	key := Key{EquipmentNumber: e.EquipmentNumber, BillOfLadingNumbers: e.BillOfLadingNumbers, ReleaseIdentification: e.ReleaseIdentification}.normalise()
	eq := key.EquipmentNumber
	set, ok := terminalLight[e.ActionType]
	if !ok {
		// The API refuses an unknown actionType synchronously; a command that gets here anyway
		// (EDI gateway, a new caller) is answered rather than dropped without a word.
		n.notValidated(TypeReleaseLight, eq, nil, msgUnknownAction("terminal", e.ActionType))
		return nil
	}
	if !checkEquipment(eq, n, TypeReleaseLight) {
		return nil
	}
	if e.Terminal == nil {
		n.notValidated(TypeReleaseLight, eq, nil, msgInvalidTerminal(e.TerminalCode))
		return nil
	}
	sender := &n.m.Sender
	byAgent := e.ActionType == TerminalCustomsOverwrite && !e.Terminal.Operator.Same(sender) && sender.HasRole(RoleShippingAgent)
	if !byAgent && !e.Terminal.Operator.Same(sender) {
		n.notValidated(TypeReleaseLight, eq, nil, msgNotYourTerminal(e.ActionType, eq, e.Terminal.Code))
		return nil
	}
	targets := c.atTerminal(key, e.Terminal.Code, e.StayNumber, func(r *Right) bool {
		return r.Active(n.m.Now) && (!byAgent || r.Originator.Same(sender))
	})
	switch {
	case len(targets) == 0 && len(c.atTerminal(key, e.Terminal.Code, e.StayNumber, func(r *Right) bool {
		return r.PickedUp() && !r.Deleted() && (!byAgent || r.Originator.Same(sender))
	})) > 0:
		// "No command is allowed after pick-up": say so, rather than that there is no release.
		n.notValidated(TypeReleaseLight, eq, nil, msgPickedUp("Terminal "+e.ActionType, eq))
		return nil
	case len(targets) == 0 && key.ReleaseIdentification != "" && len(key.BillOfLadingNumbers) > 0:
		n.notValidated(TypeReleaseLight, eq, nil, msgRightNotFound(key))
		return nil
	case len(targets) == 0:
		n.notValidated(TypeReleaseLight, eq, nil, msgNoRightAtTerminal(eq, e.Terminal.Code))
		return nil
	case len(targets) > 1:
		// The seed's "Multiple releases" answer carries the sender's id.
		before := len(n.out)
		n.notValidated(TypeReleaseRight, eq, nil, msgSingleRight())
		if id := sender.NxtEntityID; len(n.out) > before {
			n.out[before].SenderID = &id
		}
		return nil
	}
	r := targets[0].Clone()
	old := r.Lights.Get(set.light)
	if old == set.value {
		n.notValidated(TypeReleaseLight, eq, r, msgIdenticalLight(set.light, set.value))
		return nil
	}
	r.UpdatedAt = n.m.Now
	r.Lights.Set(set.light, set.value)
	n.lightChanged(r, set.light, &old)
	switch e.ActionType {
	case TerminalCustomsOverwrite:
		clearCustomsProgress(r, n)
	case TerminalGateOut:
		r.Status = StatusArchived
		n.gateOut(r)
	}
	return []*Right{r}
}

// atTerminal returns the rights of c at terminal code that pass keep and match key (when it names
// a release, even in part: only its bills of lading or only its releaseIdentification) or,
// without one, whose stay number is stayNumber or unknown.
func (c *Container) atTerminal(key Key, code, stayNumber string, keep func(*Right) bool) []*Right {
	var out []*Right
	for _, r := range c.Rights {
		if r.Terminal.Code != code || !keep(r) {
			continue
		}
		if key.ReleaseIdentification != "" || len(key.BillOfLadingNumbers) > 0 {
			if !r.Key.matchesPart(key) {
				continue
			}
		} else if stayNumber != "" && r.Details.StayNumber != "" && r.Details.StayNumber != stayNumber {
			continue
		}
		out = append(out, r)
	}
	return out
}

// matchesPart reports whether the parts of a key a terminal event gives designate this right: the
// same equipment, the releaseIdentification when given, and every bill of lading given. (Matches
// wants the whole key, as the release-right actions must give it; the terminal event's key is
// optional and COARRI often knows only the bill of lading.)
func (k Key) matchesPart(given Key) bool {
	if !strings.EqualFold(k.EquipmentNumber, given.EquipmentNumber) {
		return false
	}
	if given.ReleaseIdentification != "" && k.ReleaseIdentification != given.ReleaseIdentification {
		return false
	}
	for _, bl := range given.BillOfLadingNumbers {
		if !slices.Contains(k.BillOfLadingNumbers, bl) {
			return false
		}
	}
	return true
}

// clearCustomsProgress sets CustomsProgress to CLEARED, as it does by itself whenever the Customs
// light turns green.
func clearCustomsProgress(r *Right, n *notifier, extra ...string) {
	if colour, _ := ColourOf(LightCustoms, r.Lights.Customs); colour != Green || r.Lights.CustomsProgress == ValueCleared {
		return
	}
	old := r.Lights.CustomsProgress
	r.Lights.CustomsProgress = ValueCleared
	n.lightChanged(r, LightCustomsProgress, &old, extra...)
}

// GateOutBody is the body of the TerminalEvent GateOut notification.
type GateOutBody struct {
	Carrier               *PartyObject `json:"carrier"`
	TransportOperator     *PartyObject `json:"transportOperator"`
	TerminalCode          string       `json:"terminalCode"`
	PortLoCode            string       `json:"portLoCode"`
	EquipmentNumber       string       `json:"equipmentNumber"`
	BillOfLadingNumbers   []string     `json:"billOfLadingNumbers"`
	ReleaseIdentification string       `json:"releaseIdentification"`
	IsValid               bool         `json:"isValid"`
	Reasons               []string     `json:"reasons"`
	ReleaseID             string       `json:"releaseId"`
}

// gateOut tells the sender, the originator and the owner that the container left the terminal,
// and whether that pick-up was valid (the overview's "isValid" column).
func (n *notifier) gateOut(r *Right) {
	verdict := evaluate(r, r.Terminal.Code, "", nil, n.m.Now, true)
	body := GateOutBody{
		Carrier: partyObject(&r.Carrier), TerminalCode: r.Terminal.Code, PortLoCode: r.PortLoCode,
		EquipmentNumber: r.Key.EquipmentNumber, BillOfLadingNumbers: r.Key.BillOfLadingNumbers,
		ReleaseIdentification: r.Key.ReleaseIdentification, IsValid: verdict.Allowed, Reasons: verdict.Reasons, ReleaseID: r.ReleaseID,
	}
	if r.Pickup != nil {
		body.TransportOperator = partyObject(&r.Pickup.TransportOperator)
	}
	n.tell(TypeTerminalEvent, EventGateOut, r.Key.EquipmentNumber, r, body,
		n.m.Sender.NxtEntityID, r.Terminal.Operator.NxtEntityID, r.Originator.NxtEntityID, r.Owner.NxtEntityID)
}
