package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// maxGroupOps bounds how many ops one group transaction takes from the queue (a single Apply with
// more ops is still taken whole: its ops commit together).
const maxGroupOps = 256

// outboxLinger is how long a group that holds only the dispatcher's work (dispatch, claim,
// outcomes) waits for a command to share its commit. Commands come every millisecond or so at a
// thousand a second: without the wait, each command's group was followed by a group of its own
// for its dispatch, with its own fsync, and the next command often waited for that one.
const outboxLinger = 2 * time.Millisecond

// request is one Apply call (ops), or one RecordCCRMUse call (use), waiting for the writer goroutine.
type request struct {
	ops  []store.Op
	use  *ccrmUse
	fn   func(ctx context.Context, tx *sql.Tx) error // outbox work (outbox_queue.go), run in the group's transaction
	outs []release.Outcome
	err  error
	done chan struct{} // closed by the writer once outs and err are set
}

// outboxOnly tells the dispatcher's work (a fn) from commands and CCRM uses.
func (r *request) outboxOnly() bool { return r.fn != nil && len(r.ops) == 0 && r.use == nil }

// size is what the request counts for in a group's maxGroupOps: its ops, or its one CCRM use.
func (r *request) size() int {
	return max(len(r.ops), 1)
}

// Apply implements store.Store. The ops are handed to the writer goroutine, which applies them in
// one transaction (with whatever other ops were queued at the same time) and answers once that
// transaction is committed. ctx is honoured while waiting for the writer to take the ops; once
// taken they are applied even if the caller stops waiting.
func (s *Store) Apply(ctx context.Context, ops ...store.Op) ([]release.Outcome, error) {
	if len(ops) == 0 {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	req := &request{ops: ops, done: make(chan struct{})}
	if err := s.do(ctx, req); err != nil {
		return nil, err
	}
	return req.outs, nil
}

// do hands req to the writer goroutine and waits until its group is committed (or failed).
func (s *Store) do(ctx context.Context, req *request) error {
	select {
	case s.reqs <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.quit:
		return ErrClosed
	}
	select {
	case <-req.done:
		return req.err
	case <-ctx.Done():
		// The request will still be committed (or has been): the caller just does not wait to know.
		return ctx.Err()
	}
}

// run is the writer goroutine: it takes a request, gathers the ones already waiting behind it,
// commits them as one group and answers them all; until Close.
func (s *Store) run() {
	defer close(s.stopped)
	group := make([]*request, 0, 64)
	linger := time.NewTimer(outboxLinger)
	linger.Stop()
	for {
		select {
		case <-s.quit:
			return
		case req := <-s.reqs:
			group = append(group[:0], req)
			n := req.size()
			if req.outboxOnly() {
				linger.Reset(outboxLinger)
				select {
				case req := <-s.reqs:
					group = append(group, req)
					n += req.size()
				case <-linger.C:
				case <-s.quit:
					return
				}
				linger.Stop()
			}
		gather:
			for n < maxGroupOps {
				select {
				case req := <-s.reqs:
					group = append(group, req)
					n += req.size()
				default:
					break gather
				}
			}
			s.groups++
			s.groupedOps += int64(n)
			s.commitGroup(group)
			clear(group)
			s.restartIfLarge()
		}
	}
}

// commitGroup applies the requests of a group in arrival order in one transaction. When that
// fails, each request is retried alone in its own transaction, so that one bad op (a Decide that
// panics, an outcome that cannot be stored) fails only its own caller.
func (s *Store) commitGroup(group []*request) {
	err := s.inTx(group)
	if err != nil && len(group) > 1 {
		for _, req := range group {
			req.err = s.inTx([]*request{req})
			finish(req)
		}
		return
	}
	for _, req := range group {
		req.err = err
		finish(req)
	}
}

func finish(req *request) {
	if req.err != nil {
		req.outs = nil
	}
	close(req.done)
}

// inTx applies every op of reqs (and records their CCRM uses) in one write transaction and commits it.
func (s *Store) inTx(reqs []*request) error {
	ctx := context.Background()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store/sqlite: begin: %w", err)
	}
	w := &s.wtx
	w.begin(tx)
	if err := w.checkDataVersion(ctx); err != nil {
		tx.Rollback()
		return err
	}
	s.enc.reset()
	for _, req := range reqs {
		if req.use != nil {
			w.record(req.use)
		}
		if req.fn != nil {
			if err = req.fn(ctx, tx); err != nil {
				break
			}
		}
		req.outs = make([]release.Outcome, len(req.ops))
		for i := range req.ops {
			if err = w.apply(ctx, &req.ops[i], &req.outs[i]); err != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	// Wait for the encoder to catch up: after this, s.enc is the writer's to read.
	flushed := make(chan struct{})
	w.encode <- encodeItem{flushed: flushed}
	<-flushed
	if err == nil {
		err = s.enc.err
	}
	if err == nil {
		err = w.insert(ctx, &s.enc)
	}
	if err != nil {
		tx.Rollback()
		w.cache.clear()
		return err
	}
	if err := tx.Commit(); err != nil {
		w.cache.clear() // committed or not: unknown
		return fmt.Errorf("store/sqlite: commit: %w", err)
	}
	if w.foreign {
		w.cache.clear()
	} else {
		w.cache.fold(&w.overlay)
	}
	return nil
}

// checkDataVersion empties the container cache when another connection changed the database since
// the writer's last transaction (PRAGMA data_version counts those changes, never the connection's
// own): the cache holds only what the writer itself committed (cache.go).
func (w *writeTx) checkDataVersion(ctx context.Context) error {
	var v int64
	if err := w.tx.StmtContext(ctx, w.ws.dataVersion).QueryRowContext(ctx).Scan(&v); err != nil {
		return fmt.Errorf("store/sqlite: data_version: %w", err)
	}
	if v != w.dataVersion {
		w.cache.clear()
		w.dataVersion = v
	}
	return nil
}
