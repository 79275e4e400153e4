package release

import (
	"slices"
	"strings"
	"time"
)

// Ingestion action types (the Shipping Agent's "actionType").
const (
	ActionRelease = "Release"
	ActionUpdate  = "Update"
	ActionBlock   = "Block"
	ActionUnblock = "Unblock"
	ActionRevoke  = "Revoke"
	ActionDelete  = "Delete"
)

// IngestionActions lists the Shipping Agent's action types.
var IngestionActions = []string{ActionRelease, ActionUpdate, ActionBlock, ActionUnblock, ActionRevoke, ActionDelete}

// Ingestion is a Shipping Agent command on its commercial release
// (POST /ingestion/v1/ingestion/{ingestionId}).
type Ingestion struct {
	ActionType   string
	PortLoCode   string
	Key          Key
	TerminalCode string
	// Terminal is the terminal TerminalCode resolved to; nil when the code is unknown.
	Terminal  *Terminal
	Details   Details
	Carrier   PartyRef
	ReleaseTo PartyRef
	Reason    string
}

// Action implements Command.
func (i *Ingestion) Action() string { return i.ActionType }

func (i *Ingestion) decide(c *Container, n *notifier) []*Right {
	i.Key = i.Key.normalise()
	eq := i.Key.EquipmentNumber
	if missing := i.missing(); len(missing) > 0 {
		n.notValidated(TypeReleaseLight, eq, nil, msgMissingParameters(missing))
		return nil
	}
	if !slices.Contains(IngestionActions, i.ActionType) {
		n.notValidated(TypeReleaseLight, eq, nil, msgUnknownAction("Commercial Release", i.ActionType))
		return nil
	}
	if !checkEquipment(eq, n, TypeReleaseLight) {
		return nil
	}
	if i.ActionType == ActionRelease {
		return i.release(c, n)
	}
	// Every commercial-release action names a terminal CPu knows ("Invalid Terminal Code" applies
	// to all of them). Update names the terminal the release moves to; the others name the
	// release's own terminal, which is part of the key they must match: a Block, Unblock, Revoke
	// or Delete that names another terminal does not designate this release.
	if i.ActionType != ActionUpdate && i.Terminal == nil {
		n.notValidated(TypeReleaseLight, eq, nil, msgInvalidTerminal(i.TerminalCode))
		return nil
	}
	r := c.Find(i.Key, func(r *Right) bool {
		return notDeleted(r) && r.Originator.Same(&n.m.Sender) && (i.ActionType == ActionUpdate || r.Terminal.Code == i.Terminal.Code)
	})
	if r == nil {
		n.notValidated(TypeReleaseLight, eq, nil, msgRightNotFound(i.Key))
		return nil
	}
	if field, ok := i.changesStoredField(r); ok {
		n.notAllowed(msgNotAllowedToUpdate(i.ActionType, field))
		return nil
	}
	if r.PickedUp() {
		n.notValidated(TypeReleaseLight, eq, r, msgPickedUp(i.ActionType, eq))
		return nil
	}
	// An expired right stays expired: an Update may postpone the expiration before it passes,
	// not revive the right after (that would depend on whether the expiry was recorded yet, and
	// could make two live releases of one key once the key was released again). Nor may Block,
	// Unblock or Revoke act on it: Revoke would overwrite the recorded status Expired (and the
	// expiry would then be recorded, and told, a second time), and Block would succeed or not
	// depending on whether the expiry scheduler had run. Delete still clears it away.
	if i.ActionType != ActionDelete && r.Expired(n.m.Now) {
		n.notValidated(TypeReleaseLight, eq, r, msgIngestExpired(i.ActionType, eq))
		return nil
	}
	next := r.Clone()
	next.UpdatedAt = n.m.Now
	switch i.ActionType {
	case ActionUpdate:
		if i.movesIntoConflict(c, next, n) { // conflict.go
			return nil
		}
		return i.update(next, n)
	case ActionBlock:
		return setCommercialLight(next, n, ValueOK, ValueBlocked)
	case ActionUnblock:
		return setCommercialLight(next, n, ValueBlocked, ValueOK)
	case ActionRevoke:
		return revokeToOriginator(next, n, i.Reason)
	case ActionDelete:
		return i.delete(next, n)
	}
	return nil
}

