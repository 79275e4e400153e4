package storetest

import "testing"

// testLeadership: a job nobody leads is granted, and granted again once released. (Whether a
// second node is refused meanwhile is the business of stores several nodes share: their own tests.)
func testLeadership(t *testing.T, w *world) {
	for round := range 2 {
		release, ok, err := w.s.TryLeadership(w.ctx, "expiry")
		if err != nil || !ok || release == nil {
			t.Fatalf("round %d: TryLeadership of a job nobody leads = %v, %v", round, ok, err)
		}
		release()
		release() // twice is harmless
	}
	if err := w.s.Ping(w.ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}
