package release_test

import (
	"fmt"
	"slices"
	"time"

	"github.com/portlight/portlight/release"
)

// Random terminal events, customs statuses, Pick-up Right actions, pick-up validations and
// expiry runs for the property test. Like the other generators they mostly aim at a stored right
// with the parties that may act on it, so that commands often succeed, and now and then at
// anything else.

var (
	propStays      = []string{"S1", "S2", ""}
	propCustomsers = []string{"NXT600000001", "NXT600000002"}
	propPlates     = []string{"1-ABC-123", "1abc123", "2-DEF-456"}
)

// held lists the active rights a Transport Operator holds with no transfer pending: those a
// Pick-up Right can be assigned on, and whose pick-up the terminal may be asked about.
func (p *play) held() []*release.Right {
	var out []*release.Right
	for _, r := range p.all() {
		if r.Active(p.now) && r.PendingTo == nil && r.Owner.HasRole(release.RoleTransportOperator) {
			out = append(out, r)
		}
	}
	return out
}

// aim returns, now and then, a right held by a Transport Operator instead of r, and its key: the
// green path (every light green, a Pick-up Right) needs several commands on one such right.
func (p *play) aim(k release.Key, r *release.Right, pct int) (release.Key, *release.Right) {
	if held := p.held(); len(held) > 0 && p.chance(pct) {
		r = pick(p.rng, held)
		k = release.Key{EquipmentNumber: r.Key.EquipmentNumber, BillOfLadingNumbers: r.Key.BillOfLadingNumbers, ReleaseIdentification: r.Key.ReleaseIdentification}
	}
	return k, r
}

// terminalOf returns the terminal of code (nil when CPu does not know it).
func (p *play) terminalOf(code string) *release.Terminal { return p.terminals[code] }

func (p *play) terminalEvent(k release.Key, r *release.Right) (release.Command, *release.Party, string) {
	k, r = p.aim(k, r, 40)
	// Discharge, Release, Block, SelectForScan, GateOut, CustomsOverwrite
	action := p.weighted(release.TerminalActions, 25, 25, 8, 8, 8, 10)
	if p.chance(2) {
		action = "Unload"
	}
	code := propTerminals[p.pickMostly(5, len(propTerminals))]
	if r != nil && p.chance(75) {
		code = r.Terminal.Code
	}
	e := &release.TerminalEvent{
		ActionType: action, PortLoCode: "BEANR", EquipmentNumber: k.EquipmentNumber,
		TerminalCode: code, Terminal: p.terminalOf(code), StayNumber: pick(p.rng, propStays),
	}
	switch n := p.rng.IntN(10); {
	case n < 3:
		e.BillOfLadingNumbers, e.ReleaseIdentification = k.BillOfLadingNumbers, k.ReleaseIdentification
	case n < 4:
		e.BillOfLadingNumbers = k.BillOfLadingNumbers
	case n < 5:
		e.ReleaseIdentification = k.ReleaseIdentification
	}
	sender := p.party()
	switch {
	case e.Terminal != nil && p.chance(70):
		sender = p.byID(e.Terminal.Operator.NxtEntityID)
	case action == release.TerminalCustomsOverwrite && r != nil && p.chance(70):
		sender = p.byID(r.Originator.NxtEntityID)
	}
	return e, sender, fmt.Sprintf("%s terminal %s", sender.NxtEntityID, action)
}

func (p *play) customsStatus(k release.Key, r *release.Right) (release.Command, *release.Party, string) {
	k, _ = p.aim(k, r, 40)
	s := &release.CustomsStatus{PortLoCode: "BEANR", EquipmentNumber: k.EquipmentNumber, Source: pick(p.rng, release.CustomsSources)}
	switch n := p.rng.IntN(100); {
	case n < 40:
		s.Status = release.ValueReleased
	case n < 85:
		s.Status = pick(p.rng, release.CustomsValues)
	}
	if p.chance(30) {
		s.Progress = pick(p.rng, release.CustomsProgressValues)
	}
	if p.chance(3) {
		s.Status = pick(p.rng, []string{release.ValueManualOverwrite, "GREEN", "released"})
	}
	if p.chance(35) {
		s.BillOfLadingNumbers = k.BillOfLadingNumbers
	}
	if p.chance(10) {
		at := p.now.Add(-time.Duration(p.rng.IntN(120)) * 24 * time.Hour)
		s.EventDateTimeUtc = &at
	}
	sender := p.byID(pick(p.rng, propCustomsers))
	if p.chance(8) {
		sender = p.party()
	}
	return s, sender, fmt.Sprintf("%s customs %s/%s", sender.NxtEntityID, s.Status, s.Progress)
}

