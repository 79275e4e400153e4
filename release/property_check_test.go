package release_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/portlight/portlight/release"
)

// The properties the random sequences of property_test.go must keep after every step.

// checkRejection is property (c): a rejected outcome changes no right and no fact and consists of
// one NotValidated to the sender, whose text is the Reason (a Release refused for another agent's
// release adds ConflictingRelease notices to that release's stakeholders), or, refused as not
// allowed (only an Unblock or Delete, answered 405 by the API), of no notification at all; a command that changes nothing (other
// than a query, the expiry scheduler finding nothing due, or a customs status that only updates
// what is known of the container) is a rejection. Only a customs status changes the facts. That
// Decide never modifies the container it is given is checked by the caller.
func checkRejection(cmd release.Command, out release.Outcome) error {
	query := isQuery(cmd)
	_, expire := cmd.(release.Expire)
	_, customs := cmd.(*release.CustomsStatus)
	switch {
	case out.Rejected && (len(out.Changed) > 0 || out.Facts != nil):
		return fmt.Errorf("rejected (%s) but changed %d rights (facts %v)", out.Reason, len(out.Changed), out.Facts != nil)
	case out.NotAllowed && (!out.Rejected || len(out.Notifications) > 0 || !notAllowedKind(cmd)):
		return fmt.Errorf("%s refused as not allowed (%s), rejected %v, with %d notifications", cmd.Action(), out.Reason, out.Rejected, len(out.Notifications))
	case out.Rejected && !out.NotAllowed && (len(out.Notifications) != 1+conflictNotices(out) || out.Notifications[0].Event != release.EventNotValidated || out.Notifications[0].Body != out.Reason):
		return fmt.Errorf("rejected (%s) with %d notifications, not one NotValidated giving the reason", out.Reason, len(out.Notifications))
	case expire && out.Rejected:
		return fmt.Errorf("the expiry scheduler was refused: %s", out.Reason)
	case !out.Rejected && !query && !expire && len(out.Changed) == 0 && !(customs && out.Facts != nil):
		return fmt.Errorf("%s changed nothing but is not marked rejected", cmd.Action())
	case query && len(out.Changed) > 0:
		return fmt.Errorf("a query changed %d rights", len(out.Changed))
	case out.Facts != nil && !customs:
		return fmt.Errorf("%s changed the container's facts", cmd.Action())
	}
	return nil
}

// notAllowedKind reports whether cmd may be refused as not allowed: an Unblock or Delete that
// would change a stored field.
func notAllowedKind(cmd release.Command) bool {
	in, ok := cmd.(*release.Ingestion)
	return ok && (in.ActionType == release.ActionUnblock || in.ActionType == release.ActionDelete)
}

// checkAuthority is property (f): a command that changed a right came from a party entitled to
// send it, judged on the right as it was before. Every accepted Transfer and release-right Revoke
// came from the owner, every Accept and Decline from the party the transfer was pending to, every
// commercial-release action but Release from the agent that created the release, and every
// Pick-up Right action from the owner.
func checkAuthority(cmd release.Command, sender *release.Party, before []*release.Right, out release.Outcome) error {
	for _, changed := range out.Changed {
		i := slices.IndexFunc(before, func(r *release.Right) bool { return r.ReleaseID == changed.ReleaseID })
		if i < 0 {
			continue // a new release: whoever sends it is its originator
		}
		old := before[i]
		var entitled *release.Party
		var who string
		switch c := cmd.(type) {
		case *release.RightAction:
			switch c.ActionType {
			case release.ActionTransfer, release.ActionRevoke:
				entitled, who = &old.Owner, "the owner"
			case release.ActionAccept, release.ActionDecline:
				entitled, who = old.PendingTo, "the party it was pending to"
			}
		case *release.Ingestion:
			entitled, who = &old.Originator, "the agent that created it"
		case *release.PickupAction:
			entitled, who = &old.Owner, "the owner"
		default:
			continue
		}
		if entitled == nil || !entitled.Same(sender) {
			return fmt.Errorf("%s of %s accepted from %s, not from %s", describe(cmd), old.ReleaseID, sender.NxtEntityID, who)
		}
	}
	return nil
}

