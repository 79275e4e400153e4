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

// checkRejection is property (c): a rejected outcome changes no right and consists of one
// NotValidated to the sender, whose text is the Reason; a command that changes nothing (other
// than a query) is a rejection. That Decide never modifies the container it is given is checked
// by the caller.
func checkRejection(cmd release.Command, out release.Outcome) error {
	_, query := cmd.(*release.DetailQuery)
	switch {
	case out.Rejected && len(out.Changed) > 0:
		return fmt.Errorf("rejected (%s) but changed %d rights", out.Reason, len(out.Changed))
	case out.Rejected && (len(out.Notifications) != 1 || out.Notifications[0].Event != release.EventNotValidated || out.Notifications[0].Body != out.Reason):
		return fmt.Errorf("rejected (%s) with %d notifications, not one NotValidated giving the reason", out.Reason, len(out.Notifications))
	case !out.Rejected && !query && len(out.Changed) == 0:
		return fmt.Errorf("%s changed nothing but is not marked rejected", cmd.Action())
	case query && len(out.Changed) > 0:
		return fmt.Errorf("a query changed %d rights", len(out.Changed))
	}
	return nil
}

func stakeholders(c *release.Container) map[string][]string {
	m := map[string][]string{}
	for _, r := range c.Rights {
		m[r.ReleaseID] = r.Stakeholders()
	}
	return m
}

// checkRecipients is property (a): nobody hears of a right it is not a stakeholder of (before or
// after the step); NotValidated and query answers go to the sender alone; release-right events go
// to releaseFrom and releaseTo alone; the sender always hears back; no copy is sent twice.
func checkRecipients(ns []release.Notification, wire [][]byte, sender *release.Party, cmd release.Command, before, after map[string][]string) error {
	if len(ns) == 0 {
		return fmt.Errorf("the sender got no answer to %s", cmd.Action())
	}
	toSender := false
	seen := map[string]bool{}
	for i, n := range ns {
		if n.ReceiverID == sender.NxtEntityID {
			toSender = true
		}
		if seen[string(wire[i])] {
			return fmt.Errorf("notification sent twice: %s", wire[i])
		}
		seen[string(wire[i])] = true
		switch n.Event {
		case release.EventNotValidated, release.EventReleaseDetail, release.EventReleaseRightsList:
			if n.ReceiverID != sender.NxtEntityID {
				return fmt.Errorf("%s sent to %s, not to the sender %s", n.Event, n.ReceiverID, sender.NxtEntityID)
			}
			if n.Event == release.EventNotValidated {
				if _, ok := n.Body.(string); !ok {
					return fmt.Errorf("NotValidated body is %T, not the message", n.Body)
				}
				continue
			}
		}
		if n.ReleaseID == "" {
			return fmt.Errorf("%s %s names no release", n.Type, n.Event)
		}
		if !slices.Contains(before[n.ReleaseID], n.ReceiverID) && !slices.Contains(after[n.ReleaseID], n.ReceiverID) {
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
	if !toSender {
		return fmt.Errorf("the sender %s got none of the %d notifications of its %s", sender.NxtEntityID, len(ns), cmd.Action())
	}
	return nil
}

// checkRights is property (b): a right always has exactly one owner, and at most one transfer in
// flight, the one PendingTo names; only companies that may hold a Release Right ever do; and no
// two live releases of one container share a key.
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
			case r.Status != release.StatusPending:
				return fmt.Errorf("%s is pending to %s but its status is %s", r.ReleaseID, r.PendingTo.NxtEntityID, r.Status)
			}
			if r.Pickup != nil && r.PendingTo != nil {
				return fmt.Errorf("%s has a Pick-up Right and a pending transfer", r.ReleaseID)
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
		{env["senderId"] == nil, "senderId null"},
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
