package delivery

import (
	"time"

	"github.com/portlight/portlight/store"
)

// Retry is when a failed delivery is tried again: after First, then twice as long each time up to
// Max, with jitter, for For after the notification was dispatched; then it is a dead letter
// (docs/rules.md "Notification channels": exponential back-off and jitter for 24 hours, then a dead letter).
type Retry struct {
	First time.Duration
	Max   time.Duration
	For   time.Duration
}

// DefaultRetry is the production policy: 1 s, 2 s, 4 s ... up to an hour between attempts, for a day.
var DefaultRetry = Retry{First: time.Second, Max: time.Hour, For: 24 * time.Hour}

// Delay is the pause after the attempts-th failed attempt (1 for the first), before jitter.
func (r Retry) Delay(attempts int) time.Duration {
	d := r.First
	for i := 1; i < attempts && d < r.Max; i++ {
		d *= 2
	}
	return min(d, r.Max)
}

// After decides what follows a failed attempt made at now, the attempts-th of a delivery whose
// retrying ends at expiresAt. jitter, in [0, 1), spreads the retries of many deliveries that
// failed together ("equal jitter": between half the delay and the whole of it), so that a
// receiver coming back is not hit by all of them at the same moment. A delivery whose next
// attempt would fall after expiresAt gets one last attempt at expiresAt; one that fails at or
// after expiresAt is dead.
func (r Retry) After(attempts int, now, expiresAt time.Time, jitter float64) (store.Outcome, time.Time) {
	if !now.Before(expiresAt) {
		return store.OutcomeDead, time.Time{}
	}
	d := r.Delay(attempts)
	next := now.Add(d/2 + time.Duration(jitter*float64(d/2)))
	if next.After(expiresAt) {
		next = expiresAt
	}
	return store.OutcomeRetry, next
}