// isQuery reports whether cmd only asks (release detail, pick-up validation).
func isQuery(cmd release.Command) bool {
	switch cmd.(type) {
	case *release.DetailQuery, *release.PickupValidation:
		return true
	}
	return false
}

func stakeholders(c *release.Container) map[string][]string {
	m := map[string][]string{}
	for _, r := range c.Rights {
		m[r.ReleaseID] = r.Stakeholders()
	}
	return m
}

// conflictNotices counts the ConflictingRelease notices a refused Release sends besides its
// NotValidated (release/conflict.go): the existing release's agent and terminal operator.
func conflictNotices(out release.Outcome) int {
	n := 0
	for _, m := range out.Notifications {
		if m.Event == release.EventConflictingRelease {
			n++
		}
	}
	return n
}

// checkRecipients is property (a): nobody hears of a right it is not a stakeholder of (before or
// after the step), but for the customs authority, which hears of the Customs lights it set itself;
// NotValidated, query answers and validation answers go to the sender alone; release-right events
// go to releaseFrom and releaseTo alone; the sender always hears back (the expiry scheduler has no
// sender, a customs status that concerns no release has nobody to tell, and a command refused as
// not allowed is answered in the call); no copy is sent twice.
func checkRecipients(out release.Outcome, wire [][]byte, sender *release.Party, cmd release.Command, before, after map[string][]string) error {
	ns := out.Notifications
	_, expire := cmd.(release.Expire)
	_, customs := cmd.(*release.CustomsStatus)
	// A command refused as not allowed is answered in the call (405), not by notification.
	silentOK := expire || (customs && len(out.Changed) == 0 && out.Facts != nil) || out.NotAllowed
	if len(ns) == 0 && !silentOK {
		return fmt.Errorf("the sender got no answer to %s", cmd.Action())
	}
	toSender := false
	seen := map[string]bool{}
	for i, n := range ns {
		if n.ReceiverID == sender.NxtEntityID {
			toSender = true
		}
		if n.ReceiverID == "" {
			return fmt.Errorf("%s %s to nobody", n.Type, n.Event)
		}
		if seen[string(wire[i])] {
			return fmt.Errorf("notification sent twice: %s", wire[i])
		}
		seen[string(wire[i])] = true
		switch n.Event {
		case release.EventNotValidated, release.EventReleaseDetail, release.EventReleaseRightsList, release.EventValidationResponse:
			if n.ReceiverID != sender.NxtEntityID {
				return fmt.Errorf("%s sent to %s, not to the sender %s", n.Event, n.ReceiverID, sender.NxtEntityID)
			}
			if n.Event == release.EventNotValidated {
				if _, ok := n.Body.(string); !ok {
					return fmt.Errorf("NotValidated body is %T, not the message", n.Body)
				}
				continue
			}
			if n.Event == release.EventValidationResponse {
				// The answer may concern no release at all (none at the terminal, several).
				if _, ok := n.Body.(release.ValidationBody); !ok {
					return fmt.Errorf("ValidationResponse body is %T", n.Body)
				}
				if n.ReleaseID == "" {
					continue
				}
			}
		}
		if n.ReleaseID == "" {
			return fmt.Errorf("%s %s names no release", n.Type, n.Event)
		}
		stakeholder := slices.Contains(before[n.ReleaseID], n.ReceiverID) || slices.Contains(after[n.ReleaseID], n.ReceiverID)
		if b, ok := n.Body.(release.LightChangedBody); ok && customs && n.ReceiverID == sender.NxtEntityID &&
			(b.GreenLightName == release.LightCustoms || b.GreenLightName == release.LightCustomsProgress) {
			stakeholder = true // the customs authority hears of its own lights
		}
		if !stakeholder {
			return fmt.Errorf("%s %s about %s sent to %s, who is no stakeholder (before %v, after %v)",
				n.Type, n.Event, n.ReleaseID, n.ReceiverID, before[n.ReleaseID], after[n.ReleaseID])
		}
		if b, ok := n.Body.(release.RightEventBody); ok {
			if b.ReleaseFrom == nil || b.ReleaseTo == nil {
				return fmt.Errorf("%s without releaseFrom or releaseTo", n.Event)
			}
			if n.ReceiverID != *b.ReleaseFrom.NxtEntityID && n.ReceiverID != *b.ReleaseTo.NxtEntityID {
				return fmt.Errorf("%s sent to %s, neither releaseFrom %s nor releaseTo %s", n.Event, n.ReceiverID, *b.ReleaseFrom.NxtEntityID, *b.ReleaseTo.NxtEntityID)
			}
		}
	}
	if !toSender && !silentOK {
		return fmt.Errorf("the sender %s got none of the %d notifications of its %s", sender.NxtEntityID, len(ns), cmd.Action())
	}
	return nil
}

