package postgres

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
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
// bad op (a rule that panics, an outcome that cannot be stored) fails only its own caller.

// maxGroupOps bounds the ops one group transaction takes from the queue (a single Apply with more
// ops is still taken whole: its ops commit together).
const maxGroupOps = 128

// request is one Apply call waiting for a committer.
type request struct {
	ops  []store.Op
	outs []release.Outcome
	err  error
	done chan struct{} // closed by the committer once outs and err are set
}

// Apply implements store.Store: the ops in one transaction, in order, each against the state the
// previous ones left (with the ops of other calls the node applies at the same time before or after
// them). ctx is honoured until a committer takes the call; once taken it is applied even if the
// caller stops waiting (as the SQLite store does), so that a command is either applied whole or not
// at all, never cut off half-way by a client that went away.
func (s *Store) Apply(ctx context.Context, ops ...store.Op) ([]release.Outcome, error) {
	if len(ops) == 0 {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	req := &request{ops: ops, done: make(chan struct{})}
	select {
	case s.reqs <- req:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-s.quit:
		return nil, ErrClosed
	}
	select {
	case <-req.done:
		if req.err != nil {
			return nil, req.err
		}
		return req.outs, nil
	case <-ctx.Done():
		// The call will still be committed (or has been): the caller just does not wait to know.
		return nil, ctx.Err()
	}
}

// committer takes groups of requests from the queue and commits them, until Close.
func (s *Store) committer() {
	defer s.committers.Done()
	group := make([]*request, 0, 32)
	for {
		select {
		case <-s.quit:
			return
		case req := <-s.reqs:
			group = append(group[:0], req)
			n := len(req.ops)
		gather:
			for n < maxGroupOps {
				select {
				case req := <-s.reqs:
					group = append(group, req)
					n += len(req.ops)
				default:
					break gather
				}
			}
			s.commitGroup(group)
			clear(group)
		}
	}
}

// commitGroup applies a group in one transaction, or, when that fails, each request alone; but
// not when the group may have been committed after all (uncertainError): applied again, its
// commands would be applied twice.
func (s *Store) commitGroup(group []*request) {
	err := s.applyWithRetry(group)
	var uncertain *uncertainError
	if err != nil && len(group) > 1 && !errors.As(err, &uncertain) {
		for _, req := range group {
			req.err = s.applyWithRetry([]*request{req})
			finish(req)
		}
		return
	}
	for _, req := range group {
		req.err = err
		finish(req)
	}
}

// applyWithRetry runs applyTx again when the server aborted it to break a deadlock or a
// serialization conflict (retryable).
func (s *Store) applyWithRetry(reqs []*request) error {
	for attempt := 1; ; attempt++ {
		err := s.applyTx(reqs)
		if err == nil || attempt == maxAttempts || !retryable(err) {
			return err
		}
		time.Sleep(time.Duration(rand.IntN(5*attempt)+1) * time.Millisecond)
	}
}

func finish(req *request) {
	if req.err != nil {
		req.outs = nil
	}
	close(req.done)
}
