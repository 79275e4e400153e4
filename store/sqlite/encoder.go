package sqlite

import (
	"encoding/json"
	"fmt"
	gojson "github.com/goccy/go-json"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// The encoder goroutine turns the outcomes of a write transaction into the rows to insert (JSON
// encoding of rights and notifications is a good part of the cost of an op) while the writer
// goroutine goes on deciding the next ops: on a machine with two cores the writer, which is the
// bottleneck, keeps only the database work.

// encodeItem is one decided op to encode, or (with flushed set) the end of a transaction.
type encodeItem struct {
	op    *store.Op
	index int // the op's among the ops of its call (group.Key)
	out   *release.Outcome
	// container is the container the op was decided on (nil for an op on none): the versions of
	// its rights before the op, which out.Changed replace. Only the outcomes of ops on a container
	// store out.Changed and out.Facts.
	container *release.Container
	flushed   chan struct{} // when set: everything before has been encoded
}

// encoded holds the rows of one write transaction, as flattened column values. The writer
// goroutine reads them only after the encoder has acknowledged the transaction's flush item.
type encoded struct {
	changed    []changedRight // every right the transaction changed, once, its last version
	rightIndex map[string]int // release id → index in changed
	// rights (rightCols values a row) and statuses (statusCols) are the rows of changed, split by
	// finish: a right whose indexed columns are as stored is only updated (sqlUpdateStatuses).
	rights, statuses []any
	// restaked are the rights of changed whose stakeholder rows the transaction rewrites
	// (store.StakeholdersChanged since the stored version), billsOfLading the rows of the bills of
	// lading of the new ones: both set by finish.
	restaked      []*release.Right
	billsOfLading []any
	facts         []any
	factIndex     map[containerKey]int // container → index of its row in facts: the last facts win
	notifications []any
	audits        []any
	err           error
}

// changedRight is a right the transaction changed: its last version and that version's JSON,
// and the version stored before the transaction (nil for a new right, or one not known).
type changedRight struct {
	right  *release.Right
	state  []byte
	stored *release.Right
}

func (r *encoded) reset() {
	clear(r.changed)
	clear(r.rights)
	clear(r.statuses)
	clear(r.facts)
	clear(r.notifications)
	clear(r.audits)
	clear(r.billsOfLading)
	clear(r.restaked)
	if r.rightIndex == nil {
		r.rightIndex, r.factIndex = make(map[string]int), make(map[containerKey]int)
	}
	clear(r.rightIndex)
	clear(r.factIndex)
	*r = encoded{changed: r.changed[:0], rightIndex: r.rightIndex, rights: r.rights[:0], statuses: r.statuses[:0],
		restaked: r.restaked[:0], billsOfLading: r.billsOfLading[:0],
		facts: r.facts[:0], factIndex: r.factIndex, notifications: r.notifications[:0], audits: r.audits[:0]}
}

// encoder runs until items is closed.
func encoder(items <-chan encodeItem, r *encoded) {
	for it := range items {
		if it.flushed != nil {
			if r.err == nil {
				r.finish()
			}
			close(it.flushed)
			continue
		}
		if r.err != nil {
			continue // the transaction fails anyway
		}
		if err := r.add(it); err != nil {
			r.err = fmt.Errorf("store/sqlite: apply %s on %q: %w", it.op.Audit.Action, it.op.EquipmentNumber, err)
		}
	}
}

// add encodes the rows of one op.
func (r *encoded) add(it encodeItem) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("encode: panic: %v", p)
		}
	}()
	out := it.out
	if c := it.container; c != nil {
		for _, right := range out.Changed {
			if err := r.addRight(right, c); err != nil {
				return err
			}
		}
		if out.Facts != nil {
			if err := r.addFacts(containerKey{c.PortLoCode, c.EquipmentNumber}, out.Facts, nanos(it.op.Audit.At)); err != nil {
				return err
			}
		}
	}
	for i := range out.Notifications {
		n := &out.Notifications[i]
		// MarshalJSON is what json.Marshal would call; calling it directly saves json.Marshal's
		// second pass over the (already compact) output.
		msg, err := n.MarshalJSON()
		if err != nil {
			return fmt.Errorf("encode %s notification to %s: %w", n.Event, n.ReceiverID, err)
		}
		r.notifications = append(r.notifications, n.ReceiverID, n.Type, n.Event, n.EquipmentNumber, n.ReleaseID,
			n.PublicReferenceID, nullString(n.ExternalReferenceID), nanos(n.Timestamp), msg)
	}
	a := &it.op.Audit
	r.audits = append(r.audits, a.PublicReferenceID, a.CompanyID, a.Action, a.EquipmentNumber,
		nullBytes(a.Request), nanos(a.At), out.Rejected, out.Reason, opIndex(it.op, it.index))
	return nil
}

