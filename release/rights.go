package release

import "slices"

// Release Right action types (the "actionType" of the release-rights PUTs).
const (
	ActionTransfer = "Transfer"
	ActionAccept   = "Accept"
	ActionDecline  = "Decline"
)

// RightActions lists the release-right action types (Revoke is shared with ingestion).
var RightActions = []string{ActionTransfer, ActionAccept, ActionDecline, ActionRevoke}

// RightAction is a Transfer, Accept, Decline or Revoke of a Release Right by a party of its chain
// (PUT .../release-rights, one item of the bulk PUT).
type RightAction struct {
	ActionType   string
	PortLoCode   string
	Key          Key
	TerminalCode string
	ReleaseFrom  PartyRef
	ReleaseTo    PartyRef
	// Carrier, optional, names the release's carrier; when given it is checked like the key.
	Carrier         PartyRef
	ReasonForAction string
}

// Action implements Command.
func (a *RightAction) Action() string { return a.ActionType }

func (a *RightAction) decide(c *Container, n *notifier) []*Right {
	a.Key = a.Key.normalise()
	eq := a.Key.EquipmentNumber
	if !slices.Contains(RightActions, a.ActionType) {
		n.notValidated(TypeReleaseRight, eq, nil, msgUnknownAction("Release Right", a.ActionType))
		return nil
	}
	for _, ref := range []*PartyRef{&a.ReleaseFrom, &a.ReleaseTo} {
		if ref.Party == nil {
			n.notValidated(TypeReleaseRight, eq, nil, msgEntityNotFound(ref))
			return nil
		}
	}
	if a.Carrier.Given() && a.Carrier.Party == nil {
		n.notValidated(TypeReleaseRight, eq, nil, msgEntityNotFound(&a.Carrier))
		return nil
	}
	// The caller must name the right exactly as the platform holds it, terminal included, and the
	// carrier when it names one (the seed: "We verify if the provided information matches with
	// the information that we have received from the original source").
	r := c.Find(a.Key, func(r *Right) bool {
		return notDeleted(r) && r.Terminal.Code == a.TerminalCode && (a.Carrier.Party == nil || r.Carrier.Same(a.Carrier.Party))
	})
	if r == nil {
		n.notValidated(TypeReleaseRight, eq, nil, msgRightNotFound(a.Key))
		return nil
	}
	sender := &n.m.Sender
	from, to := a.ReleaseFrom.Party, a.ReleaseTo.Party
	// Transfer and Revoke are the current owner's; Accept and Decline the next owner's.
	actor := from
	if a.ActionType == ActionAccept || a.ActionType == ActionDecline {
		actor = to
	}
	if !actor.Same(sender) {
		n.notValidated(TypeReleaseRight, eq, r, msgInvalidIdentification(a.ActionType, eq))
		return nil
	}
	if status := r.EffectiveStatus(n.m.Now); status == StatusArchived || status == StatusExpired {
		n.notValidated(TypeReleaseRight, eq, r, msgRightIs(a.ActionType, eq, status))
		return nil
	}
	next := r.Clone()
	next.UpdatedAt = n.m.Now
	switch a.ActionType {
	case ActionTransfer:
		if !from.Same(&r.Owner) {
			n.notValidated(TypeReleaseRight, eq, r, msgInvalidIdentification(a.ActionType, eq))
			return nil
		}
		if r.PendingTo != nil {
			n.notValidated(TypeReleaseRight, eq, r, msgRightIs(a.ActionType, eq, StatusPending))
			return nil
		}
		if r.GivenAtRelease && r.Owner.Same(&r.Originator) {
			n.notValidated(TypeReleaseRight, eq, r, msgGivenAtRelease(eq, r.Status))
			return nil
		}
		if !transfer(next, n, a.ActionType, &a.ReleaseTo, a.ReasonForAction) {
			return nil
		}
	case ActionAccept, ActionDecline, ActionRevoke:
		if r.PendingTo == nil {
			n.notValidated(TypeReleaseRight, eq, r, msgNotPending(a.ActionType, eq, r.Status))
			return nil
		}
		if !to.Same(r.PendingTo) || !from.Same(&r.Owner) {
			n.notValidated(TypeReleaseRight, eq, r, msgInvalidIdentification(a.ActionType, eq))
			return nil
		}
		answer(next, n, a.ActionType, a.ReasonForAction)
	default:
		return nil
	}
	return []*Right{next}
}

// transfer hands r (owned by n's sender) to the party `to` names, pending its answer; it reports
// whether it did, and otherwise has told the sender why not.
func transfer(r *Right, n *notifier, action string, to *PartyRef, reason string) bool {
	eq := r.Key.EquipmentNumber
	switch {
	case to.Party == nil:
		n.notValidated(TypeReleaseRight, eq, r, msgEntityNotFound(to))
		return false
	case r.Pickup != nil:
		n.notValidated(TypeReleaseRight, eq, r, msgPickupRightGenerated(eq))
		return false
	case to.Party.Same(&r.Owner):
		n.notValidated(TypeReleaseRight, eq, r, msgTransferToOwner(eq))
		return false
	case !to.Party.CanReceiveReleaseRight():
		n.notValidated(TypeReleaseRight, eq, r, msgNotTransferrableTo(eq, to.Party))
		return false
	}
	target := *to.Party
	r.PendingTo = &target
	r.Status = StatusPending
	r.ActionStatus = ActionStatusPending
	r.Chain = append(r.Chain, Hop{From: r.Owner, To: target, Reason: reason, At: n.m.Now, Status: HopPending})
	n.rightEvent(r, EventTransferred, action, reason, &r.Owner, &target)
	return true
}

// answer settles the pending transfer of r: Accept makes the next party the owner; Decline and
// Revoke leave the right with the previous party.
func answer(r *Right, n *notifier, action, reason string) {
	from, to := r.Owner, *r.PendingTo
	r.PendingTo = nil
	switch action {
	case ActionAccept:
		closePending(r, HopAccepted, n.m.Now)
		r.Owner = to
		r.Status = StatusAccepted
		r.ActionStatus = ActionStatusTransfer
		n.rightEvent(r, EventAcceptedByNextParty, action, reason, &from, &to)
	case ActionDecline:
		closePending(r, HopDeclined, n.m.Now)
		r.Status = StatusDeclined
		r.ActionStatus = ActionStatusUndefined
		n.rightEvent(r, EventDeclinedByNextParty, action, reason, &from, &to)
	case ActionRevoke:
		closePending(r, HopRevoked, n.m.Now)
		r.Status = StatusRevoked
		r.ActionStatus = ActionStatusRevoke
		n.rightEvent(r, EventRevokedByPreviousParty, action, reason, &from, &to)
	}
}
