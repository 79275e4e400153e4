package delivery

import (
	"time"
)

// waitIdle waits until the dispatcher has nothing left to send: no notification waits to become
// deliveries and no delivery waits for an attempt or for its outcome to be recorded (the outbox
// stats, which /metrics reports). Only then may a test conclude that nothing more will arrive; a
// fixed sleep passes falsely exactly when the dispatcher is slower than the sleep.
func (f *fixture) waitIdle(within time.Duration) {
	f.t.Helper()
	deadline := time.Now().Add(within)
	for {
		st, err := f.st.OutboxStats(f.ctx)
		if err == nil && st.Undispatched == 0 && st.Pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("the dispatcher is not idle after %s: %+v (%v)", within, st, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
