package service

import (
	"context"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// ExpiryBatch is how many containers one expiry round handles at most.
const ExpiryBatch = 500

// ExpireDue expires every right whose time has come (release.Expire), container by container, and
// returns how many containers it handled; the node runs it as a background job (server/jobs.go). Time is the service clock: the rule itself stays in the
// core, which is told the time.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	now := s.now().UTC()
	due, err := s.store.DueForExpiry(ctx, now, ExpiryBatch)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	ops := make([]store.Op, len(due))
	for i, c := range due {
		meta := release.Meta{Now: now, PublicReferenceID: newID()}
		ops[i] = store.Op{
			PortLoCode: c.PortLoCode, EquipmentNumber: c.EquipmentNumber,
			Decide: func(c *release.Container) release.Outcome { return release.Decide(c, release.Expire{}, meta) },
			Audit:  store.Audit{PublicReferenceID: meta.PublicReferenceID, Action: release.Expire{}.Action(), EquipmentNumber: c.EquipmentNumber, At: now},
		}
	}
	if _, err := s.store.Apply(ctx, ops...); err != nil {
		return 0, err
	}
	return len(due), nil
}