// checkRights is property (b): a right always has exactly one owner, and at most one transfer in
// flight, the one PendingTo names (a right that ended while a transfer was pending, by gate-out
// or expiry, keeps it as it was); only companies that may hold a Release Right ever do; no two
// live releases of one container share a key. And the lights: every light has a value of its own;
// a Pick-up Right exists exactly while PickupLight is ASSIGNED and is only ever held by the
// current owner, a Transport Operator; a right is Archived exactly when its gate-out was received.
func (p *play) checkRights() error {
	for _, k := range p.order {
		c := p.containers[k]
		for _, r := range c.Rights {
			if r.Owner.NxtEntityID == "" {
				return fmt.Errorf("%s has no owner", r.ReleaseID)
			}
			if !r.Owner.Same(&r.Originator) && !r.Owner.CanReceiveReleaseRight() {
				return fmt.Errorf("%s is owned by %s, who may not hold a Release Right", r.ReleaseID, r.Owner.NxtEntityID)
			}
			var pending []release.Hop
			for _, h := range r.Chain {
				if h.Status == release.HopPending {
					pending = append(pending, h)
				}
			}
			ended := r.Status == release.StatusArchived || r.Status == release.StatusExpired
			switch {
			case r.PendingTo == nil && len(pending) > 0:
				return fmt.Errorf("%s has a pending hop %v but no PendingTo", r.ReleaseID, pending)
			case r.PendingTo == nil:
				if r.Status == release.StatusPending {
					return fmt.Errorf("%s is Pending with nothing pending", r.ReleaseID)
				}
			case r.PendingTo.Same(&r.Owner):
				return fmt.Errorf("%s is pending to its own owner %s", r.ReleaseID, r.Owner.NxtEntityID)
			case len(pending) != 1:
				return fmt.Errorf("%s is pending to %s with %d pending hops", r.ReleaseID, r.PendingTo.NxtEntityID, len(pending))
			case !pending[0].To.Same(r.PendingTo) || !pending[0].From.Same(&r.Owner):
				return fmt.Errorf("%s pending hop %s->%s does not match owner %s, PendingTo %s", r.ReleaseID,
					pending[0].From.NxtEntityID, pending[0].To.NxtEntityID, r.Owner.NxtEntityID, r.PendingTo.NxtEntityID)
			case !r.PendingTo.CanReceiveReleaseRight():
				return fmt.Errorf("%s is pending to %s, who may not hold a Release Right", r.ReleaseID, r.PendingTo.NxtEntityID)
			case r.Status != release.StatusPending && !ended:
				return fmt.Errorf("%s is pending to %s but its status is %s", r.ReleaseID, r.PendingTo.NxtEntityID, r.Status)
			}
			for _, name := range release.LightNames {
				if _, ok := release.ColourOf(name, r.Lights.Get(name)); !ok {
					return fmt.Errorf("%s has %s=%q, no value of that light", r.ReleaseID, name, r.Lights.Get(name))
				}
			}
			switch pu := r.Pickup; {
			case (pu != nil) != (r.Lights.PickupLight == release.ValueAssigned):
				return fmt.Errorf("%s has Pick-up Right %v with PickupLight %s", r.ReleaseID, pu != nil, r.Lights.PickupLight)
			case pu == nil:
			case !pu.TransportOperator.Same(&r.Owner):
				return fmt.Errorf("%s: the Pick-up Right is held by %s, not by the owner %s", r.ReleaseID, pu.TransportOperator.NxtEntityID, r.Owner.NxtEntityID)
			case !pu.TransportOperator.HasRole(release.RoleTransportOperator):
				return fmt.Errorf("%s: the Pick-up Right is held by %s, no Transport Operator", r.ReleaseID, pu.TransportOperator.NxtEntityID)
			case r.PendingTo != nil:
				return fmt.Errorf("%s has a Pick-up Right and a pending transfer", r.ReleaseID)
			case pu.MeansOfTransport.Truck != nil && pu.MeansOfTransport.Truck.Driver != nil &&
				len(pu.MeansOfTransport.Truck.Driver.BadgeNumberMasked) > 2 &&
				strings.Trim(pu.MeansOfTransport.Truck.Driver.BadgeNumberMasked[:len(pu.MeansOfTransport.Truck.Driver.BadgeNumberMasked)-2], "*") != "":
				return fmt.Errorf("%s keeps a driver badge in clear: %s", r.ReleaseID, pu.MeansOfTransport.Truck.Driver.BadgeNumberMasked)
			}
			if (r.Status == release.StatusArchived) != (r.Lights.GateOperation == release.ValueGateOutReceived) {
				return fmt.Errorf("%s has status %s with GateOperation %s", r.ReleaseID, r.Status, r.Lights.GateOperation)
			}
		}
		for i, a := range c.Rights {
			for _, b := range c.Rights[i+1:] {
				if a.Active(p.now) && b.Active(p.now) && a.Key.Overlaps(b.Key) {
					return fmt.Errorf("two live releases share a key: %s %v and %s %v", a.ReleaseID, a.Key, b.ReleaseID, b.Key)
				}
			}
		}
	}
	return nil
}

