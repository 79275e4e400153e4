package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
	"github.com/portlight/portlight/store/storetest"
)

// TestPrefetch: a group of many ops on containers the cache lacks takes containers the prefetcher
// loaded, and decides exactly as on containers it loads itself: a second op on a container in
// the same group sees the first one's change, and the cache holds what the database holds.
func TestPrefetch(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	now := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	const n = 4 * prefetchMin
	meta := func(step string, i int, sender release.Party) release.Meta {
		return release.Meta{Now: now, Sender: sender, PublicReferenceID: fmt.Sprintf("%s-%d", step, i), NewReleaseID: fmt.Sprintf("rel-%d", i)}
	}
	eq := storetest.EquipmentNumber
	var releases []store.Op
	for i := range n {
		releases = append(releases, storetest.CommandOp(storetest.Port, eq(i), storetest.ReleaseCommand(storetest.Port, eq(i), "R1", nil), meta("release", i, storetest.Agent)))
	}
	if _, err := s.Apply(ctx, releases...); err != nil {
		t.Fatal(err)
	}
	s.wtx.cache.clear() // as if the releases were long ago
	// Every container is transferred, and every other one twice: the second transfer is refused
	// (the right waits for the forwarder's answer), which it is only if it sees the first.
	var ops []store.Op
	for i := range n {
		transfer := storetest.RightCommand("Transfer", storetest.Port, eq(i), "R1", storetest.Agent, storetest.Forwarder)
		ops = append(ops, storetest.CommandOp(storetest.Port, eq(i), transfer, meta("transfer", i, storetest.Agent)))
		if i%2 == 0 {
			ops = append(ops, storetest.CommandOp(storetest.Port, eq(i), transfer, meta("again", i, storetest.Agent)))
		}
	}
	outs, err := s.Apply(ctx, ops...)
	if err != nil {
		t.Fatal(err)
	}
	for i, out := range outs {
		again := ops[i].Audit.PublicReferenceID[:5] == "again"
		if out.Rejected != again {
			t.Errorf("%s: rejected %v (%s)", ops[i].Audit.PublicReferenceID, out.Rejected, out.Reason)
		}
	}
	checkCache(t, s)
	if s.prefetchedContainers == 0 {
		t.Errorf("the writer took no container from the prefetcher")
	}
}
