package postgres

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
	"github.com/portlight/portlight/store/internal/group"
)

// Group commit. A transaction costs the server about as much for one command as for several (its
// begin, its commit and the wait for the disk, two round trips), so concurrent Apply calls of a node
// share transactions: a few committer goroutines each take a call from the queue, gather the calls
// already waiting behind it, and apply them all in one transaction, one after the other; every
// caller is answered once that transaction is committed. When calls come one at a time each goes
// alone, and nothing waits for a group to fill. The committers work side by side, on as many
// connections, and the containers' row locks keep them (and the other nodes) from deciding on the
// same old state; each transaction locks its containers in key order, so none waits for another
// in a cycle.
//
// A group that fails is applied again request by request, each in its own transaction, so that one
// bad op (a rule that panics, an outcome that cannot be stored) fails only its own caller; a group
// whose COMMIT went unanswered is applied again too, and what of it did land is recognised by its
// audit records instead of being applied twice (store/internal/group).

// maxGroupOps bounds the ops one group transaction takes from the queue (a single Apply with more
// ops is still taken whole: its ops commit together).
const maxGroupOps = 128

// Apply implements store.Store: the ops in one transaction, in order, each against the state the
// previous ones left (with the ops of other calls the node applies at the same time before or after
// them). It is handed to a committer (group.Submit), which applies it even if the caller stops
// waiting once it was taken.
func (s *Store) Apply(ctx context.Context, ops ...store.Op) ([]release.Outcome, error) {
	if len(ops) == 0 {
		return nil, nil
	}
	req := group.Make(ops)
	if err := group.Submit(ctx, s.reqs, s.quit, ErrClosed, &req); err != nil {
		return nil, err
	}
	return req.Outs, nil
}

// committer takes groups of requests from the queue and commits them (group.Commit), until Close.
func (s *Store) committer() {
	defer s.committers.Done()
	reqs := make([]*group.Request, 0, 32)
	for {
		select {
		case <-s.quit:
			return
		case req := <-s.reqs:
			reqs, _ = group.Gather(append(reqs[:0], req), req.Size(), s.reqs, maxGroupOps)
			group.Commit(reqs, s.applyWithRetry)
			clear(reqs)
		}
	}
}

// applyWithRetry runs applyTx again when the server aborted it to break a deadlock or a
// serialization conflict (retryable).
func (s *Store) applyWithRetry(reqs []*group.Request, recognise bool) error {
	for attempt := 1; ; attempt++ {
		err := s.applyTx(reqs, recognise)
		if err == nil || attempt == maxAttempts || !retryable(err) {
			return err
		}
		time.Sleep(time.Duration(rand.IntN(5*attempt)+1) * time.Millisecond)
	}
}
