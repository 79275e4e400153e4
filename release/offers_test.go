package release_test

import (
	"fmt"
	"testing"

	"github.com/portlight/portlight/release"
)

// TestOffers holds the predicates of offers.go against Decide: after every step of random
// sequences (the property test's), for every right of the container the step touched, the
// command a predicate stands for, sent by whom a console would offer it to, is accepted exactly
// when the predicate says it can be.
func TestOffers(t *testing.T) {
	n := 60
	if testing.Short() {
		n = 15
	}
	tried := map[string]int{}
	for i := range n {
		seed := *propSeed + uint64(i)
		p := newPlay(seed)
		for step := range 200 {
			if err := p.step(); err != nil {
				t.Fatalf("seed %d step %d: %v", seed, step, err)
			}
			for _, k := range p.order {
				if err := p.checkOffers(p.containers[k], tried); err != nil {
					t.Fatalf("seed %d step %d: %v\nsteps:\n%s", seed, step, err, p.log[len(p.log)-1])
				}
			}
		}
	}
	for _, kind := range []string{"Transfer true", "Transfer false", "Pickup true", "Pickup false", "Update true", "Update false"} {
		if tried[kind] == 0 {
			t.Errorf("no right where %s: the sequences no longer reach it", kind)
		}
	}
}

// checkOffers tries, on a copy of c, each offered command for each right that its key designates
// (an older release of a key re-released is out of every command's reach).
func (p *play) checkOffers(c *release.Container, tried map[string]int) error {
	for _, r := range c.Rights {
		if r.Deleted() {
			continue
		}
		owner := p.byID(r.Owner.NxtEntityID)
		check := func(kind string, offered bool, cmd release.Command, sender *release.Party) error {
			out := release.Decide(c, cmd, release.Meta{Now: p.now, PublicReferenceID: "offer", Sender: *sender, NewReleaseID: "none"})
			accepted := len(out.Changed) > 0
			tried[fmt.Sprintf("%s %v", kind, offered)]++
			if accepted != offered {
				return fmt.Errorf("%s on %s (status %s, pending %v, pick-up %v): offered %v, Decide accepted %v (%s)",
					kind, r.ReleaseID, r.Status, r.PendingTo != nil, r.Pickup != nil, offered, accepted, out.Reason)
			}
			return nil
		}
		byKey := c.Find(r.Key, func(h *release.Right) bool { return !h.Deleted() && h.Terminal.Code == r.Terminal.Code })
		if byKey == r && owner != nil {
			var to *release.Party
			for _, q := range p.parties {
				if q.CanReceiveReleaseRight() && !q.Same(&r.Owner) {
					to = q
					break
				}
			}
			cmd := &release.RightAction{ActionType: release.ActionTransfer, PortLoCode: r.PortLoCode, Key: r.Key, TerminalCode: r.Terminal.Code,
				ReleaseFrom: release.PartyRef{Party: owner}, ReleaseTo: release.PartyRef{Party: to}}
			if err := check("Transfer", r.Transferable(p.now), cmd, owner); err != nil {
				return err
			}
		}
		if byKey == r && owner != nil && owner.HasRole(release.RoleTransportOperator) {
			action := release.PickupAssign
			if r.Pickup != nil {
				action = release.PickupUpdate
			}
			cmd := &release.PickupAction{ActionType: action, PortLoCode: r.PortLoCode, Key: r.Key, TerminalCode: r.Terminal.Code,
				MeansOfTransport: &release.MeansOfTransport{Type: release.TransportBarge, Barge: &release.Barge{Name: "Offer", EniNumber: "02300001"}}}
			if err := check("Pickup", r.PickupOpen(p.now), cmd, owner); err != nil {
				return err
			}
		}
		agent := p.byID(r.Originator.NxtEntityID)
		byAgent := c.Find(r.Key, func(h *release.Right) bool { return !h.Deleted() && h.Originator.Same(&r.Originator) })
		if byAgent == r && agent != nil {
			terminal := r.Terminal
			cmd := &release.Ingestion{ActionType: release.ActionUpdate, PortLoCode: r.PortLoCode, Key: r.Key, TerminalCode: terminal.Code,
				Terminal: &terminal, Details: r.Details}
			if err := check("Update", r.Updatable(p.now), cmd, agent); err != nil {
				return err
			}
		}
	}
	return nil
}
