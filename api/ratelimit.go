package api

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// RateWindow is the rate-limit window: the seed's "500 calls per minute".
const RateWindow = time.Minute

// CallCounter is where the nodes add up their calls (store.Registry.CountCalls).
type CallCounter interface {
	CountCalls(ctx context.Context, window time.Time, calls map[string]int) (map[string]int, error)
}

// RateLimiter is HTTP middleware of the API (serve asks it for every authenticated call): it
// allows each subscription `limit` calls per minute across every node. Each node counts locally
// and, every FlushEvery, adds its counts to the shared counters and learns the totals; a subscription is refused once its known total plus its unflushed calls reach the
// limit. So the limit holds across nodes to within what the nodes let through in one flush
// interval, and no call waits for the database.
type RateLimiter struct {
	limit      int
	counter    CallCounter
	FlushEvery time.Duration

	mu      sync.Mutex
	window  time.Time
	pending map[string]int // calls not yet flushed
	known   map[string]int // totals across nodes at the last flush
}

// NewRateLimiter limits every subscription to limit calls per minute; limit 0 turns it off.
func NewRateLimiter(limit int, counter CallCounter) *RateLimiter {
	return &RateLimiter{limit: limit, counter: counter, FlushEvery: 200 * time.Millisecond,
		pending: map[string]int{}, known: map[string]int{}}
}

// Allow counts one call of subscription at now, or refuses it and says when to try again.
func (l *RateLimiter) Allow(subscription string, now time.Time) (bool, time.Duration) {
	if l == nil || l.limit <= 0 {
		return true, 0
	}
	window := now.Truncate(RateWindow)
	l.mu.Lock()
	defer l.mu.Unlock()
	if window.After(l.window) {
		l.window, l.known = window, map[string]int{}
		l.pending = map[string]int{} // calls of an ended window no longer count
	}
	if l.known[subscription]+l.pending[subscription] >= l.limit {
		return false, window.Add(RateWindow).Sub(now)
	}
	l.pending[subscription]++
	return true, 0
}

// Run flushes the local counts every FlushEvery until ctx ends.
func (l *RateLimiter) Run(ctx context.Context) {
	if l == nil || l.limit <= 0 {
		return
	}
	t := time.NewTicker(l.FlushEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := l.flush(ctx); err != nil && ctx.Err() == nil {
			slog.Warn("rate limit counters not shared this round", "err", err)
		}
	}
}

func (l *RateLimiter) flush(ctx context.Context) error {
	l.mu.Lock()
	window, calls := l.window, l.pending
	l.pending = map[string]int{}
	l.mu.Unlock()
	if len(calls) == 0 {
		return nil
	}
	totals, err := l.counter.CountCalls(ctx, window, calls)
	l.mu.Lock()
	defer l.mu.Unlock()
	if !window.Equal(l.window) {
		return err // the window ended meanwhile: those counts are history
	}
	if err != nil {
		for sub, n := range calls { // keep them for the next flush
			l.pending[sub] += n
		}
		return err
	}
	for sub, total := range totals {
		l.known[sub] = total
	}
	return nil
}
