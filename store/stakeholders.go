package store

import (
	"slices"

	"github.com/portlight/portlight/release"
)

// The stores keep, beside each right, one row per company entitled to see it (the stakeholders of
// "My containers", StakeholderRights), so that a company's list is one index in list order however
// it came to be a stakeholder: originator, carrier, terminal operator, owner, pending-to, or any
// past holder of the chain. Who those companies are is the core's rule (release.Right.Stakeholders);
// the stores only copy its answer, with the columns the list filters by.

// StakeholderIDs returns the companies whose "My containers" list r: its stakeholders
// (release.Right.Stakeholders), none once it is deleted.
func StakeholderIDs(r *release.Right) []string {
	if r.Deleted() {
		return nil
	}
	return r.Stakeholders()
}

// StakeholdersChanged reports whether the stakeholder rows of right r differ from those of its
// previous version old (nil: r is new, or its previous version is not at hand): other companies,
// or another status, terminal, port or creation time (the columns the list filters and orders by).
// Most writes change a right's lights only and leave its rows alone.
func StakeholdersChanged(old, r *release.Right) bool {
	if old == nil || old.Deleted() != r.Deleted() || old.Status != r.Status || old.Terminal.Code != r.Terminal.Code ||
		old.PortLoCode != r.PortLoCode || !old.CreatedAt.Equal(r.CreatedAt) {
		return true
	}
	return !slices.Equal(StakeholderIDs(old), StakeholderIDs(r))
}
