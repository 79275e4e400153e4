package sqlite

import (
	"slices"
	"sync"

	"github.com/portlight/portlight/release"
)

// The writer goroutine is the only one that writes rights and container facts (one process uses a
// SQLite database, leader.go), so it knows the state its committed groups left a container in
// without reading it back. The cache keeps that state for the containers used lately, and apply
// reads a container from the database only on a miss: reading one (a query, then decoding the JSON
// state of each right) was a fifth of the server's CPU under load, and most commands concern a
// container another command touched a moment before.
//
// An entry is always committed state:
//   - it is filled by a load inside a group, which reads what was committed before that group
//     (a group's own rows are inserted only at its end, batch.go);
//   - a committed group brings the entries of the containers it changed up to date with its
//     overlay (fold); until then its changes live in the overlay only;
//   - a group that fails (a rollback, or a commit whose outcome is not known) empties the cache,
//     and so does a change by any other connection (another process, an operator's sqlite3 shell),
//     which PRAGMA data_version shows at the start of the next group (writer.go).
//
// Rights and facts of an entry are shared with the ops that read it and never modified: the core
// decides on a container without modifying it (release.Decide returns copies).
//
// The readers use the cache too (Store.Container: the gate check, CCRM GET): an entry is committed
// state, and a group's changes are folded in before any of its callers is answered, so a reader
// never sees less than what a caller was told is done. A change made behind the writer's back (an
// operator's sqlite3 shell) reaches the readers once the next group has emptied the cache.

// cacheContainers bounds the containers the cache holds (a few kilobytes each).
const cacheContainers = 4096

// cachedContainer is the committed state of a container: its facts, and its rights created since
// `since` (unix ns) ordered by creation, as loadContainer returns them.
type cachedContainer struct {
	since  int64
	rights []*release.Right
	facts  release.Facts
}

// containerCache holds at most max containers in two generations: entries go into cur; when cur is
// full it becomes old and a new cur starts, and a hit in old moves the entry back to cur. So the
// containers used within the last max/2 insertions stay, with no per-entry bookkeeping (a cheap
// approximation of least recently used).
type containerCache struct {
	mu       sync.Mutex // the writer and the readers
	cur, old map[containerKey]*cachedContainer
	max      int
}

func newContainerCache(max int) *containerCache {
	return &containerCache{cur: make(map[containerKey]*cachedContainer), max: max}
}

// get returns the entry of k, or nil; c.mu is held.
func (c *containerCache) get(k containerKey) *cachedContainer {
	if e, ok := c.cur[k]; ok {
		return e
	}
	if e, ok := c.old[k]; ok {
		c.put(k, e)
		return e
	}
	return nil
}

// put makes e the entry of k; c.mu is held.
func (c *containerCache) put(k containerKey, e *cachedContainer) {
	delete(c.old, k)
	if _, ok := c.cur[k]; !ok && len(c.cur) >= c.max/2 {
		c.old, c.cur = c.cur, make(map[containerKey]*cachedContainer, c.max/2)
	}
	c.cur[k] = e
}

// clear forgets every entry.
func (c *containerCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.cur)
	c.old = nil
}

// container returns a copy of the entry of k for an op that sees the rights created since `since`,
// or nil when the entry misses some of them (it was loaded with a later window) or there is none.
// The copy's rights slice is its own: the overlay rewrites it.
func (c *containerCache) container(k containerKey, since int64) *release.Container {
	c.mu.Lock()
	e := c.get(k)
	c.mu.Unlock()
	if e == nil || since < e.since {
		return nil
	}
	out := &release.Container{PortLoCode: k.port, EquipmentNumber: k.equipment, Facts: e.facts,
		Rights: make([]*release.Right, 0, len(e.rights)+1)}
	for _, r := range e.rights {
		if nanos(r.CreatedAt) >= since {
			out.Rights = append(out.Rights, r)
		}
	}
	return out
}

// add records c, just loaded from the database with the rights created since `since`.
func (c *containerCache) add(ct *release.Container, since int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.put(containerKey{ct.PortLoCode, ct.EquipmentNumber}, &cachedContainer{since: since,
		rights: slices.Clip(slices.Clone(ct.Rights)), facts: ct.Facts})
}

// fold brings the entries of the containers a committed group changed up to date with the group's
// overlay, ordered as the database would return them.
func (c *containerCache) fold(o *overlay) {
	c.mu.Lock()
	defer c.mu.Unlock()
	update := func(k containerKey) {
		e := c.get(k)
		if e == nil {
			return
		}
		ct := &release.Container{PortLoCode: k.port, EquipmentNumber: k.equipment, Facts: e.facts, Rights: slices.Clone(e.rights)}
		o.apply(ct, e.since)
		if !slices.IsSortedFunc(ct.Rights, byCreation) {
			slices.SortStableFunc(ct.Rights, byCreation)
		}
		c.put(k, &cachedContainer{since: e.since, rights: slices.Clip(ct.Rights), facts: ct.Facts})
	}
	for k := range o.byKey {
		update(k)
	}
	for k := range o.facts {
		if _, done := o.byKey[k]; !done {
			update(k)
		}
	}
}
