package sqlite

import (
	"slices"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
)

// TestOverlay: a container read from the database inside a group is brought up to date with the
// rights the group changed before: newer versions replace the stored ones, rights created in the
// group are added when they are within the live window, rights that moved away leave.
func TestOverlay(t *testing.T) {
	now := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	right := func(id, eq string, created time.Time, voyage string) *release.Right {
		return &release.Right{ReleaseID: id, PortLoCode: "BEANR", Key: release.Key{EquipmentNumber: eq},
			CreatedAt: created, Details: release.Details{VoyageNumber: voyage}}
	}
	var o overlay
	o.reset()
	o.put(right("a", "EQ1", now, "2"))                       // a newer version of a stored right
	o.put(right("b", "EQ1", now, "1"))                       // created in the group
	o.put(right("b", "EQ1", now, "2"))                       // and changed again
	o.put(right("c", "EQ1", now.Add(-100*24*time.Hour), "")) // too old for the window
	o.put(right("d", "EQ2", now, "1"))                       // another container
	o.put(right("e", "EQ2", now, "1"))                       // moved from EQ1 (stored there) to EQ2

	c := &release.Container{PortLoCode: "BEANR", EquipmentNumber: "EQ1", Rights: []*release.Right{
		right("a", "EQ1", now, "1"), right("e", "EQ1", now, "0"), right("f", "EQ1", now, "1"),
	}}
	o.apply(c, nanos(now.Add(-release.LiveWindow)))
	var got []string
	for _, r := range c.Rights {
		got = append(got, r.ReleaseID+r.Details.VoyageNumber)
	}
	if want := []string{"a2", "f1", "b2"}; !slices.Equal(got, want) {
		t.Errorf("container through the overlay: %v, want %v", got, want)
	}

	o.reset()
	c = &release.Container{PortLoCode: "BEANR", EquipmentNumber: "EQ1", Rights: []*release.Right{right("a", "EQ1", now, "1")}}
	o.apply(c, 0)
	if len(c.Rights) != 1 || c.Rights[0].Details.VoyageNumber != "1" {
		t.Errorf("a reset overlay changed the container")
	}
}

// TestOverlayFacts: the facts a group set for a container replace the stored ones (the last set
// wins, empty facts too), for that container only, and only until the overlay is reset.
func TestOverlayFacts(t *testing.T) {
	fact := func(status string) *release.Facts {
		return &release.Facts{Customs: &release.CustomsFact{Status: status}}
	}
	stored := func(eq string) *release.Container {
		return &release.Container{PortLoCode: "BEANR", EquipmentNumber: eq, Facts: *fact("STORED")}
	}
	var o overlay
	o.reset()
	o.putFacts(containerKey{"BEANR", "EQ1"}, fact("FIRST"))
	o.putFacts(containerKey{"BEANR", "EQ1"}, fact("SECOND"))
	o.putFacts(containerKey{"BEANR", "EQ2"}, &release.Facts{})
	for _, tc := range []struct{ eq, want string }{{"EQ1", "SECOND"}, {"EQ2", ""}, {"EQ3", "STORED"}} {
		c := stored(tc.eq)
		o.apply(c, 0)
		got := ""
		if c.Facts.Customs != nil {
			got = c.Facts.Customs.Status
		}
		if got != tc.want {
			t.Errorf("%s through the overlay: customs %q, want %q", tc.eq, got, tc.want)
		}
	}
	o.reset()
	c := stored("EQ1")
	if o.apply(c, 0); c.Facts.Customs.Status != "STORED" {
		t.Errorf("a reset overlay changed the facts")
	}
}
