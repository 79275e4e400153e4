package service

import (
	"context"
	"sync"
	"time"
)

// readyProbeEvery bounds how often the readiness probe writes: a load balancer probing every
// node every second, or a storm of probes, costs at most one small commit a second.
const readyProbeEvery = time.Second

// readyProbeKey is the row the readiness probe writes (a call counter of window zero, which the
// rate limiter's clean-up never reaches and no subscription can be named).
const readyProbeKey = "portlight:readyz"

// readyState is the last write probe and its outcome.
type readyState struct {
	mu  sync.Mutex
	at  time.Time
	err error
}

// Ready reports whether the node can serve: its database answers and takes a commit. A node that
// can read but not commit (disk full, a database that refuses writes) would accept every command
// into an error, so a load balancer's readiness probe (GET /readyz) takes it out of rotation until
// a write succeeds again. The write is a counter upsert (store.Registry.CountCalls), at most once
// per readyProbeEvery.
func (s *Service) Ready(ctx context.Context) error {
	if err := s.store.Ping(ctx); err != nil {
		return err
	}
	s.ready.mu.Lock()
	defer s.ready.mu.Unlock()
	now := s.now()
	if !s.ready.at.IsZero() && now.Sub(s.ready.at) < readyProbeEvery && !now.Before(s.ready.at) {
		return s.ready.err
	}
	_, err := s.store.CountCalls(ctx, time.Unix(0, 0).UTC(), map[string]int{readyProbeKey: 0})
	s.ready.at, s.ready.err = now, err
	return err
}
