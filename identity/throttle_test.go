package identity

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestGuardLocksAfterFreeFailures: the first failures are free, then each one doubles the lock up
// to the maximum; a success clears the key; a locked key stays locked for the right secret too.
func TestGuardLocksAfterFreeFailures(t *testing.T) {
	g := NewGuard(1)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	k := SubjectKey("user", "alice")
	for i := 0; i < SubjectBackoff.Free; i++ {
		if w := g.Locked(now, k); w != 0 {
			t.Fatalf("locked after %d failures (%s); %d are free", i, w, SubjectBackoff.Free)
		}
		g.Failed(now, k)
	}
	if w := g.Locked(now, k); w != 0 {
		t.Fatalf("locked after only the free failures: %s", w)
	}
	want := SubjectBackoff.Base
	for i := 0; i < 20; i++ {
		g.Failed(now, k)
		if w := g.Locked(now, k); w != want {
			t.Fatalf("failure %d over the free ones: locked for %s, want %s", i+1, w, want)
		}
		want = min(2*want, SubjectBackoff.Max)
	}
	if w := g.Locked(now.Add(SubjectBackoff.Max), k); w != 0 {
		t.Fatalf("still locked after the longest lock: %s", w)
	}
	g.Succeeded(k)
	g.Failed(now, k)
	if w := g.Locked(now, k); w != 0 {
		t.Fatalf("a success did not clear the count: locked for %s", w)
	}
	// Another key is not touched.
	if w := g.Locked(now, SubjectKey("user", "bob")); w != 0 {
		t.Fatalf("bob is locked by alice's failures: %s", w)
	}
}

// TestGuardMemoryIsBounded: a flood of failures for fresh names does not grow the counts past
// MaxKeys, and the keys already locked stay locked.
func TestGuardMemoryIsBounded(t *testing.T) {
	g := NewGuard(1)
	g.MaxKeys = 100
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	victim := SubjectKey("user", "victim")
	for i := 0; i < 10; i++ {
		g.Failed(now, victim)
	}
	for i := 0; i < 10_000; i++ {
		g.Failed(now, SubjectKey("user", fmt.Sprint("nobody", i)))
	}
	if n := len(g.fails); n > g.MaxKeys {
		t.Fatalf("%d keys counted, bound %d", n, g.MaxKeys)
	}
	if g.Locked(now, victim) == 0 {
		t.Fatal("a flood of fresh names unlocked the victim")
	}
	// Once the counts run out, they are swept to make room.
	later := now.Add(time.Hour)
	g.Failed(later, SubjectKey("user", "newcomer"))
	if _, ok := g.fails["user:newcomer"]; !ok {
		t.Fatal("expired counts were not swept to make room")
	}
}

// TestGuardCapsConcurrency: no more than Concurrency slots are held at once; a caller that finds
// them all taken gives up after MaxWait.
func TestGuardCapsConcurrency(t *testing.T) {
	g := NewGuard(2)
	g.MaxWait = 20 * time.Millisecond
	ctx := context.Background()
	r1, ok1 := g.Acquire(ctx)
	r2, ok2 := g.Acquire(ctx)
	if !ok1 || !ok2 {
		t.Fatal("the first two slots were refused")
	}
	start := time.Now()
	if _, ok := g.Acquire(ctx); ok {
		t.Fatal("a third check got a slot of two")
	}
	if waited := time.Since(start); waited < g.MaxWait {
		t.Fatalf("gave up after %s, before MaxWait %s", waited, g.MaxWait)
	}
	r1()
	r3, ok := g.Acquire(ctx)
	if !ok {
		t.Fatal("a freed slot was not given")
	}
	r2()
	r3()
}
