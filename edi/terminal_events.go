package edi

import (
	"fmt"
	"strings"

	"github.com/portlight/portlight/edi/edifact"
	"github.com/portlight/portlight/release"
)

// report is how a terminal's report type maps: the document name (BGM 1001) that becomes a
// terminal event of kind event, dated by the DTM with qualifier date, and the one acknowledged and
// left alone (it concerns no import container).
type report struct {
	document, name, event, date string
	ignore, ignoreName          string
}

// reports are the terminal reports of the SMDG guides the gateway takes (docs/edifact.md).
var reports = map[string]report{
	"COARRI": {document: "98", name: "discharge report", event: release.TerminalDischarge, date: "203", ignore: "270", ignoreName: "loading report"},
	"CODECO": {document: "36", name: "gate-out report", event: release.TerminalGateOut, date: "7", ignore: "34", ignoreName: "gate-in report"},
}

// mapTerminalReport turns a terminal's report (COARRI, CODECO) into one terminal event per
// container, or acknowledges it.
func mapTerminalReport(m *edifact.Message, port string) (Mapped, error) {
	r := reports[m.Type]
	bgm := find(m.Segments, "BGM")
	if bgm == nil {
		return Mapped{}, refuse(nil, "%s has no BGM", m.Type)
	}
	switch bgm.Value(0, 0) {
	case r.document:
		return terminalEvents(m, port, r.event, r.date)
	case r.ignore:
		return Mapped{Ignored: fmt.Sprintf("a %s: Portlight follows import containers, it takes %ss only", r.ignoreName, r.name)}, nil
	}
	return Mapped{}, refuse(bgm, "%s document name %q is not taken (%s %s, %s %s)", m.Type, bgm.Value(0, 0), r.document, r.name, r.ignore, r.ignoreName)
}

// terminalEvents turns the container groups (EQD) of a terminal's report into one terminal event
// each, of kind action, dated by the DTM with qualifier dateQualifier. The terminal code, the
// stay number (RFF+ATZ) and the date may stand in the group or, for all containers, in the
// message's header; the bills of lading (RFF+BM) of a group pick one release of its container.
func terminalEvents(m *edifact.Message, port, action, dateQualifier string) (Mapped, error) {
	head, containers := groups(m.Segments, "EQD")
	if len(containers) == 0 {
		return Mapped{}, refuse(nil, "%s names no container (EQD)", m.Type)
	}
	var out Mapped
	for _, group := range containers {
		number, _, err := equipment(&group[0])
		if err != nil {
			return Mapped{}, err
		}
		term, err := terminal(group, port)
		if err == nil && term == "" {
			term, err = terminal(head, port)
		}
		if err != nil {
			return Mapped{}, err
		}
		if term == "" {
			return Mapped{}, refuse(&group[0], "no terminal code for container %s: a LOC with a related location qualified TER (e.g. LOC+165+%s:139:6+0100:TER:ZZZ) names it", number, port)
		}
		ev := &release.TerminalEvent{
			ActionType: action, PortLoCode: port, EquipmentNumber: number, TerminalCode: term,
			StayNumber:          firstOf(reference(group, "ATZ"), reference(head, "ATZ")),
			BillOfLadingNumbers: references(group, "BM"),
		}
		for _, segs := range [][]edifact.Segment{group, head} {
			t, ok, err := date(segs, dateQualifier, false)
			if err != nil {
				return Mapped{}, err
			}
			if ok {
				ev.EventDateTimeUtc = &t
				break
			}
		}
		out.Commands = append(out.Commands, Command{EquipmentNumber: number, Command: ev})
	}
	return out, nil
}

func firstOf(values ...string) string {
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
