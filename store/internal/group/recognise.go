package group

import (
	"bytes"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// Applying a command is idempotent by its publicReferenceId: every store keeps the audit record of
// an op under a unique key (publicReferenceId, the op's index among its call's ops; a bulk call
// carries several ops under one publicReferenceId), written in the transaction that applies the op.
// A call applied again (a group retried after a commit that went unanswered but did land) either
// finds its records, and is answered from them instead of being decided a second time, or finds
// none and is applied; a second insert of a key the unique index already holds fails the
// transaction instead of storing the command twice. Ops without a publicReferenceId have no key
// (their index is stored as NULL, which a unique index does not compare).

// Key names one op: its publicReferenceId and its index among the ops of its call.
type Key struct {
	PublicReferenceID string
	Index             int
}

// Stored is what the audit record of an applied op keeps.
type Stored struct {
	CompanyID, Action, EquipmentNumber string
	At                                 time.Time
	Request                            []byte
	Rejected                           bool
	Reason                             string
}

// same reports whether the record is the one op's audit: the op's own record, stored by a commit
// whose answer was lost, not another command that reused its publicReferenceId. At is compared to
// the microsecond, what a PostgreSQL timestamptz keeps.
func (st *Stored) same(a *store.Audit) bool {
	d := st.At.Sub(a.At)
	return st.CompanyID == a.CompanyID && st.Action == a.Action && st.EquipmentNumber == a.EquipmentNumber &&
		d > -time.Microsecond && d < time.Microsecond && bytes.Equal(st.Request, a.Request)
}

// Keys returns the keys of the request's ops that have one.
func (r *Request) Keys() []Key {
	keys := make([]Key, 0, len(r.Ops))
	for i := range r.Ops {
		if p := r.Ops[i].Audit.PublicReferenceID; p != "" {
			keys = append(keys, Key{p, i})
		}
	}
	return keys
}

// Recognise answers the request from the audit records found for its keys: when they hold every
// op of it that has a key, the request was applied already (its ops commit together), and its
// Outs are set from them: Rejected and Reason, what an audit record keeps (what else the op
// changed is stored, and read like the rest of the store). It returns false when none is found:
// the request is to be applied. A record that names another command (other company, action or
// container, time or request), or only some of the request's ops found, is a publicReferenceId reused by another
// call: store.ErrConflict.
func (r *Request) Recognise(found map[Key]Stored) (bool, error) {
	if len(found) == 0 {
		return false, nil
	}
	outs := make([]release.Outcome, len(r.Ops))
	seen, keyed := 0, 0
	for i := range r.Ops {
		a := &r.Ops[i].Audit
		if a.PublicReferenceID == "" {
			continue
		}
		keyed++
		st, ok := found[Key{a.PublicReferenceID, i}]
		if !ok {
			continue
		}
		if !st.same(a) {
			return false, fmt.Errorf("publicReferenceId %s, op %d: stored for another command (%s %s by %q at %s): %w",
				a.PublicReferenceID, i, st.Action, st.EquipmentNumber, st.CompanyID, st.At.Format(time.RFC3339Nano), store.ErrConflict)
		}
		seen++
		outs[i] = release.Outcome{Rejected: st.Rejected, Reason: st.Reason}
	}
	switch seen {
	case 0:
		return false, nil
	case keyed:
		r.Outs = outs
		return true, nil
	}
	return false, fmt.Errorf("publicReferenceId %s: %d of the call's %d ops stored before: %w",
		r.Ops[0].Audit.PublicReferenceID, seen, keyed, store.ErrConflict)
}

// Faults fails commits on purpose, for the store suite (storetest.RunCommitFaults): after Arm(n),
// the next n commits that land are reported as failed (Uncertain), as a commit whose answer was
// lost would be. A store calls After once each commit has landed.
type Faults struct{ n atomic.Int32 }

// ErrInjected is the failure Faults reports.
var ErrInjected = errors.New("injected commit failure (the commit landed)")

// Arm makes the next n commits fail after landing.
func (f *Faults) Arm(n int) { f.n.Store(int32(n)) }

// After reports the failure of a commit that landed, when one is armed.
func (f *Faults) After() error {
	if f.n.Load() <= 0 || f.n.Add(-1) < 0 {
		return nil
	}
	return Uncertain(ErrInjected)
}
