package edi

import (
	"github.com/portlight/portlight/edi/edifact"
	"github.com/portlight/portlight/release"
)

// CODECO document names (BGM 1001) in the SMDG guide.
const (
	codecoGateIn  = "34" // gate-in report
	codecoGateOut = "36" // gate-out report
)

// mapCODECO turns a gate-out report into a GateOut of each container, dated by its effective date
// (DTM+7). A gate-in report is acknowledged and left alone: an import container leaves by the gate.
func mapCODECO(m *edifact.Message, port string) (Mapped, error) {
	name, err := documentName(m)
	if err != nil {
		return Mapped{}, err
	}
	switch name {
	case codecoGateOut:
		return terminalEvents(m, port, release.TerminalGateOut, "7")
	case codecoGateIn:
		return Mapped{Ignored: "a gate-in report: Portlight follows import containers, it takes gate-out reports only"}, nil
	}
	return Mapped{}, refuse(find(m.Segments, "BGM"), "CODECO document name %q is not taken (36 gate-out report, 34 gate-in report)", name)
}
