package service

import (
	"context"
	"log/slog"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// ExpiryBatch is how many containers one expiry round handles at most.
const ExpiryBatch = 500

// ExpireDue expires every right whose time has come (release.Expire), container by container, and
// returns how many containers it handled. Time is the service clock: the rule itself stays in the
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

// RunExpiry expires due rights every interval until ctx ends, so that rights expire without anyone
// calling. Every node runs it; the round runs on one node at a time (store.TryLeadership): the
// others skip their turn while one is at it, so no two nodes expire the same container at once.
func (s *Service) RunExpiry(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := s.expiryRound(ctx); err != nil && ctx.Err() == nil {
			slog.Error("expiry round failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ExpiryJob is the name of the expiry round's leadership (store.TryLeadership).
const ExpiryJob = "expiry"

// expiryRound runs ExpireDue if no other node is running it.
func (s *Service) expiryRound(ctx context.Context) error {
	release, ok, err := s.store.TryLeadership(ctx, ExpiryJob)
	if err != nil || !ok {
		return err
	}
	defer release()
	_, err = s.ExpireDue(ctx)
	return err
}