// missing lists the mandatory fields the command lacks, in the order of the seed's request body.
func (i *Ingestion) missing() []string {
	var m []string
	if i.Key.ReleaseIdentification == "" {
		m = append(m, "releaseIdentification")
	}
	if len(i.Key.BillOfLadingNumbers) == 0 {
		m = append(m, "billOfLadingNumbers")
	}
	if i.TerminalCode == "" {
		m = append(m, "terminalCode")
	}
	if i.Key.EquipmentNumber == "" {
		m = append(m, "equipmentNumber")
	}
	if i.PortLoCode == "" {
		m = append(m, "portLoCode")
	}
	return m
}

// changesStoredField reports the first field of an Unblock or Delete that would change what r
// holds: "It is not allowed to update other information when unblocking a Release / deleting a
// Release Light. This will result in a 405 error message." The seed's templates of these actions
// carry the key, the terminal and equipmentType; the key and the terminal select r, so only
// equipmentType can differ (the API refuses fields outside the template before they get here).
func (i *Ingestion) changesStoredField(r *Right) (string, bool) {
	if i.ActionType != ActionUnblock && i.ActionType != ActionDelete {
		return "", false
	}
	if t := strings.TrimSpace(i.Details.EquipmentType); t != "" && !strings.EqualFold(t, r.Details.EquipmentType) {
		return "equipmentType", true
	}
	return "", false
}

// checkEquipment refuses a malformed container number and turns a wrong check digit into a
// warning (or a refusal when the operator asked for strict checking).
func checkEquipment(eq string, n *notifier, typ string) bool {
	want, ok, err := CheckEquipmentNumber(eq)
	switch {
	case err != nil:
		n.notValidated(typ, eq, nil, msgInvalidEquipment(eq, err.Error()))
		return false
	case !ok && n.m.StrictCheckDigit:
		n.notValidated(typ, eq, nil, msgCheckDigit(eq, want))
		return false
	case !ok:
		// Clip so that appending never writes into the caller's Meta.Warnings.
		n.m.Warnings = append(slices.Clip(n.m.Warnings), msgCheckDigit(eq, want))
	}
	return true
}

// release creates the commercial release and its Release Right, owned by the Shipping Agent;
// with releaseTo the right is transferred (pending) to that party at once, as a separate event.
func (i *Ingestion) release(c *Container, n *notifier) []*Right {
	eq := i.Key.EquipmentNumber
	if i.Terminal == nil {
		n.notValidated(TypeReleaseLight, eq, nil, msgInvalidTerminal(i.TerminalCode))
		return nil
	}
	carrier := n.m.Sender
	if i.Carrier.Given() {
		if i.Carrier.Party == nil {
			n.notValidated(TypeReleaseLight, eq, nil, msgEntityNotFound(&i.Carrier))
			return nil
		}
		carrier = *i.Carrier.Party
	}
	for _, r := range c.Rights {
		if r.Active(n.m.Now) && r.Key.Overlaps(i.Key) {
			n.notValidated(TypeReleaseLight, eq, nil, msgAlreadyFound(i.Key))
			return nil
		}
	}
	if existing := i.conflictingRelease(c, n); existing != nil {
		i.refuseConflict(existing, n) // conflict.go
		return nil
	}
	r := &Right{
		ReleaseID: n.m.NewReleaseID, PortLoCode: i.PortLoCode, Key: i.Key, Details: i.Details,
		Originator: n.m.Sender, Carrier: carrier, Terminal: *i.Terminal, Owner: n.m.Sender,
		Status: StatusAssigned, Lights: InitialLights(), CreatedAt: n.m.Now, UpdatedAt: n.m.Now, Reason: i.Reason,
	}
	r.Lights.CommercialRelease = ValueOK
	var firstParty string
	if i.ReleaseTo.Given() && i.ReleaseTo.Party != nil && i.ReleaseTo.Party.CanReceiveReleaseRight() && !i.ReleaseTo.Party.Same(&n.m.Sender) {
		firstParty = i.ReleaseTo.Party.NxtEntityID
	}
	// The seeds show originalValue null on the creation of a commercial release.
	n.lightChanged(r, LightCommercialRelease, nil, firstParty)
	applyKnownCustoms(r, c.Facts, n, firstParty)
	if i.ReleaseTo.Given() {
		if transfer(r, n, ActionTransfer, &i.ReleaseTo, i.Reason) {
			r.GivenAtRelease = true
		}
	}
	return []*Right{r}
}

