// Package group is the group commit both stores share (store/sqlite's one writer goroutine,
// store/postgres's few committers): a call waits in a queue; whoever commits takes it with the
// calls already waiting behind it, applies them all in one transaction and answers every caller
// once that transaction is committed. A transaction costs about as much for one command as for
// several (its begin, its commit and the wait for the disk), so grouping is what makes the write
// path fast (docs/performance.md).
//
// What the stores do alike lives here, once: handing a call over and waiting for it (Submit),
// gathering a group without waiting for it to fill (Gather), deciding an op with a panic turned
// into that op's error (Decide), and what to do when a group fails (Commit): each call is applied
// again alone, so that one bad op fails only its own caller, and that retry first recognises the
// calls whose commands are already stored (Recognise). Only the SQL, which differs between the
// dialects, stays in the stores.
package group

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// Request is one call waiting for the write path: an Apply's ops (a store may add work of its own
// by embedding Request in its own request type). Outs and Err are its answer.
type Request struct {
	Ops  []store.Op
	Outs []release.Outcome
	Err  error
	done chan struct{} // closed once Outs and Err are set
}

// Make returns a request for ops, ready to be queued.
func Make(ops []store.Op) Request {
	return Request{Ops: ops, done: make(chan struct{})}
}

// Size is what the request counts for in a group's limit: its ops, or one for a request without
// ops (a store's own work).
func (r *Request) Size() int { return max(len(r.Ops), 1) }

// Finish answers the caller with Outs (none when Err is set).
func (r *Request) Finish() {
	if r.Err != nil {
		r.Outs = nil
	}
	close(r.done)
}

func (r *Request) request() *Request { return r }

// Item is a store's request type: *Request, or a type that embeds Request.
type Item interface {
	request() *Request
	Size() int
}

// Submit hands req to the write path through queue and waits until its group is committed (or
// failed). ctx is honoured while waiting for the write path to take req; once taken it is applied
// even if the caller stops waiting, so that a call is applied whole or not at all, never cut off
// half-way by a client that went away. closed is the error when quit is closed first.
func Submit[R Item](ctx context.Context, queue chan<- R, quit <-chan struct{}, closed error, req R) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case queue <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-quit:
		return closed
	}
	r := req.request()
	select {
	case <-r.done:
		return r.Err
	case <-ctx.Done():
		// The call will still be committed (or has been): the caller just does not wait to know.
		return ctx.Err()
	}
}

// Gather appends to group the requests already waiting in queue, without waiting for more, until
// the group holds limit ops (n is what it holds so far); it returns the group and what it holds.
// A single request larger than limit is still taken whole (its ops commit together).
func Gather[R Item](group []R, n int, queue <-chan R, limit int) ([]R, int) {
	for n < limit {
		select {
		case req := <-queue:
			group = append(group, req)
			n += req.Size()
		default:
			return group, n
		}
	}
	return group, n
}

// maxAlone bounds how often a request is applied alone while its commits stay uncertain (or it
// meets a record of its key committed after it looked).
const maxAlone = 3

// Commit applies a group and answers its callers. apply runs the requests given in one
// transaction, each request's ops in order, and fills their Outs; with recognise set it first
// looks up the requests already stored (Recognise) and answers those from their audit records
// instead of deciding them again.
//
// When the group fails, each request is applied again alone, recognising: one bad op (a rule
// that panics, an outcome that cannot be stored) then fails only its own caller, and a group whose
// commit went unanswered (Uncertain) but did land is answered as stored instead of being applied
// twice (a request whose commit stays uncertain is tried alone up to maxAlone times). A single
// request is retried only when its commit was uncertain or it met an audit record of its key
// (Duplicate): it is then answered as stored, or fails with store.ErrConflict when the record is
// another command's.
func Commit[R Item](group []R, apply func(reqs []R, recognise bool) error) {
	err := apply(group, false)
	if err != nil && (len(group) > 1 || IsUncertain(err) || IsDuplicate(err)) {
		for _, req := range group {
			r := req.request()
			for attempt := 1; ; attempt++ {
				r.Outs = nil
				r.Err = apply([]R{req}, true)
				// A Duplicate alone: the record of its key was committed after this try looked
				// (by a transaction it did not wait for); the next try finds it.
				if r.Err == nil || attempt == maxAlone || !(IsUncertain(r.Err) || IsDuplicate(r.Err)) {
					break
				}
			}
			r.Finish()
		}
		return
	}
	for _, req := range group {
		r := req.request()
		r.Err = err
		r.Finish()
	}
}

// Decide calls the op's rule. A panic there is a bug in a rule, but it runs on the write path:
// it becomes this op's error instead of taking every other caller down with it.
func Decide(op *store.Op, c *release.Container) (out release.Outcome, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("decide panicked: %v\n%s", p, debug.Stack())
		}
	}()
	if op.Decide == nil {
		return out, errors.New("op without Decide")
	}
	return op.Decide(c), nil
}

// uncertainError is the failure of a transaction whose COMMIT was sent without an answer (or
// answered with an error after it may have landed): its commands may or may not be stored.
type uncertainError struct{ err error }

func (e *uncertainError) Error() string {
	return "commit unanswered, the commands may or may not be applied: " + e.err.Error()
}

func (e *uncertainError) Unwrap() error { return e.err }

// Uncertain marks err as the failure of a commit that may have landed.
func Uncertain(err error) error { return &uncertainError{err} }

// IsUncertain reports whether err (or what it wraps) is an uncertain commit.
func IsUncertain(err error) bool {
	var u *uncertainError
	return errors.As(err, &u)
}

// duplicateError is the failure of a transaction that inserted an audit record whose key
// (group.Key) is stored already.
type duplicateError struct{ err error }

func (e *duplicateError) Error() string { return e.err.Error() }

func (e *duplicateError) Unwrap() error { return e.err }

// Duplicate marks err as an audit record's key stored already (a unique violation).
func Duplicate(err error) error { return &duplicateError{err} }

// IsDuplicate reports whether err (or what it wraps) is a Duplicate.
func IsDuplicate(err error) bool {
	var d *duplicateError
	return errors.As(err, &d)
}