// addRight encodes right, a new version decided on container c.
func (r *encoded) addRight(right *release.Right, c *release.Container) error {
	state, err := gojson.Marshal(right)
	if err != nil {
		return fmt.Errorf("encode right %s: %w", right.ReleaseID, err)
	}
	if i, ok := r.rightIndex[right.ReleaseID]; ok {
		r.changed[i].right, r.changed[i].state = right, state
		return nil
	}
	// The first change of the right in the transaction: the version c holds is the stored one
	// (the ops before in the transaction did not change it).
	var stored *release.Right
	for _, have := range c.Rights {
		if have.ReleaseID == right.ReleaseID {
			stored = have
			break
		}
	}
	r.rightIndex[right.ReleaseID] = len(r.changed)
	r.changed = append(r.changed, changedRight{right: right, state: state, stored: stored})
	return nil
}

// finish splits the changed rights into the rows of the transaction: a right stored already whose
// indexed columns (every column but the status, the times of its last change and expiry and its
// state) are unchanged is only updated; the others are upserted whole. Upserting a right sets
// every column, and SQLite then rewrites each of the right's index entries (nine indexes): that
// cost 40 µs a right, the largest part of applying a terminal's discharge or gate-out report,
// which changes the lights and the status only. It also notes the rights whose stakeholder rows
// the transaction rewrites, those that differ from the stored version's (most writes change the
// lights only), and the bills of lading of new rights.
func (r *encoded) finish() {
	for i := range r.changed {
		ch := &r.changed[i]
		row := rightRow(ch.right, ch.state)
		if ch.stored != nil && sameIndexed(row, rightRow(ch.stored, nil)) {
			r.statuses = append(r.statuses, row[0], row[rightStatus], row[rightUpdatedAt], row[rightExpiresAt], row[rightState])
			continue
		}
		r.rights = append(r.rights, row[:]...)
	}
	for i := range r.changed {
		ch := &r.changed[i]
		if store.StakeholdersChanged(ch.stored, ch.right) {
			r.restaked = append(r.restaked, ch.right)
		}
		if ch.stored == nil {
			for _, bl := range ch.right.Key.BillOfLadingNumbers {
				r.billsOfLading = append(r.billsOfLading, ch.right.PortLoCode, bl, ch.right.ReleaseID)
			}
		}
	}
}

// The columns of a right's row (sqlUpsertRights) that sqlUpdateStatuses sets.
const (
	rightStatus    = 8
	rightUpdatedAt = 11
	rightExpiresAt = 12
	rightState     = 13
)

// rightRow is the row of right, with state its JSON.
func rightRow(right *release.Right, state []byte) [rightCols]any {
	var pendingTo any
	if right.PendingTo != nil {
		pendingTo = right.PendingTo.NxtEntityID
	}
	return [rightCols]any{right.ReleaseID, right.PortLoCode, right.Key.EquipmentNumber, right.Key.ReleaseIdentification,
		right.Owner.NxtEntityID, pendingTo, right.Originator.NxtEntityID, right.Terminal.Code,
		int64(right.Status), right.Deleted(), nanos(right.CreatedAt), nanos(right.UpdatedAt), nanos(right.ExpiresAt()), state}
}

// sameIndexed reports whether two rows of a right agree on every column but those that
// sqlUpdateStatuses sets.
func sameIndexed(a, b [rightCols]any) bool {
	for i := range a {
		switch i {
		case rightStatus, rightUpdatedAt, rightExpiresAt, rightState:
			continue
		}
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// stakeholderRows are the stakeholder rows of the restaked releases, flattened.
func (r *encoded) stakeholderRows() []any {
	var rows []any
	for _, right := range r.restaked {
		for _, company := range store.StakeholderIDs(right) {
			rows = append(rows, right.ReleaseID, company, right.PortLoCode, nanos(right.CreatedAt), int64(right.Status), right.Terminal.Code)
		}
	}
	return rows
}

// addFacts encodes the facts of container k, as of at.
func (r *encoded) addFacts(k containerKey, f *release.Facts, at int64) error {
	doc, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("encode facts of %s: %w", k.equipment, err)
	}
	row := [factCols]any{k.port, k.equipment, doc, at}
	if i, ok := r.factIndex[k]; ok {
		copy(r.facts[i:i+factCols], row[:])
		return nil
	}
	r.factIndex[k] = len(r.facts)
	r.facts = append(r.facts, row[:]...)
	return nil
}

// opIndex is the op_index column of an op's audit record: NULL without a publicReferenceId.
func opIndex(op *store.Op, i int) any {
	if op.Audit.PublicReferenceID == "" {
		return nil
	}
	return int64(i)
}
