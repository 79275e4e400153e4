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
	// container is set for ops on a container (key): only those store out.Changed and out.Facts.
	container bool
	key       containerKey
	previous  []*release.Right // each changed right's version before the op (store.PreviousVersions)
	flushed   chan struct{}    // when set: everything before has been encoded
}

// encoded holds the rows of one write transaction, as flattened column values. The writer
// goroutine reads them only after the encoder has acknowledged the transaction's flush item.
type encoded struct {
	rights        []any
	rightIndex    map[string]int // release id → index of its row in rights: the last version wins
	facts         []any
	factIndex     map[containerKey]int // container → index of its row in facts: the last facts win
	notifications []any
	audits        []any
	// restaked are the releases whose stakeholder rows the transaction rewrites, in order, with
	// their last version (stakeholderRows); billsOfLading the rows of the new releases' bills of lading.
	restaked      []string
	restakedRight map[string]*release.Right
	billsOfLading []any
	err           error
}

func (r *encoded) reset() {
	clear(r.rights)
	clear(r.facts)
	clear(r.notifications)
	clear(r.audits)
	clear(r.billsOfLading)
	if r.rightIndex == nil {
		r.rightIndex, r.factIndex = make(map[string]int), make(map[containerKey]int)
		r.restakedRight = make(map[string]*release.Right)
	}
	clear(r.rightIndex)
	clear(r.factIndex)
	clear(r.restakedRight)
	*r = encoded{rights: r.rights[:0], rightIndex: r.rightIndex, facts: r.facts[:0], factIndex: r.factIndex,
		notifications: r.notifications[:0], audits: r.audits[:0], restaked: r.restaked[:0], restakedRight: r.restakedRight,
		billsOfLading: r.billsOfLading[:0]}
}

// encoder runs until items is closed.
func encoder(items <-chan encodeItem, r *encoded) {
	for it := range items {
		if it.flushed != nil {
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
	if it.container {
		for i, right := range out.Changed {
			if err := r.addRight(right); err != nil {
				return err
			}
			var prev *release.Right
			if i < len(it.previous) {
				prev = it.previous[i]
			}
			r.addStakeholders(prev, right)
		}
		if out.Facts != nil {
			if err := r.addFacts(it.key, out.Facts, nanos(it.op.Audit.At)); err != nil {
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

func (r *encoded) addRight(right *release.Right) error {
	state, err := gojson.Marshal(right)
	if err != nil {
		return fmt.Errorf("encode right %s: %w", right.ReleaseID, err)
	}
	var pendingTo any
	if right.PendingTo != nil {
		pendingTo = right.PendingTo.NxtEntityID
	}
	row := [rightCols]any{right.ReleaseID, right.PortLoCode, right.Key.EquipmentNumber, right.Key.ReleaseIdentification,
		right.Owner.NxtEntityID, pendingTo, right.Originator.NxtEntityID, right.Terminal.Code,
		int64(right.Status), right.Deleted(), nanos(right.CreatedAt), nanos(right.UpdatedAt), nanos(right.ExpiresAt()), state}
	if i, ok := r.rightIndex[right.ReleaseID]; ok {
		copy(r.rights[i:i+rightCols], row[:])
		return nil
	}
	r.rightIndex[right.ReleaseID] = len(r.rights)
	r.rights = append(r.rights, row[:]...)
	return nil
}

// addStakeholders notes that the stakeholder rows of right are rewritten when they changed since
// prev (store.StakeholdersChanged), or were rewritten earlier in the transaction (its last version
// then gives them); and, for a new right, the rows of its bills of lading.
func (r *encoded) addStakeholders(prev, right *release.Right) {
	if prev == nil {
		for _, bl := range right.Key.BillOfLadingNumbers {
			r.billsOfLading = append(r.billsOfLading, right.PortLoCode, bl, right.ReleaseID)
		}
	}
	if _, ok := r.restakedRight[right.ReleaseID]; ok || store.StakeholdersChanged(prev, right) {
		if !ok {
			r.restaked = append(r.restaked, right.ReleaseID)
		}
		r.restakedRight[right.ReleaseID] = right
	}
}

// stakeholderRows are the stakeholder rows of the restaked releases, flattened.
func (r *encoded) stakeholderRows() []any {
	var rows []any
	for _, id := range r.restaked {
		right := r.restakedRight[id]
		for _, company := range store.StakeholderIDs(right) {
			rows = append(rows, id, company, right.PortLoCode, nanos(right.CreatedAt), int64(right.Status), right.Terminal.Code)
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