// checkLightEvents: every light event names a value of its light, and a real change (a light set
// to the value it has is refused, docs/rules.md "Release lights"), but for the Pick-up Right's Update, which keeps
// PickupLight ASSIGNED and changes the means of transport.
func checkLightEvents(ns []release.Notification) error {
	for _, n := range ns {
		b, ok := n.Body.(release.LightChangedBody)
		if !ok {
			continue
		}
		if _, ok := release.ColourOf(b.GreenLightName, b.NewValue); !ok {
			return fmt.Errorf("%s event with value %q", b.GreenLightName, b.NewValue)
		}
		if b.OriginalValue != nil && *b.OriginalValue == b.NewValue &&
			!(b.GreenLightName == release.LightPickup && b.NewValue == release.ValueAssigned) {
			return fmt.Errorf("%s event %s->%s changes nothing", b.GreenLightName, *b.OriginalValue, b.NewValue)
		}
		if b.GreenLightName == release.LightPickup {
			if _, ok := b.MeansOfTransport.(release.MeansOfTransportChange); !ok {
				return fmt.Errorf("PickupLight event with meansOfTransport %T", b.MeansOfTransport)
			}
			if (b.NewValue == release.ValueAssigned) != (b.TransportOperator != nil) {
				return fmt.Errorf("PickupLight %s event with transportOperator %v", b.NewValue, b.TransportOperator != nil)
			}
		}
	}
	return nil
}

// endedRights copies the rights of rs that ended at now (picked up, deleted or expired): the
// ones checkEnded holds to what they were.
func endedRights(rs []*release.Right, now time.Time) []*release.Right {
	var out []*release.Right
	for _, r := range rs {
		if r.PickedUp() || r.Deleted() || r.Expired(now) {
			out = append(out, r.Clone())
		}
	}
	return out
}

