package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// ExpireOp is the op the expiry scheduler applies to a container DueForExpiry returned: the core's
// Expire, decided at m.Now.
func ExpireOp(c store.ContainerRef, m release.Meta) store.Op {
	return store.Op{
		PortLoCode: c.PortLoCode, EquipmentNumber: c.EquipmentNumber,
		Decide: func(c *release.Container) release.Outcome { return release.Decide(c, release.Expire{}, m) },
		Audit: store.Audit{PublicReferenceID: m.PublicReferenceID, Action: release.Expire{}.Action(),
			EquipmentNumber: c.EquipmentNumber, At: m.Now},
	}
}

// releaseExpiring releases a container at created with expirationDateTimeUtc set to expiration
// (none when nil).
func (w *world) releaseExpiring(port, equipment, releaseIdentification string, created time.Time, expiration *time.Time) *release.Right {
	w.t.Helper()
	cmd := ReleaseCommand(port, equipment, releaseIdentification, nil)
	cmd.Details.ExpirationDateTimeUtc = expiration
	out := w.accepted(CommandOp(port, equipment, cmd, w.meta(Agent, created)))
	return out.Changed[0]
}

func (w *world) dueForExpiry(now time.Time, limit int) []store.ContainerRef {
	w.t.Helper()
	due, err := w.s.DueForExpiry(w.ctx, now, limit)
	if err != nil {
		w.t.Fatalf("DueForExpiry(%s, %d): %v", now, limit, err)
	}
	return due
}

func refs(cs ...store.ContainerRef) string {
	s := "["
	for i, c := range cs {
		if i > 0 {
			s += " "
		}
		s += c.PortLoCode + "/" + c.EquipmentNumber
	}
	return s + "]"
}

