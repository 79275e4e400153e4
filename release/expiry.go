package release

// Expire is the platform's own command, run by a scheduler for containers with rights due: every
// right of the container past its expiry (60 days after creation, or expirationDateTimeUtc) gets
// status Expired and CommercialRelease EXPIRED, and its stakeholders are told. Nobody sends it,
// so there is no sender to answer.
type Expire struct{}

// Action implements Command.
func (Expire) Action() string { return "Expire" }

func (Expire) decide(c *Container, n *notifier) []*Right {
	var changed []*Right
	for _, cur := range c.Rights {
		if cur.Deleted() || cur.PickedUp() || cur.Status == StatusExpired || n.m.Now.Before(cur.ExpiresAt()) {
			continue
		}
		r := cur.Clone()
		old := r.Lights.CommercialRelease
		r.Status = StatusExpired
		r.UpdatedAt = n.m.Now
		r.Lights.CommercialRelease = ValueExpired
		var pending string
		if r.PendingTo != nil {
			pending = r.PendingTo.NxtEntityID
		}
		n.lightChanged(r, LightCommercialRelease, &old, r.Originator.NxtEntityID, pending)
		changed = append(changed, r)
	}
	return changed
}