// vehicle draws a means of transport, now and then one that does not say what it is.
func (p *play) vehicle() *release.MeansOfTransport {
	switch p.rng.IntN(12) {
	case 0:
		return nil
	case 1:
		return &release.MeansOfTransport{Type: release.TransportBarge, Truck: &release.Truck{LicensePlate: "1-ABC-123"}}
	case 2, 3:
		return &release.MeansOfTransport{Type: release.TransportBarge, Barge: &release.Barge{EniNumber: "02334567", Name: "Rhenus"}}
	case 4, 5:
		return &release.MeansOfTransport{Type: release.TransportRail, Rail: &release.Rail{TrainReference: "TRAIN-1", Operator: "Lineas"}}
	}
	return &release.MeansOfTransport{Type: release.TransportTruck, Truck: &release.Truck{
		LicensePlate: pick(p.rng, propPlates), Driver: &release.Driver{Name: "Jan", BadgeNumberMasked: "771234"},
	}}
}

func (p *play) pickupAction(k release.Key, r *release.Right) (release.Command, *release.Party, string) {
	k, r = p.aim(k, r, 70)
	// Assign, Update, Revoke
	action := p.weighted(release.PickupActions, 50, 25, 25)
	if p.chance(2) {
		action = "Reassign"
	}
	a := &release.PickupAction{ActionType: action, PortLoCode: "BEANR", Key: k, TerminalCode: propTerminals[p.pickMostly(5, len(propTerminals))]}
	sender := p.party()
	if r != nil {
		if p.chance(85) {
			a.TerminalCode = r.Terminal.Code
		}
		if p.chance(75) {
			sender = p.byID(r.Owner.NxtEntityID)
		}
	}
	if action != release.PickupRevoke || p.chance(10) {
		a.MeansOfTransport = p.vehicle()
	}
	return a, sender, fmt.Sprintf("%s pickup %s", sender.NxtEntityID, action)
}

func (p *play) validation(k release.Key, r *release.Right) (release.Command, *release.Party, string) {
	k, r = p.aim(k, r, 60)
	code := propTerminals[p.pickMostly(5, len(propTerminals))]
	if r != nil && p.chance(80) {
		code = r.Terminal.Code
	}
	v := &release.PickupValidation{PortLoCode: "BEANR", EquipmentNumber: k.EquipmentNumber, TerminalCode: code, Terminal: p.terminalOf(code)}
	to := p.party()
	if r != nil && r.Pickup != nil && p.chance(60) {
		to = p.byID(r.Pickup.TransportOperator.NxtEntityID)
	}
	v.TransportOperator = p.ref(to)
	if p.chance(50) {
		v.MeansOfTransport = p.vehicle()
	}
	sender := p.party()
	if v.Terminal != nil && p.chance(80) {
		sender = p.byID(v.Terminal.Operator.NxtEntityID)
	}
	return v, sender, fmt.Sprintf("%s validate", sender.NxtEntityID)
}

// expire picks the container the expiry scheduler runs on: mostly one with a right that is due.
func (p *play) expireContainer() string {
	var due []string
	for _, k := range p.order {
		if slices.ContainsFunc(p.containers[k].Rights, func(r *release.Right) bool {
			return !r.Deleted() && !r.PickedUp() && r.Status != release.StatusExpired && !p.now.Before(r.ExpiresAt())
		}) {
			due = append(due, k)
		}
	}
	if len(due) > 0 && p.chance(80) {
		return pick(p.rng, due)
	}
	if len(p.order) > 0 {
		return pick(p.rng, p.order)
	}
	return propEquipment[0]
}

