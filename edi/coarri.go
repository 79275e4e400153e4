package edi

import (
	"github.com/portlight/portlight/edi/edifact"
	"github.com/portlight/portlight/release"
)

// COARRI document names (BGM 1001) in the SMDG guide.
const (
	coarriDischarge = "98"  // discharge report
	coarriLoad      = "270" // loading report
)

// mapCOARRI turns a discharge report into a Discharge of each container, dated by its execution
// date (DTM+203). A loading report is acknowledged and left alone: import containers are not loaded.
func mapCOARRI(m *edifact.Message, port string) (Mapped, error) {
	name, err := documentName(m)
	if err != nil {
		return Mapped{}, err
	}
	switch name {
	case coarriDischarge:
		return terminalEvents(m, port, release.TerminalDischarge, "203")
	case coarriLoad:
		return Mapped{Ignored: "a loading report: Portlight follows import containers, it takes discharge reports only"}, nil
	}
	return Mapped{}, refuse(find(m.Segments, "BGM"), "COARRI document name %q is not taken (98 discharge report, 270 loading report)", name)
}
