package release

import "time"

// What a front end may offer on a right. These predicates say whether a command could succeed on
// the right as it stands, by the same conditions its decide checks (rights.go, pickup.go,
// ingestion.go), so that a console can leave out a form that cannot apply; the command itself is
// still decided by Decide, which alone tells why not. offers_test.go holds each one against Decide.

// Closed reports whether the right takes no more chain or pick-up command at now: picked up
// (archived) or expired.
func (r *Right) Closed(now time.Time) bool {
	s := r.EffectiveStatus(now)
	return s == StatusArchived || s == StatusExpired
}

// Transferable reports whether its owner may transfer the right at now (RightAction Transfer):
// not closed, no transfer pending, no Pick-up Right generated, and not given away at release
// while it is still the Shipping Agent's.
func (r *Right) Transferable(now time.Time) bool {
	return !r.Closed(now) && r.PendingTo == nil && r.Pickup == nil && !(r.GivenAtRelease && r.Owner.Same(&r.Originator))
}

// PickupOpen reports whether its owner, a Transport Operator, may assign, update or revoke the
// Pick-up Right at now (PickupAction): not closed and no transfer pending. Which of the three
// applies follows from Pickup (Assign without one, Update and Revoke with one).
func (r *Right) PickupOpen(now time.Time) bool {
	return !r.Closed(now) && r.PendingTo == nil
}

// Updatable reports whether the Shipping Agent may still Update, Block, Unblock or Revoke its
// release at now (Ingestion): not picked up and not expired. Delete alone is left to an expired
// release.
func (r *Right) Updatable(now time.Time) bool {
	return !r.PickedUp() && !r.Expired(now)
}
