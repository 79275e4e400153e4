package delivery

import (
	"testing"
	"time"

	"github.com/portlight/portlight/store"
)

func TestRetryDelayDoublesUpToMax(t *testing.T) {
	r := DefaultRetry
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}
	for i, w := range want {
		if got := r.Delay(i + 1); got != w {
			t.Errorf("Delay(%d) = %s, want %s", i+1, got, w)
		}
	}
	if got := r.Delay(13); got != time.Hour {
		t.Errorf("Delay(13) = %s, want the maximum of an hour", got)
	}
	if got := r.Delay(10_000); got != time.Hour {
		t.Errorf("Delay(10000) = %s", got)
	}
}

func TestRetryAfterJitterAndDeadline(t *testing.T) {
	r := DefaultRetry
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	expires := now.Add(24 * time.Hour)
	for _, tc := range []struct {
		attempts int
		jitter   float64
		want     time.Duration
	}{
		{1, 0, 500 * time.Millisecond}, {1, 0.998, 999 * time.Millisecond}, {3, 0.5, 3 * time.Second},
		{20, 0, 30 * time.Minute},
	} {
		o, next := r.After(tc.attempts, now, expires, tc.jitter)
		if o != store.OutcomeRetry || next.Sub(now).Round(time.Microsecond) != tc.want {
			t.Errorf("After(%d, jitter %v) = %v at +%s, want retry at +%s", tc.attempts, tc.jitter, o, next.Sub(now), tc.want)
		}
	}
	// Jitter spreads the retries of many failures between half the delay and all of it.
	for j := 0.0; j < 1; j += 0.01 {
		_, next := r.After(5, now, expires, j)
		if d := next.Sub(now); d < 8*time.Second || d >= 16*time.Second {
			t.Fatalf("jitter %v: retry after %s, outside [8s, 16s)", j, d)
		}
	}
	// The last retry is at the deadline, not after it; a failure at the deadline is dead.
	if o, next := r.After(30, expires.Add(-10*time.Minute), expires, 0.9); o != store.OutcomeRetry || !next.Equal(expires) {
		t.Errorf("near the deadline: %v at %s, want a last retry at %s", o, next, expires)
	}
	if o, _ := r.After(31, expires, expires, 0); o != store.OutcomeDead {
		t.Errorf("at the deadline: %v, want dead", o)
	}
}
