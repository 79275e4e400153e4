package api

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// sharedCounter is the shared counters of several nodes, in memory.
type sharedCounter struct {
	mu     sync.Mutex
	counts map[string]int
}

func (c *sharedCounter) CountCalls(_ context.Context, window time.Time, calls map[string]int) (map[string]int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for sub, n := range calls {
		k := window.String() + sub
		c.counts[k] += n
		out[sub] = c.counts[k]
	}
	return out, nil
}

func TestRateLimitOneNode(t *testing.T) {
	l := NewRateLimiter(500, &sharedCounter{counts: map[string]int{}})
	now := time.Date(2026, 11, 22, 10, 0, 10, 0, time.UTC)
	for i := 0; i < 500; i++ {
		if ok, _ := l.Allow("sub", now); !ok {
			t.Fatalf("call %d refused", i+1)
		}
	}
	// The calls leave the window with their slot (10:00:10 to 10:00:15), 60 s after it ends.
	ok, retry := l.Allow("sub", now.Add(time.Second))
	if ok || retry != 64*time.Second {
		t.Fatalf("call 501: allowed %v, retry after %v (want refused, 64s)", ok, retry)
	}
	if ok, _ := l.Allow("other", now); !ok {
		t.Fatal("another subscription is limited too")
	}
	if ok, _ := l.Allow("sub", now.Add(50*time.Second)); ok {
		t.Fatal("a new minute of the clock starts afresh: 500 calls 50 s ago still count")
	}
	if ok, _ := l.Allow("sub", now.Add(65*time.Second)); !ok {
		t.Fatal("the calls of more than a window ago still count")
	}
	if ok, _ := NewRateLimiter(0, nil).Allow("sub", now); !ok {
		t.Fatal("limit 0 must turn limiting off")
	}
}

// TestRateLimitAcrossNodes shows the limit holding for three nodes sharing the counters: each
// node sees the others' calls after a flush, so together they let through the limit plus at most
// what they admit between two flushes.
func TestRateLimitAcrossNodes(t *testing.T) {
	shared := &sharedCounter{counts: map[string]int{}}
	nodes := []*RateLimiter{NewRateLimiter(500, shared), NewRateLimiter(500, shared), NewRateLimiter(500, shared)}
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	allowed := 0
	for round := 0; round < 100; round++ { // 100 flush intervals, 10 calls per node between flushes
		for _, n := range nodes {
			for i := 0; i < 10; i++ {
				if ok, _ := n.Allow("sub", now); ok {
					allowed++
				}
			}
		}
		for _, n := range nodes {
			if err := n.flush(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}
	if allowed < 500 || allowed > 500+3*10 {
		t.Fatalf("3 nodes let %d calls through, want 500 to 530", allowed)
	}
}

// TestRateLimitMinuteBoundary (issue 14): 1,000 calls within 1.5 s across a minute of the clock
// were all allowed, the limit once on each side; now the second minute's calls meet the first's.
func TestRateLimitMinuteBoundary(t *testing.T) {
	l := NewRateLimiter(500, &sharedCounter{counts: map[string]int{}})
	start := time.Date(2026, 11, 22, 10, 0, 59, 0, time.UTC)
	allowed := 0
	for i := 0; i < 1000; i++ {
		if ok, _ := l.Allow("sub", start.Add(time.Duration(i)*1500*time.Microsecond)); ok {
			allowed++
		}
		if i%100 == 99 {
			if err := l.flush(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}
	if allowed != 500 {
		t.Fatalf("%d of 1,000 calls within 1.5 s across a minute boundary allowed, want 500", allowed)
	}
	// The first call is allowed again once the slot of the first calls (10:00:55-10:01:00) has left
	// the window.
	ok, retry := l.Allow("sub", start.Add(2*time.Second))
	if ok || retry != 59*time.Second {
		t.Fatalf("after the burst: allowed %v, retry after %v (want 59s)", ok, retry)
	}
}

// TestRateLimitNoWindowOverLimit: whatever the pattern of calls, no RateWindow holds more allowed
// calls than the limit.
func TestRateLimitNoWindowOverLimit(t *testing.T) {
	const limit = 50
	l := NewRateLimiter(limit, &sharedCounter{counts: map[string]int{}})
	rng := rand.New(rand.NewPCG(1, 2))
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	var allowed []time.Time
	for i := 0; i < 20_000; i++ {
		// Bursts and lulls: mostly a few milliseconds apart, sometimes seconds.
		step := time.Duration(rng.IntN(20)) * time.Millisecond
		if rng.IntN(100) == 0 {
			step = time.Duration(rng.IntN(30)) * time.Second
		}
		now = now.Add(step)
		if ok, _ := l.Allow("sub", now); ok {
			allowed = append(allowed, now)
		}
		if i%50 == 0 {
			if err := l.flush(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}
	first := 0
	for last, at := range allowed {
		for !allowed[first].After(at.Add(-RateWindow)) {
			first++
		}
		if n := last - first + 1; n > limit {
			t.Fatalf("%d calls allowed in the window ending %v, limit %d", n, at, limit)
		}
	}
	if len(allowed) < limit {
		t.Fatalf("only %d calls allowed in all", len(allowed))
	}
}
