package api

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// RateWindow is the rate-limit window: the seed's "500 calls per minute", counted so that no
// RateWindow of time, wherever it starts, holds more than the limit.
const RateWindow = time.Minute

// RateSlot is the grain of the counters: the calls of each subscription are counted per slot of
// the clock, shared by the nodes, and a call is allowed only while the slots that end within the
// last RateWindow (the current one included) hold fewer than the limit. Those slots reach up to
// one RateSlot further back than the window, so the count is never short of the calls of any
// window; the price is a caller at the limit waiting up to RateWindow+RateSlot for room.
const RateSlot = 5 * time.Second

// CallCounter is where the nodes add up their calls (store.Registry.CountCalls); window is the
// start of the slot the calls fell in.
type CallCounter interface {
	CountCalls(ctx context.Context, window time.Time, calls map[string]int) (map[string]int, error)
}

// RateLimiter is HTTP middleware of the API (serve asks it for every authenticated call): it
// allows each subscription `limit` calls in any RateWindow across every node. Each node counts
// locally per RateSlot and, every FlushEvery, adds its counts to the shared counters and learns
// the totals; a subscription is refused once the known totals plus its unflushed calls of the
// slots the window reaches reach the limit. So the limit holds across nodes to within what the
// nodes let through in one flush interval, and no call waits for the database.
type RateLimiter struct {
	limit      int
	counter    CallCounter
	FlushEvery time.Duration

	mu      sync.Mutex
	pending map[time.Time]map[string]int // calls not yet flushed, by slot
	known   map[time.Time]map[string]int // totals across nodes at the last flush, by slot
}

// NewRateLimiter limits every subscription to limit calls per RateWindow; limit 0 turns it off.
func NewRateLimiter(limit int, counter CallCounter) *RateLimiter {
	return &RateLimiter{limit: limit, counter: counter, FlushEvery: 200 * time.Millisecond,
		pending: map[time.Time]map[string]int{}, known: map[time.Time]map[string]int{}}
}

// Allow counts one call of subscription at now, or refuses it and says when to try again.
func (l *RateLimiter) Allow(subscription string, now time.Time) (bool, time.Duration) {
	if l == nil || l.limit <= 0 {
		return true, 0
	}
	slot := now.Truncate(RateSlot)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.forget(slot.Add(-RateWindow))
	if l.count(subscription, slot.Add(-RateWindow)) >= l.limit {
		return false, l.retryAfter(subscription, slot, now)
	}
	calls := l.pending[slot]
	if calls == nil {
		calls = map[string]int{}
		l.pending[slot] = calls
	}
	calls[subscription]++
	return true, 0
}

// count is what subscription has called in the slots from from on, as far as this node knows.
func (l *RateLimiter) count(subscription string, from time.Time) int {
	n := 0
	for _, counts := range []map[time.Time]map[string]int{l.known, l.pending} {
		for slot, calls := range counts {
			if !slot.Before(from) {
				n += calls[subscription]
			}
		}
	}
	return n
}

// retryAfter is the wait until the first slot boundary at which enough of subscription's calls
// have left the window for one more.
func (l *RateLimiter) retryAfter(subscription string, slot, now time.Time) time.Duration {
	at := slot.Add(RateSlot)
	for at.Sub(slot) <= RateWindow && l.count(subscription, at.Add(-RateWindow)) >= l.limit {
		at = at.Add(RateSlot)
	}
	return at.Sub(now)
}

// forget drops the slots that started before from: no window reaches them any more.
func (l *RateLimiter) forget(from time.Time) {
	for _, counts := range []map[time.Time]map[string]int{l.known, l.pending} {
		for slot := range counts {
			if slot.Before(from) {
				delete(counts, slot)
			}
		}
	}
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

// flush adds the unflushed calls of each slot to the shared counters and keeps the totals they
// answer; calls it could not add are kept for the next flush.
func (l *RateLimiter) flush(ctx context.Context) error {
	l.mu.Lock()
	pending := l.pending
	l.pending = map[time.Time]map[string]int{}
	l.mu.Unlock()
	var firstErr error
	for slot, calls := range pending {
		totals, err := l.counter.CountCalls(ctx, slot, calls)
		l.mu.Lock()
		if err != nil {
			firstErr = err
			keep := l.pending[slot]
			if keep == nil {
				keep = map[string]int{}
				l.pending[slot] = keep
			}
			for sub, n := range calls {
				keep[sub] += n
			}
		} else {
			known := l.known[slot]
			if known == nil {
				known = map[string]int{}
				l.known[slot] = known
			}
			for sub, total := range totals {
				known[sub] = max(known[sub], total)
			}
		}
		l.mu.Unlock()
	}
	return firstErr
}
