package sqlite

import "github.com/portlight/portlight/release"

// overlay holds the rights and container facts changed so far by the ops of the current write
// transaction. They are written to the database at its end (batch.go), so a later op of the same
// group reads the container from the database and then through the overlay: it sees exactly what
// it would see had every earlier op's rights and facts been upserted at once.
type overlay struct {
	byID  map[string]*release.Right       // latest version of each changed right
	byKey map[containerKey][]string       // ids of the changed rights of each container, in order
	facts map[containerKey]*release.Facts // latest facts of each container whose facts changed
}

type containerKey struct{ port, equipment string }

func keyOf(r *release.Right) containerKey {
	return containerKey{r.PortLoCode, r.Key.EquipmentNumber}
}

func (o *overlay) reset() {
	if o.byID == nil {
		o.byID, o.byKey = make(map[string]*release.Right), make(map[containerKey][]string)
		o.facts = make(map[containerKey]*release.Facts)
	}
	clear(o.byID)
	clear(o.byKey)
	clear(o.facts)
}

// putFacts records f as the latest facts of the container k.
func (o *overlay) putFacts(k containerKey, f *release.Facts) {
	o.facts[k] = f
}

// put records r as the latest version of its right.
func (o *overlay) put(r *release.Right) {
	old, seen := o.byID[r.ReleaseID]
	o.byID[r.ReleaseID] = r
	if seen && keyOf(old) == keyOf(r) {
		return
	}
	// A right that moved to another container (the core never does that) leaves the old one.
	if seen {
		k := keyOf(old)
		ids := o.byKey[k]
		for i, id := range ids {
			if id == r.ReleaseID {
				o.byKey[k] = append(ids[:i:i], ids[i+1:]...)
				break
			}
		}
	}
	k := keyOf(r)
	o.byKey[k] = append(o.byKey[k], r.ReleaseID)
}

// apply brings c, as loaded from the database with rights created since `since` (unix ns), up to
// date with the rights and facts changed earlier in the transaction.
func (o *overlay) apply(c *release.Container, since int64) {
	k := containerKey{c.PortLoCode, c.EquipmentNumber}
	if len(o.facts) > 0 {
		if f, ok := o.facts[k]; ok {
			c.Facts = *f
		}
	}
	if len(o.byID) == 0 {
		return
	}
	kept := c.Rights[:0]
	for _, r := range c.Rights {
		if newer, ok := o.byID[r.ReleaseID]; ok {
			if keyOf(newer) != k {
				continue
			}
			r = newer
		}
		kept = append(kept, r)
	}
	c.Rights = kept
next:
	for _, id := range o.byKey[k] {
		r := o.byID[id]
		for _, have := range c.Rights {
			if have.ReleaseID == id {
				continue next
			}
		}
		if nanos(r.CreatedAt) >= since {
			c.Rights = append(c.Rights, r)
		}
	}
}
