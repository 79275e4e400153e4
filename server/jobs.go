package server

import (
	"context"
	"log/slog"
	"time"

	"github.com/portlight/portlight/service"
	"github.com/portlight/portlight/store"
)

// The node's background jobs: they run until the node stops, beside the HTTP server.

// ExpiryJob is the name of the expiry round's leadership (store.TryLeadership).
const ExpiryJob = "expiry"

// PurgeJob is the name of the leadership of the purge of expired Idempotency-Key records.
const PurgeJob = "idempotency-purge"

// purgeInterval is how often the records of expired Idempotency-Keys are dropped: a claim ignores
// them anyway, so this only keeps the table small.
const purgeInterval = time.Hour

// runEvery runs round every interval (the first at once) until ctx ends, logging its failures.
func runEvery(ctx context.Context, name string, interval time.Duration, round func(context.Context) error) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := round(ctx); err != nil && ctx.Err() == nil {
			slog.Error("background job failed", "job", name, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// led makes job a round that runs on one node at a time (store.TryLeadership): every node runs
// the round, and the others skip their turn while one is at it, so no two nodes expire the same
// container at once.
func led(st store.Store, name string, job func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		release, ok, err := st.TryLeadership(ctx, name)
		if err != nil || !ok {
			return err
		}
		defer release()
		return job(ctx)
	}
}

// expiryRound expires every right whose time has come (service.ExpireDue), so that rights expire
// without anyone calling.
func expiryRound(svc *service.Service) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := svc.ExpireDue(ctx)
		return err
	}
}

// purgeRound drops the records of Idempotency-Keys past their 24 hours.
func purgeRound(svc *service.Service) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := svc.PurgeIdempotencyKeys(ctx)
		return err
	}
}
