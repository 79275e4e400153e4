package api

import (
	"context"
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
	ok, retry := l.Allow("sub", now)
	if ok || retry != 50*time.Second {
		t.Fatalf("call 501: allowed %v, retry after %v (want refused, 50s)", ok, retry)
	}
	if ok, _ := l.Allow("other", now); !ok {
		t.Fatal("another subscription is limited too")
	}
	if ok, _ := l.Allow("sub", now.Add(50*time.Second)); !ok {
		t.Fatal("a new minute does not start afresh")
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