// update overwrites every field but releaseTo, equipmentNumber and billOfLadingNumbers; the right
// stays where it is.
func (i *Ingestion) update(r *Right, n *notifier) []*Right {
	if i.Terminal == nil {
		n.notValidated(TypeReleaseLight, r.Key.EquipmentNumber, r, msgInvalidTerminal(i.TerminalCode))
		return nil
	}
	if i.Carrier.Given() {
		if i.Carrier.Party == nil {
			n.notValidated(TypeReleaseLight, r.Key.EquipmentNumber, r, msgEntityNotFound(&i.Carrier))
			return nil
		}
		r.Carrier = *i.Carrier.Party
	}
	oldOperator := r.Terminal.Operator.NxtEntityID
	r.Details = i.Details
	r.Terminal = *i.Terminal
	r.Reason = i.Reason
	// A terminal change tells both the terminal the container leaves and the one it goes to.
	n.change(r, EventUpdate, ActionUpdate, oldOperator)
	return []*Right{r}
}

// setCommercialLight moves the CommercialRelease light from `from` to `to` (Block, Unblock).
// A light set to the value it already has is refused (docs/rules.md "Release lights").
func setCommercialLight(r *Right, n *notifier, from, to string) []*Right {
	cur := r.Lights.CommercialRelease
	if cur == to {
		n.notValidated(TypeReleaseLight, r.Key.EquipmentNumber, r, msgIdenticalLight(LightCommercialRelease, to))
		return nil
	}
	if cur != from {
		n.notValidated(TypeReleaseLight, r.Key.EquipmentNumber, r, msgLightIs(LightCommercialRelease, cur))
		return nil
	}
	r.Lights.CommercialRelease = to
	n.lightChanged(r, LightCommercialRelease, &cur)
	return []*Right{r}
}

// delete removes the release from the active system: CommercialRelease goes to UNKNOWN and the
// stakeholders get the light change and the Delete event.
func (i *Ingestion) delete(r *Right, n *notifier) []*Right {
	old := r.Lights.CommercialRelease
	now := n.m.Now
	r.DeletedAt = &now
	if i.Reason != "" {
		r.Reason = i.Reason
	}
	r.Lights.CommercialRelease = ValueUnknown
	// A party the right is pending to is told too: its transfer is gone with the release.
	var pending string
	if r.PendingTo != nil {
		pending = r.PendingTo.NxtEntityID
	}
	n.lightChanged(r, LightCommercialRelease, &old, pending)
	n.change(r, EventDelete, ActionDelete, pending)
	return []*Right{r}
}

// revokeToOriginator returns the right to the Shipping Agent that created it, from whoever holds
// it or is about to receive it. Both the agent and the parties that lose it are told.
func revokeToOriginator(r *Right, n *notifier, reason string) []*Right {
	eq := r.Key.EquipmentNumber
	losers := []*Party{}
	if r.LeftOriginator() {
		owner := r.Owner
		losers = append(losers, &owner)
	}
	if r.PendingTo != nil {
		losers = append(losers, r.PendingTo)
	}
	if len(losers) == 0 {
		n.notValidated(TypeReleaseLight, eq, r, msgNothingToRevoke(eq))
		return nil
	}
	closePending(r, HopRevoked, n.m.Now)
	dropPickup(r, n)
	r.Owner = r.Originator
	r.PendingTo = nil
	r.Status = StatusRevoked
	r.ActionStatus = ActionStatusRevoke
	for _, p := range losers {
		n.rightEvent(r, EventRevokedByPreviousParty, ActionRevoke, reason, &r.Originator, p)
	}
	return []*Right{r}
}

// closePending answers the pending hop of the chain, if any.
func closePending(r *Right, status string, now time.Time) {
	for k := len(r.Chain) - 1; k >= 0; k-- {
		if r.Chain[k].Status == HopPending {
			r.Chain[k].Status = status
			at := now
			r.Chain[k].AnsweredAt = &at
			return
		}
	}
}

// dropPickup revokes the Pick-up Right of a right that changes hands.
func dropPickup(r *Right, n *notifier) {
	if r.Pickup == nil {
		return
	}
	old := r.Lights.PickupLight
	mot := r.Pickup.MeansOfTransport.clone()
	r.Pickup = nil
	r.Lights.PickupLight = ValueRevoked
	n.pickupChanged(r, old, mot)
}
