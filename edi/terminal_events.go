package edi

import (
	"strings"

	"github.com/portlight/portlight/edi/edifact"
	"github.com/portlight/portlight/release"
)

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

// documentName is the message's document name code (BGM 1001), which tells a discharge report
// from a loading report and a gate-out report from a gate-in report.
func documentName(m *edifact.Message) (string, error) {
	bgm := find(m.Segments, "BGM")
	if bgm == nil {
		return "", refuse(nil, "%s has no BGM", m.Type)
	}
	return bgm.Value(0, 0), nil
}
