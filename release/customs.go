package release

import (
	"slices"
	"time"
)

// Customs sources (where a customs status comes from).
var CustomsSources = []string{"CCRM", "NGPS", "PLDA"}

// CustomsValues are the values the customs feed may set on the Customs light; MANUALOVERWRITE is
// not among them: only a Shipping Agent or a terminal overrules customs (TerminalEvent).
var CustomsValues = []string{
	ValueNotReleased, ValueReleased, ValueSelectedForScan, ValueTranshipment,
	ValuePortEqualisation, ValueFAVV, ValueDocumentaryControl, ValueEmpty,
}

// CustomsProgressValues are the values the feed may set on CustomsProgress.
var CustomsProgressValues = []string{ValuePartiallyCleared, ValueCleared}

// CustomsFact is the latest customs status known for a container, kept even when no release
// exists yet (customs often knows first) and applied to releases created later.
type CustomsFact struct {
	Status   string `json:"status,omitempty"`
	Progress string `json:"progress,omitempty"`
	// BillOfLadingNumbers are the bills the status was given for (none: the whole container); a
	// release created later gets the status only when it has one of them.
	BillOfLadingNumbers []string  `json:"billOfLadingNumbers,omitempty"`
	Source              string    `json:"source,omitempty"`
	At                  time.Time `json:"at"`
}

// Facts are what the platform knows of a container apart from its releases.
type Facts struct {
	Customs *CustomsFact `json:"customs,omitempty"`
}

// CustomsStatus is a status from the customs authority (CCRM feed) for one container: it sets the
// Customs and CustomsProgress lights of every active release of it (of the given bills of lading
// when named), and is remembered for releases still to come.
type CustomsStatus struct {
	PortLoCode          string
	EquipmentNumber     string
	Status              string
	Progress            string
	BillOfLadingNumbers []string
	Source              string
	EventDateTimeUtc    *time.Time
}

// Action implements Command.
func (s *CustomsStatus) Action() string { return "CustomsStatus" }

func (s *CustomsStatus) decide(c *Container, n *notifier) []*Right {
	eq := Key{EquipmentNumber: s.EquipmentNumber}.normalise().EquipmentNumber
	if !MaySend(&n.m.Sender, s.Call()) {
		n.notValidated(TypeReleaseLight, eq, nil, msgOnlyCustoms(eq))
		return nil
	}
	if (s.Status == "" && s.Progress == "") || (s.Status != "" && !slices.Contains(CustomsValues, s.Status)) ||
		(s.Progress != "" && !slices.Contains(CustomsProgressValues, s.Progress)) {
		n.notValidated(TypeReleaseLight, eq, nil, msgInvalidCustomsStatus(s.Status, s.Progress))
		return nil
	}
	if !checkEquipment(eq, n, TypeReleaseLight) {
		return nil
	}
	at := n.m.Now
	if s.EventDateTimeUtc != nil {
		at = *s.EventDateTimeUtc
	}
	fact := CustomsFact{Status: s.Status, Progress: s.Progress, BillOfLadingNumbers: slices.Clone(s.BillOfLadingNumbers), Source: s.Source, At: at}
	if old := c.Facts.Customs; old != nil && slices.Equal(old.BillOfLadingNumbers, fact.BillOfLadingNumbers) {
		// A status without progress (or the reverse) keeps the other half of what was known
		// for the same bills of lading.
		if fact.Status == "" {
			fact.Status = old.Status
		}
		if fact.Progress == "" && fact.Status == old.Status {
			fact.Progress = old.Progress
		}
	}
	n.facts = &Facts{Customs: &fact}

	var changed []*Right
	identical := 0
	for _, cur := range c.Rights {
		if !cur.Active(n.m.Now) || !billsOverlap(cur.Key.BillOfLadingNumbers, s.BillOfLadingNumbers) {
			continue
		}
		r := cur.Clone()
		if !applyCustoms(r, n, s.Status, s.Progress) {
			identical++
			continue
		}
		r.UpdatedAt = n.m.Now
		changed = append(changed, r)
	}
	if len(changed) == 0 && identical > 0 {
		n.facts = nil
		value := s.Status
		light := LightCustoms
		if value == "" {
			value, light = s.Progress, LightCustomsProgress
		}
		n.notValidated(TypeReleaseLight, eq, nil, msgIdenticalLight(light, value))
	}
	return changed
}

// billsOverlap reports whether a release with bills `have` is concerned by a status for bills
// `given` (all of them when none is given).
func billsOverlap(have, given []string) bool {
	if len(given) == 0 {
		return true
	}
	for _, bl := range given {
		if slices.Contains(have, bl) {
			return true
		}
	}
	return false
}

// applyCustoms sets the customs lights of r and tells its stakeholders (and extra); it reports
// whether anything changed. CustomsProgress turns CLEARED by itself when Customs turns green.
func applyCustoms(r *Right, n *notifier, status, progress string, extra ...string) bool {
	changed := false
	if status != "" && r.Lights.Customs != status {
		old := r.Lights.Customs
		r.Lights.Customs = status
		n.lightChanged(r, LightCustoms, &old, extra...)
		changed = true
		before := r.Lights.CustomsProgress
		clearCustomsProgress(r, n, extra...)
		if r.Lights.CustomsProgress != before && progress == ValueCleared {
			progress = ""
		}
	}
	if progress != "" && r.Lights.CustomsProgress != progress {
		old := r.Lights.CustomsProgress
		r.Lights.CustomsProgress = progress
		n.lightChanged(r, LightCustomsProgress, &old, extra...)
		changed = true
	}
	return changed
}

// applyKnownCustoms gives a new release the customs status already known for its container
// (within LiveWindow, and for one of its bills of lading when the status named bills), telling
// its stakeholders as for any light change, and extra: the first Release Party, which is told
// of the creation of the release too.
func applyKnownCustoms(r *Right, f Facts, n *notifier, extra ...string) {
	if f.Customs == nil || n.m.Now.Sub(f.Customs.At) > LiveWindow || !billsOverlap(r.Key.BillOfLadingNumbers, f.Customs.BillOfLadingNumbers) {
		return
	}
	applyCustoms(r, n, f.Customs.Status, f.Customs.Progress, extra...)
}

// EffectiveProgress is the CustomsProgress that goes with a customs status: CLEARED whenever the
// Customs light is green, whatever the feed last said of the progress.
func EffectiveProgress(status, progress string) string {
	if colour, _ := ColourOf(LightCustoms, status); colour == Green {
		return ValueCleared
	}
	if progress == "" {
		return ValueUnknown
	}
	return progress
}