// checkEnded is property (e): a right that ended stays as it ended. An archived (picked-up) or
// deleted right never changes again; an expired one only by the expiry scheduler recording it
// (status Expired, CommercialRelease EXPIRED, once) or by the agent deleting it.
func checkEnded(cmd release.Command, before, after []*release.Right, now time.Time) error {
	for _, old := range before {
		if !old.PickedUp() && !old.Deleted() && !old.Expired(now) {
			continue
		}
		i := slices.IndexFunc(after, func(r *release.Right) bool { return r.ReleaseID == old.ReleaseID })
		if i < 0 {
			return fmt.Errorf("%s disappeared", old.ReleaseID)
		}
		was, is := jsonOf(old), jsonOf(after[i])
		if was == is {
			continue
		}
		switch {
		case old.PickedUp():
			return fmt.Errorf("archived %s changed by %s:\nbefore %s\nafter  %s", old.ReleaseID, cmd.Action(), was, is)
		case old.Deleted():
			return fmt.Errorf("deleted %s changed by %s:\nbefore %s\nafter  %s", old.ReleaseID, cmd.Action(), was, is)
		}
		want := old.Clone()
		want.UpdatedAt = now
		switch c := cmd.(type) {
		case release.Expire:
			want.Status = release.StatusExpired
			want.Lights.CommercialRelease = release.ValueExpired
		case *release.Ingestion:
			if c.ActionType != release.ActionDelete {
				return fmt.Errorf("expired %s changed by %s", old.ReleaseID, c.ActionType)
			}
			want.DeletedAt = after[i].DeletedAt
			want.Reason = after[i].Reason
			want.Lights.CommercialRelease = release.ValueUnknown
		default:
			return fmt.Errorf("expired %s changed by %s:\nbefore %s\nafter  %s", old.ReleaseID, cmd.Action(), was, is)
		}
		if w := jsonOf(want); w != is {
			return fmt.Errorf("expired %s changed by %s beyond what it may:\nwant  %s\nafter %s", old.ReleaseID, cmd.Action(), w, is)
		}
	}
	return nil
}