// testDueForExpiry: DueForExpiry returns each container with a right due (not deleted, neither
// archived nor expired, its expiry 60 days after creation or its earlier expirationDateTimeUtc,
// not after now) once, the one due the longest first, up to limit; rights outside the live window
// are no longer part of their container and do not count. Once the scheduler's Expire op is applied,
// the container is no longer due.
func testDueForExpiry(t *testing.T, w *world) {
	ago := func(d time.Duration) time.Time { return base.Add(-d) }
	at := func(t time.Time) *time.Time { return &t }
	ref := func(port string, serial int) store.ContainerRef {
		return store.ContainerRef{PortLoCode: port, EquipmentNumber: EquipmentNumber(serial)}
	}
	eq := EquipmentNumber

	// Due: 60 days after creation passed a day ago.
	w.releaseExpiring(Port, eq(50), "R1", ago(61*day), nil)
	// Due: the same equipment number in another port, three days ago; a container of its own.
	w.releaseExpiring(OtherPort, eq(50), "R1", ago(63*day), nil)
	// Not yet due: 60 days pass in a day.
	notYet := w.releaseExpiring(Port, eq(51), "R1", ago(59*day), nil)
	// Due: expirationDateTimeUtc, earlier than 60 days, passed two hours ago.
	w.releaseExpiring(Port, eq(52), "R1", ago(10*day), at(ago(2*time.Hour)))
	// Due: released to expire in ten days, then updated to expire an hour ago.
	w.releaseExpiring(Port, eq(53), "R1", ago(10*day), at(base.Add(10*day)))
	update := ReleaseCommand(Port, eq(53), "R1", nil)
	update.ActionType = release.ActionUpdate
	update.Details.ExpirationDateTimeUtc = at(ago(time.Hour))
	w.accepted(CommandOp(Port, eq(53), update, w.meta(Agent, ago(day))))
	// Not due: deleted before its expiry.
	w.releaseExpiring(Port, eq(54), "R1", ago(70*day), nil)
	del := &release.Ingestion{ActionType: release.ActionDelete, PortLoCode: Port, TerminalCode: Terminal.Code, Terminal: &Terminal, Key: Key(eq(54), "R1"), Reason: "wrong vessel"}
	w.accepted(CommandOp(Port, eq(54), del, w.meta(Agent, ago(65*day))))
	// Not due: picked up (gate-out: Archived) before its expiry.
	w.releaseExpiring(Port, eq(55), "R1", ago(70*day), nil)
	gateOut := &release.TerminalEvent{ActionType: release.TerminalGateOut, PortLoCode: Port, EquipmentNumber: eq(55),
		TerminalCode: Terminal.Code, Terminal: &Terminal}
	w.accepted(CommandOp(Port, eq(55), gateOut, w.meta(Operator, ago(65*day))))
	// Not due: expired already (the scheduler ran 15 days ago).
	w.releaseExpiring(Port, eq(56), "R1", ago(80*day), nil)
	if out := w.accepted(ExpireOp(ref(Port, 56), w.meta(Agent, ago(15*day)))); len(out.Changed) != 1 || out.Changed[0].Status != release.StatusExpired {
		t.Fatalf("Expire of a right due changed %+v", out.Changed)
	}
	// Due once, though two of its rights are due (two days ago, and a day ago); a third is not.
	w.releaseExpiring(Port, eq(57), "R1", ago(62*day), nil)
	w.releaseExpiring(Port, eq(57), "R2", ago(61*day), nil)
	fresh := w.releaseExpiring(Port, eq(57), "R3", ago(day), nil)
	// Not due: created before the live window, it is no longer part of its container (an Expire
	// op would not see it).
	w.releaseExpiring(Port, eq(58), "R1", ago(release.LiveWindow+day), nil)

	want := []store.ContainerRef{ref(OtherPort, 50), ref(Port, 57), ref(Port, 50), ref(Port, 52), ref(Port, 53)}
	if got := w.dueForExpiry(base, 100); !slices.Equal(got, want) {
		t.Fatalf("DueForExpiry(now) = %s, want %s (the one due the longest first)", refs(got...), refs(want...))
	}
	for _, limit := range []int{1, 2, 5} {
		if got := w.dueForExpiry(base, limit); !slices.Equal(got, want[:limit]) {
			t.Errorf("DueForExpiry(now, %d) = %s, want %s", limit, refs(got...), refs(want[:limit]...))
		}
	}
	if got := w.dueForExpiry(ago(90*time.Minute), 100); !slices.Equal(got, want[:4]) {
		t.Errorf("DueForExpiry(90 minutes ago) = %s, want %s", refs(got...), refs(want[:4]...))
	}

	// The scheduler applies Expire to each: none is due any more, and only the rights due expired.
	ops := make([]store.Op, len(want))
	for i, c := range want {
		ops[i] = ExpireOp(c, w.meta(release.Party{}, base))
	}
	for i, out := range w.apply(ops...) {
		if out.Rejected || len(out.Changed) == 0 {
			t.Errorf("Expire of %s: rejected %v, %d rights changed", refs(want[i]), out.Rejected, len(out.Changed))
		}
	}
	if got := w.dueForExpiry(base, 100); len(got) != 0 {
		t.Errorf("after Expire, DueForExpiry(now) = %s, want none", refs(got...))
	}
	for _, r := range w.container(Port, eq(57), base).Rights {
		if wantExpired := r.ReleaseID != fresh.ReleaseID; (r.Status == release.StatusExpired) != wantExpired {
			t.Errorf("after Expire, right %s has status %s", r.Key.ReleaseIdentification, r.Status)
		}
	}

	// A day later (to the millisecond) the next one is due.
	next := notYet.ExpiresAt()
	if got := w.dueForExpiry(next.Add(-time.Millisecond), 100); len(got) != 0 {
		t.Errorf("DueForExpiry a millisecond before the next expiry = %s, want none", refs(got...))
	}
	if got, want := w.dueForExpiry(next, 100), []store.ContainerRef{ref(Port, 51)}; !slices.Equal(got, want) {
		t.Errorf("DueForExpiry at the next expiry = %s, want %s", refs(got...), refs(want...))
	}
}

// testDueForExpiryLimit: with more containers due than the limit, the ones due the longest come
// first, and each round of the scheduler takes the next ones.
func testDueForExpiryLimit(t *testing.T, w *world) {
	const containers, limit = 12, 5
	for i := range containers {
		eq := EquipmentNumber(60 + i)
		// Container i is due (containers - i) minutes before now: the last released, the last due.
		w.releaseExpiring(Port, eq, "R1", base.Add(-release.RightLifetime-time.Duration(containers-i)*time.Minute), nil)
	}
	var order []string
	for round := 0; ; round++ {
		due := w.dueForExpiry(base, limit)
		if len(due) == 0 {
			break
		}
		if round > containers {
			t.Fatalf("DueForExpiry keeps returning %s", refs(due...))
		}
		if len(due) > limit {
			t.Fatalf("DueForExpiry returned %d containers, limit %d", len(due), limit)
		}
		ops := make([]store.Op, len(due))
		for i, c := range due {
			order = append(order, c.EquipmentNumber)
			ops[i] = ExpireOp(c, w.meta(release.Party{}, base))
		}
		w.apply(ops...)
	}
	var want []string
	for i := range containers {
		want = append(want, EquipmentNumber(60+i))
	}
	if !slices.Equal(order, want) {
		t.Errorf("the scheduler expired %v, want %v", order, want)
	}
	if got := fmt.Sprint(w.dueForExpiry(base, 0)); got != "[]" {
		t.Errorf("DueForExpiry with limit 0 = %s, want none", got)
	}
}
