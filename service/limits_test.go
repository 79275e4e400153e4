package service

import (
	"testing"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// A pull answer stops before the item that would take it over release.MaxPulledBytes, never
// before the first; within the bound it is whole.
func TestWithinPullBytes(t *testing.T) {
	row := func(size int) store.StoredNotification { return store.StoredNotification{Message: make([]byte, size)} }
	quarter := release.MaxPulledBytes / 4
	rows := []store.StoredNotification{row(quarter), row(quarter), row(quarter), row(quarter), row(10)}
	if n := withinPullBytes(rows); n != 3 {
		t.Fatalf("four quarters and a bit: %d items fit, want 3", n)
	}
	if n := withinPullBytes([]store.StoredNotification{row(2 * release.MaxPulledBytes), row(1)}); n != 1 {
		t.Fatalf("a first item over the bound: %d items, want 1", n)
	}
	small := make([]store.StoredNotification, 1000)
	if n := withinPullBytes(small); n != len(small) {
		t.Fatalf("a small answer cut to %d", n)
	}
}