var timestamp7 = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$`)

// envelopeFields are the keys of every notification in the seeds, no more, no less.
var envelopeFields = []string{"assetId", "body", "errors", "event", "externalReferenceId", "id", "publicReferenceId", "receiverId", "senderId", "timestamp", "type", "warnings"}

// checkEnvelope is property (d): the notification, raw as marshalled, is valid JSON in the
// seeds' envelope.
func checkEnvelope(n release.Notification, raw []byte, m release.Meta) error {
	var env map[string]any
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("invalid JSON %s: %w", raw, err)
	}
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, envelopeFields) {
		return fmt.Errorf("envelope fields %v, want %v", keys, envelopeFields)
	}
	ts, _ := env["timestamp"].(string)
	checks := []struct {
		ok   bool
		what string
	}{
		{env["assetId"] == release.AssetID, "assetId"},
		{env["id"] == n.EquipmentNumber, "id is the equipment number"},
		{env["receiverId"] == n.ReceiverID && n.ReceiverID != "", "receiverId"},
		{env["publicReferenceId"] == m.PublicReferenceID, "publicReferenceId of the command"},
		{env["senderId"] == nil || (n.Event == release.EventNotValidated && env["senderId"] == m.Sender.NxtEntityID &&
			strings.HasPrefix(fmt.Sprint(env["body"]), "Could not apply to single release right")), "senderId null (but on the seed's Multiple releases answer)"},
		{slices.Contains(release.NotificationTypes, n.Type) && env["type"] == n.Type, "type"},
		{env["event"] == n.Event && n.Event != "", "event"},
		{timestamp7.MatchString(ts) && ts == m.Now.UTC().Format(release.TimestampLayout), "timestamp with 7 fractional digits"},
		{isEmptyArray(env["errors"]), "errors []"},
		{isArray(env["warnings"]), "warnings is an array"},
	}
	for _, c := range checks {
		if !c.ok {
			return fmt.Errorf("envelope: %s wrong in %s", c.what, raw)
		}
	}
	ext := env["externalReferenceId"]
	switch {
	case n.ReceiverID == m.Sender.NxtEntityID && m.ExternalReferenceID != nil:
		if ext != *m.ExternalReferenceID {
			return fmt.Errorf("the sender's copy lacks its externalReferenceId: %s", raw)
		}
	case ext != nil:
		return fmt.Errorf("externalReferenceId %v on a copy for %s, who did not send the command", ext, n.ReceiverID)
	}
	if n.ReceiverID != m.Sender.NxtEntityID && !isEmptyArray(env["warnings"]) {
		return fmt.Errorf("warnings on a copy for %s, who did not send the command: %s", n.ReceiverID, raw)
	}
	_, isString := env["body"].(string)
	_, isObject := env["body"].(map[string]any)
	if (n.Event == release.EventNotValidated && !isString) || (n.Event != release.EventNotValidated && !isObject) {
		return fmt.Errorf("body of %s is %T", n.Event, env["body"])
	}
	return nil
}

// describe renders a command's fields compactly for the replay log.
func describe(cmd release.Command) string {
	key := func(k release.Key) string {
		return fmt.Sprintf("%q/%s/%q", k.EquipmentNumber, strings.Join(k.BillOfLadingNumbers, ","), k.ReleaseIdentification)
	}
	ref := func(r release.PartyRef) string {
		if r.Party == nil {
			return r.IdentificationType + ":" + r.IdentificationCode + "(unknown)"
		}
		return r.Party.NxtEntityID
	}
	switch c := cmd.(type) {
	case *release.Ingestion:
		s := fmt.Sprintf("%s terminal=%q", key(c.Key), c.TerminalCode)
		if c.ReleaseTo.Given() {
			s += " releaseTo=" + ref(c.ReleaseTo)
		}
		if c.Carrier.Given() {
			s += " carrier=" + ref(c.Carrier)
		}
		if e := c.Details.ExpirationDateTimeUtc; e != nil {
			s += " expires=" + e.Format(time.RFC3339)
		}
		return s
	case *release.RightAction:
		return fmt.Sprintf("%s terminal=%q from=%s to=%s", key(c.Key), c.TerminalCode, ref(c.ReleaseFrom), ref(c.ReleaseTo))
	case *release.DetailQuery:
		return key(c.Key)
	case *release.TerminalEvent:
		return fmt.Sprintf("%s %q/%s/%q terminal=%q stay=%q", c.ActionType, c.EquipmentNumber, strings.Join(c.BillOfLadingNumbers, ","), c.ReleaseIdentification, c.TerminalCode, c.StayNumber)
	case *release.CustomsStatus:
		s := fmt.Sprintf("%q bl=%s status=%q progress=%q", c.EquipmentNumber, strings.Join(c.BillOfLadingNumbers, ","), c.Status, c.Progress)
		if c.EventDateTimeUtc != nil {
			s += " at=" + c.EventDateTimeUtc.Format(time.RFC3339)
		}
		return s
	case *release.PickupAction:
		return fmt.Sprintf("%s %s terminal=%q mot=%s", c.ActionType, key(c.Key), c.TerminalCode, jsonOf(c.MeansOfTransport))
	case *release.PickupValidation:
		return fmt.Sprintf("%q terminal=%q to=%s mot=%s", c.EquipmentNumber, c.TerminalCode, ref(c.TransportOperator), jsonOf(c.MeansOfTransport))
	case release.Expire:
		return ""
	}
	return fmt.Sprintf("%T", cmd)
}

func isArray(v any) bool { _, ok := v.([]any); return ok }

func isEmptyArray(v any) bool { a, ok := v.([]any); return ok && len(a) == 0 }

func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "!" + err.Error()
	}
	return string(b)
}
