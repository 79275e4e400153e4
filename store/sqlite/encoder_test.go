package sqlite

import (
	"slices"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
)

// TestEncodedRightsSplit: a right changed in a transaction is only updated (statuses) when it was
// read as stored and keeps every indexed column, whatever the versions between; a new right, one
// not read as stored, and one whose owner, pending party or deletion changed are upserted whole.
func TestEncodedRightsSplit(t *testing.T) {
	now := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	right := func(id string) *release.Right {
		return &release.Right{ReleaseID: id, PortLoCode: "BEANR", Key: release.Key{EquipmentNumber: "MSCU1234565"},
			Owner: release.Party{NxtEntityID: "NXT1"}, CreatedAt: now, UpdatedAt: now}
	}
	changed := func(r *release.Right, change func(*release.Right)) *release.Right {
		c := *r
		c.UpdatedAt = c.UpdatedAt.Add(time.Minute)
		c.Status = release.StatusAccepted
		if change != nil {
			change(&c)
		}
		return &c
	}
	lights, owner, pending, deleted := right("lights"), right("owner"), right("pending"), right("deleted")
	twice := right("twice")
	stored := &release.Container{PortLoCode: "BEANR", EquipmentNumber: "MSCU1234565",
		Rights: []*release.Right{lights, owner, pending, deleted, twice}}

	var r encoded
	r.reset()
	for _, ch := range []*release.Right{
		changed(lights, func(c *release.Right) { c.Lights.TerminalOperation = "Discharged" }),
		changed(owner, func(c *release.Right) { c.Owner.NxtEntityID = "NXT2" }),
		changed(pending, func(c *release.Right) { c.PendingTo = &release.Party{NxtEntityID: "NXT2"} }),
		changed(deleted, func(c *release.Right) { c.DeletedAt = &now }),
		changed(twice, func(c *release.Right) { c.Owner.NxtEntityID = "NXT2" }),
		right("new"),
	} {
		if err := r.addRight(ch, stored); err != nil {
			t.Fatal(err)
		}
	}
	// A later op of the transaction gives "twice" its stored owner back: only its status changed.
	var afterFirst release.Container = *stored
	afterFirst.Rights = []*release.Right{r.changed[r.rightIndex["twice"]].right}
	if err := r.addRight(changed(twice, nil), &afterFirst); err != nil {
		t.Fatal(err)
	}
	r.finish()

	ids := func(rows []any, cols int) []string {
		var out []string
		for i := 0; i < len(rows); i += cols {
			out = append(out, rows[i].(string))
		}
		slices.Sort(out)
		return out
	}
	if got, want := ids(r.statuses, statusCols), []string{"lights", "twice"}; !slices.Equal(got, want) {
		t.Errorf("rights only updated: %v, want %v", got, want)
	}
	if got, want := ids(r.rights, rightCols), []string{"deleted", "new", "owner", "pending"}; !slices.Equal(got, want) {
		t.Errorf("rights upserted whole: %v, want %v", got, want)
	}
	if got := r.statuses[1]; got != int64(release.StatusAccepted) {
		t.Errorf("status of an updated right: %v", got)
	}
}
