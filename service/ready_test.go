package service

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portlight/portlight/store"
	"github.com/portlight/portlight/store/sqlite"
)

// fullDisk is a store whose writes fail while full is set, as SQLite's do on a full disk
// ("database or disk is full") while its reads still answer.
type fullDisk struct {
	store.Store
	full   atomic.Bool
	writes atomic.Int64
}

func (f *fullDisk) CountCalls(ctx context.Context, window time.Time, calls map[string]int) (map[string]int, error) {
	f.writes.Add(1)
	if f.full.Load() {
		return nil, errors.New("database or disk is full (13)")
	}
	return f.Store.CountCalls(ctx, window, calls)
}

// TestReadyWhileTheNodeCanCommit reproduces issue 14's finding: a node that could read but not
// commit stayed ready, so the load balancer kept sending it commands that all failed. Ready now
// fails while a write fails, recovers once writes succeed again, and writes at most once per
// readyProbeEvery however often it is asked.
func TestReadyWhileTheNodeCanCommit(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "portlight.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	disk := &fullDisk{Store: st}
	clock := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	s := New(disk, nil, nil, nil, Config{}, func() time.Time { return clock })
	if err := s.Ready(ctx); err != nil {
		t.Fatalf("ready with a working store: %v", err)
	}
	disk.full.Store(true)
	clock = clock.Add(readyProbeEvery)
	if err := s.Ready(ctx); err == nil {
		t.Fatal("ready while nothing can be committed")
	}
	before := disk.writes.Load()
	for i := 0; i < 100; i++ {
		if err := s.Ready(ctx); err == nil {
			t.Fatal("ready again within the probe interval while the disk is full")
		}
	}
	if n := disk.writes.Load() - before; n != 0 {
		t.Fatalf("100 probes within a second wrote %d times, want 0 (the last answer is kept)", n)
	}
	disk.full.Store(false)
	clock = clock.Add(readyProbeEvery)
	if err := s.Ready(ctx); err != nil {
		t.Fatalf("not ready after the disk was freed: %v", err)
	}
	st.Close()
	clock = clock.Add(readyProbeEvery)
	if err := s.Ready(ctx); err == nil {
		t.Fatal("ready with the database closed")
	}
}