// guided makes the command that takes a random active right one step further along the happy
// path (accept the pending transfer, pass it on to a Transport Operator, discharge, release,
// clear customs, assign a Pick-up Right, ask the terminal, gate out). Random commands alone
// rarely get a right that far, and the rules at the end of the path (Pick-up Rights, valid
// pick-ups, gate-out) would hardly be played. Nil when no right is active.
func (p *play) guided() (release.Command, *release.Party, string) {
	var live []*release.Right
	for _, r := range p.all() {
		if r.Active(p.now) {
			live = append(live, r)
		}
	}
	if len(live) == 0 {
		return nil, nil, ""
	}
	r := pick(p.rng, live)
	k := release.Key{EquipmentNumber: r.Key.EquipmentNumber, BillOfLadingNumbers: r.Key.BillOfLadingNumbers, ReleaseIdentification: r.Key.ReleaseIdentification}
	ref := func(party release.Party) release.PartyRef {
		return release.PartyRef{IdentificationType: "NxtEntityId", IdentificationCode: party.NxtEntityID, Party: p.byID(party.NxtEntityID)}
	}
	terminal := func(action string) (release.Command, *release.Party, string) {
		op := p.byID(r.Terminal.Operator.NxtEntityID)
		return &release.TerminalEvent{ActionType: action, PortLoCode: "BEANR", EquipmentNumber: k.EquipmentNumber,
			TerminalCode: r.Terminal.Code, Terminal: p.terminalOf(r.Terminal.Code),
			BillOfLadingNumbers: k.BillOfLadingNumbers, ReleaseIdentification: k.ReleaseIdentification,
		}, op, op.NxtEntityID + " guided terminal " + action
	}
	l := &r.Lights
	customs, _ := release.ColourOf(release.LightCustoms, l.Customs)
	switch {
	case r.PendingTo != nil:
		to := p.byID(r.PendingTo.NxtEntityID)
		return &release.RightAction{ActionType: release.ActionAccept, PortLoCode: "BEANR", Key: k, TerminalCode: r.Terminal.Code,
			ReleaseFrom: ref(r.Owner), ReleaseTo: ref(*to)}, to, to.NxtEntityID + " guided right Accept"
	case !r.Owner.HasRole(release.RoleTransportOperator):
		if r.GivenAtRelease && r.Owner.Same(&r.Originator) {
			return nil, nil, ""
		}
		owner := p.byID(r.Owner.NxtEntityID)
		to := pick(p.rng, p.transportOperators())
		return &release.RightAction{ActionType: release.ActionTransfer, PortLoCode: "BEANR", Key: k, TerminalCode: r.Terminal.Code,
			ReleaseFrom: ref(r.Owner), ReleaseTo: ref(*to)}, owner, owner.NxtEntityID + " guided right Transfer"
	case l.CommercialRelease == release.ValueBlocked:
		agent := p.byID(r.Originator.NxtEntityID)
		return &release.Ingestion{ActionType: release.ActionUnblock, PortLoCode: "BEANR", Key: k, TerminalCode: r.Terminal.Code,
			Terminal: p.terminalOf(r.Terminal.Code)}, agent, agent.NxtEntityID + " guided ingest Unblock"
	case l.TerminalOperation != release.ValueDischarged:
		return terminal(release.TerminalDischarge)
	case l.TerminalReady != release.ValueReleased:
		return terminal(release.TerminalRelease)
	case customs != release.Green:
		cu := p.byID(propCustomsers[0])
		return &release.CustomsStatus{PortLoCode: "BEANR", EquipmentNumber: k.EquipmentNumber, Status: release.ValueReleased,
			BillOfLadingNumbers: k.BillOfLadingNumbers}, cu, cu.NxtEntityID + " guided customs RELEASED"
	case r.Pickup == nil:
		owner := p.byID(r.Owner.NxtEntityID)
		return &release.PickupAction{ActionType: release.PickupAssign, PortLoCode: "BEANR", Key: k, TerminalCode: r.Terminal.Code,
			MeansOfTransport: p.vehicle()}, owner, owner.NxtEntityID + " guided pickup Assign"
	case p.chance(60):
		op := p.byID(r.Terminal.Operator.NxtEntityID)
		mot := r.Pickup.MeansOfTransport
		return &release.PickupValidation{PortLoCode: "BEANR", EquipmentNumber: k.EquipmentNumber, TerminalCode: r.Terminal.Code,
			Terminal: p.terminalOf(r.Terminal.Code), TransportOperator: ref(r.Pickup.TransportOperator), MeansOfTransport: &mot,
		}, op, op.NxtEntityID + " guided validate"
	}
	return terminal(release.TerminalGateOut)
}
