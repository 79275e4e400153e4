// Package release is the pure core of Portlight: the Release Right, its lights, its chain of
// custody and every rule of docs/rules.md, as a function of (current state, command, now) to (next
// state, notifications, or a rejection). It does no I/O: no database, no clock, no HTTP, no
// logging. Whatever a rule needs from outside (the time, the sender, the companies a request
// names, new ids) arrives in the command and its Meta.
package release

import (
	"strings"
	"time"
)

// Container is the unit of consistency: every live release of one equipment number in one port.
// Commands for one container are applied one after the other, each against the state the
// previous one left (the stores guarantee it).
type Container struct {
	PortLoCode      string
	EquipmentNumber string
	Rights          []*Right
	// Facts are what is known of the container apart from its releases (an early customs status).
	Facts Facts
}

// Meta is what every command carries besides its own fields.
type Meta struct {
	Now                 time.Time
	PublicReferenceID   string
	ExternalReferenceID *string
	// Sender is the company that sent the command (from its token).
	Sender Party
	// NewReleaseID is the id a Release command gives the right it creates.
	NewReleaseID string
	// StrictCheckDigit turns a wrong ISO 6346 check digit from a warning into a rejection.
	StrictCheckDigit bool
	// Warnings go into the sender's notifications (the envelope's "warnings").
	Warnings []string
}

// Command is anything Decide applies to a container.
type Command interface {
	// Action names the command for the audit trail ("Release", "Transfer", ...).
	Action() string
	// Call is the command's line in the table of who may send what (senders.go).
	Call() string
	// Names are the companies and terminal the command names, to be resolved before Decide.
	Names() Names
	decide(c *Container, n *notifier) []*Right
}

// Outcome is what Decide returns: the rights whose state changed (to be stored as they are now),
// the notifications to emit, and whether the command was refused.
type Outcome struct {
	Changed []*Right
	// Facts, when not nil, replace the container's facts.
	Facts         *Facts
	Notifications []Notification
	Rejected      bool
	// Reason is the rejection message when Rejected.
	Reason string
	// NotAllowed marks a rejection the caller hears in the answer to its call rather than by a
	// NotValidated notification: the command may not carry what it carries (the seed's 405, as
	// for an Unblock or Delete that would change a stored field). It comes with no notification.
	NotAllowed bool
}

// Decide applies cmd to the container c as it stands and returns the outcome. c is not modified:
// changed rights are copies. A rejection changes nothing and tells only the sender.
func Decide(c *Container, cmd Command, m Meta) Outcome {
	if c == nil {
		c = &Container{}
	}
	n := &notifier{m: m}
	changed := cmd.decide(c, n)
	if n.refused != "" {
		return Outcome{Rejected: true, Reason: n.refused, NotAllowed: true}
	}
	out := Outcome{Changed: changed, Facts: n.facts, Notifications: n.out}
	for _, msg := range n.out {
		if msg.Event == EventNotValidated {
			out.Rejected = len(changed) == 0
			if s, ok := msg.Body.(string); ok {
				out.Reason = s
			}
		}
	}
	return out
}

// find returns the rights of c matching key (see Key.Matches) that pass keep.
func (c *Container) find(key Key, keep func(*Right) bool) []*Right {
	var out []*Right
	for _, r := range c.Rights {
		if r.Key.Matches(key) && (keep == nil || keep(r)) {
			out = append(out, r)
		}
	}
	return out
}

// Find returns the right matching key that passes keep, or nil. When several match, the newest
// wins: Release refuses a key while an earlier release of it is active, so a newer release of
// the same key only exists once the older ones ended (expired, picked up or deleted), and it
// supersedes them. Without this, re-releasing an expired key would leave the new release
// unreachable by every later command.
func (c *Container) Find(key Key, keep func(*Right) bool) *Right {
	var newest *Right
	for _, r := range c.find(key, keep) {
		if newest == nil || !r.CreatedAt.Before(newest.CreatedAt) {
			newest = r
		}
	}
	return newest
}

func notDeleted(r *Right) bool { return !r.Deleted() }

// normalise trims the fields a key is made of, so " ABCU1234565 " and "ABCU1234565" are one container.
func (k Key) normalise() Key {
	bls := make([]string, 0, len(k.BillOfLadingNumbers))
	for _, bl := range k.BillOfLadingNumbers {
		if bl = strings.TrimSpace(bl); bl != "" {
			bls = append(bls, bl)
		}
	}
	return Key{
		EquipmentNumber:       NormaliseCode(k.EquipmentNumber),
		BillOfLadingNumbers:   bls,
		ReleaseIdentification: strings.TrimSpace(k.ReleaseIdentification),
	}
}
