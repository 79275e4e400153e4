package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
	"github.com/portlight/portlight/store/internal/group"
)

// maxGroupOps bounds how many ops one group transaction takes from the queue (a single Apply with
// more ops is still taken whole: its ops commit together).
const maxGroupOps = 256

// outboxLinger is how long a group that holds only the dispatcher's work (dispatch, claim,
// outcomes) waits for a command to share its commit. Commands come every millisecond or so at a
// thousand a second: without the wait, each command's group was followed by a group of its own
// for its dispatch, with its own fsync, and the next command often waited for that one.
const outboxLinger = 2 * time.Millisecond

// request is one Apply call (Ops), or one RecordCCRMUse call (use), or outbox work (fn), waiting
// for the writer goroutine.
type request struct {
	group.Request
	use *ccrmUse
	fn  func(ctx context.Context, tx *sql.Tx) error // outbox work (outbox_queue.go), run in the group's transaction
}

// outboxOnly tells the dispatcher's work (a fn) from commands and CCRM uses.
func (r *request) outboxOnly() bool { return r.fn != nil && len(r.Ops) == 0 && r.use == nil }

// Apply implements store.Store. The ops are handed to the writer goroutine, which applies them in
// one transaction (with whatever other ops were queued at the same time) and answers once that
// transaction is committed (group.Submit).
func (s *Store) Apply(ctx context.Context, ops ...store.Op) ([]release.Outcome, error) {
	if len(ops) == 0 {
		return nil, nil
	}
	req := &request{Request: group.Make(ops)}
	if err := s.do(ctx, req); err != nil {
		return nil, err
	}
	return req.Outs, nil
}

// do hands req to the writer goroutine and waits until its group is committed (or failed).
func (s *Store) do(ctx context.Context, req *request) error {
	return group.Submit(ctx, s.reqs, s.quit, ErrClosed, req)
}

// run is the writer goroutine: it takes a request, gathers the ones already waiting behind it,
// commits them as one group and answers them all (group.Commit); until Close.
func (s *Store) run() {
	defer close(s.stopped)
	reqs := make([]*request, 0, 64)
	linger := time.NewTimer(outboxLinger)
	linger.Stop()
	for {
		select {
		case <-s.quit:
			return
		case req := <-s.reqs:
			reqs = append(reqs[:0], req)
			n := req.Size()
			if req.outboxOnly() {
				linger.Reset(outboxLinger)
				select {
				case req := <-s.reqs:
					reqs = append(reqs, req)
					n += req.Size()
				case <-linger.C:
				case <-s.quit:
					return
				}
				linger.Stop()
			}
			reqs, n = group.Gather(reqs, n, s.reqs, maxGroupOps)
			s.groups++
			s.groupedOps += int64(n)
			group.Commit(reqs, s.inTx)
			clear(reqs)
			s.restartIfLarge()
		}
	}
}

// inTx applies every op of reqs (and records their CCRM uses and runs their outbox work) in one
// write transaction and commits it. With recognise set, a request whose ops are stored already is
// answered from their audit records instead (group.Commit).
func (s *Store) inTx(reqs []*request, recognise bool) error {
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
	if !recognise {
		w.prefetched = w.startPrefetch(reqs, s.read)
	}
	for _, req := range reqs {
		if req.use != nil {
			w.record(req.use)
		}
		if req.fn != nil {
			if err = req.fn(ctx, tx); err != nil {
				break
			}
		}
		if len(req.Ops) == 0 {
			continue
		}
		if recognise {
			var known bool
			if known, err = w.recognise(ctx, &req.Request); err != nil {
				break
			} else if known {
				continue
			}
		}
		req.Outs = make([]release.Outcome, len(req.Ops))
		for i := range req.Ops {
			if err = w.apply(ctx, &req.Ops[i], i, &req.Outs[i]); err != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	w.prefetched.end() // before the commit: what it would load after could be older
	s.prefetchedContainers += w.prefetched.takenFrom()
	w.prefetched = nil
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
		return group.Uncertain(fmt.Errorf("store/sqlite: commit: %w", err))
	}
	if err := s.faults.After(); err != nil {
		w.cache.clear() // as for a commit that fails: the cache must not be trusted
		return err
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
