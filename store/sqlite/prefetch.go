package sqlite

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"

	"github.com/portlight/portlight/release"
)

// A group of many ops on containers the cache does not hold (a part of an EDIFACT interchange: a
// thousand terminal reports, each on a container of its own) spent a good part of the writer's
// time loading them one after the other (a query, then the JSON of each right). The writer holds
// the write lock for its whole transaction (IMMEDIATE, dsn) and inserts the group's rows only at
// its end (batch.go), so until it commits, a reader sees the very state the writer would load
// itself. So a prefetcher goroutine loads the containers of the group's ops on the readers'
// connections, in the order of the ops, while the writer decides: the writer takes a container
// the prefetcher has loaded, and loads itself one the prefetcher has not come to yet (the two then
// share the loading between the two cores). The prefetcher stops before the writer commits: what
// it loads afterwards could be older than the commit.

// prefetchMin is how many containers the cache lacks before a group prefetches them.
const prefetchMin = 64

// The states of a prefetch slot.
const (
	slotWaiting int32 = iota // nobody loads it yet
	slotLoading              // the prefetcher loads it
	slotLoaded               // the prefetcher loaded it: c is set
	slotWriter               // the writer loads it itself (or the prefetcher failed)
)

// prefetch is the containers of one group, loaded ahead of the writer.
type prefetch struct {
	index map[containerKey]int // → slots
	slots []prefetchSlot
	stop  atomic.Bool
	done  sync.WaitGroup
	taken int // containers the writer took (the writer's only)
}

type prefetchSlot struct {
	key   containerKey
	since int64
	state atomic.Int32
	c     *release.Container // set before state becomes slotLoaded
}

// startPrefetch starts prefetching the containers of reqs' ops that the cache lacks, on the
// readers' statement read; it returns nil when they are too few to be worth it.
func (w *writeTx) startPrefetch(reqs []*request, read *sql.Stmt) *prefetch {
	n := 0
	for _, req := range reqs {
		n += len(req.Ops)
	}
	if n < prefetchMin {
		return nil
	}
	p := &prefetch{index: make(map[containerKey]int, n)}
	for _, req := range reqs {
		for i := range req.Ops {
			op := &req.Ops[i]
			if op.EquipmentNumber == "" {
				continue
			}
			k, since := containerKey{op.PortLoCode, release.NormaliseCode(op.EquipmentNumber)}, liveSince(op.Audit.At)
			if _, seen := p.index[k]; seen || w.cache.container(k, since) != nil {
				continue
			}
			p.index[k] = len(p.slots)
			p.slots = append(p.slots, prefetchSlot{key: k, since: since})
		}
	}
	if len(p.slots) < prefetchMin {
		return nil
	}
	p.done.Add(1)
	go p.run(read)
	return p
}

// run loads the slots the writer has not taken, in order, until the last or until stopped.
func (p *prefetch) run(read *sql.Stmt) {
	defer p.done.Done()
	ctx := context.Background()
	for i := range p.slots {
		s := &p.slots[i]
		if p.stop.Load() {
			return
		}
		if !s.state.CompareAndSwap(slotWaiting, slotLoading) {
			continue
		}
		c, err := loadContainer(ctx, read, s.key.port, s.key.equipment, s.since)
		if err != nil {
			s.state.Store(slotWriter) // the writer loads it, and meets the error itself if it lasts
			continue
		}
		s.c = c
		s.state.Store(slotLoaded)
	}
}

// take returns the container k as loaded for ops that see the rights created since `since`, or
// nil when the writer is to load it itself.
func (p *prefetch) take(k containerKey, since int64) *release.Container {
	if p == nil {
		return nil
	}
	i, ok := p.index[k]
	if !ok || p.slots[i].since != since {
		return nil
	}
	s := &p.slots[i]
	if s.state.CompareAndSwap(slotWaiting, slotWriter) || s.state.Load() != slotLoaded {
		return nil // not loaded yet: the writer does not wait for it
	}
	c := s.c
	s.c = nil // taken once: a later op of the group reads the cache
	s.state.Store(slotWriter)
	p.taken++
	return c
}

// end stops the prefetcher and waits for it: the writer calls it before it commits.
func (p *prefetch) end() {
	if p == nil {
		return
	}
	p.stop.Store(true)
	p.done.Wait()
}

// takenFrom is how many containers the writer took from p.
func (p *prefetch) takenFrom() int64 {
	if p == nil {
		return 0
	}
	return int64(p.taken)
}
