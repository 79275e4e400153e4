// Package edi is Portlight's EDIFACT gateway: it turns the messages of an interchange (read by
// package edi/edifact, which knows only syntax) into the same release commands the API sends, one
// mapper per message type (coreor.go, and terminal_events.go for COARRI and CODECO), following the SMDG message
// implementation guides as docs/edifact.md sets out segment by segment. A mapper holds no rule of
// the platform: whatever the command may or may not do is the core's to decide.
package edi

import (
	"fmt"
	"slices"
	"strings"

	"github.com/portlight/portlight/edi/edifact"
	"github.com/portlight/portlight/release"
)

// Directories are the UN/EDIFACT directories whose messages the mappers read.
var Directories = []string{"D95B", "D04A"}

// Command is one command a message asks for: what the API would send for the same container.
type Command struct {
	EquipmentNumber string
	Command         release.Command
}

// Mapped is what a message comes to: its commands, in order, or none with the reason it is
// acknowledged and left alone (a gate-in or a loading report).
type Mapped struct {
	Commands []Command
	Ignored  string
}

// Refusal is a message that cannot be turned into commands: the APERAK of that message says why,
// and the others of the interchange go on.
type Refusal struct {
	// Segment is the position of the faulty segment in the interchange (0: the message as a whole).
	Segment int
	Text    string
}

func (r *Refusal) Error() string { return r.Text }

func refuse(s *edifact.Segment, format string, args ...any) *Refusal {
	r := &Refusal{Text: fmt.Sprintf(format, args...)}
	if s != nil {
		r.Segment = s.Position
	}
	return r
}

// mapper turns one message into commands; port is the portLoCode of the gateway's route.
type mapper func(m *edifact.Message, port string) (Mapped, error)

// mappers are the message types the gateway takes.
var mappers = map[string]mapper{
	"COREOR": mapCOREOR,
	"COARRI": mapTerminalReport,
	"CODECO": mapTerminalReport,
}

// MessageTypes lists the message types the gateway takes, sorted.
func MessageTypes() []string {
	types := make([]string, 0, len(mappers))
	for t := range mappers {
		types = append(types, t)
	}
	slices.Sort(types)
	return types
}

// Map turns message m of an interchange sent to port into its commands. A message of a type or
// directory the gateway does not take, or one that lacks what its commands need, is a *Refusal.
func Map(m *edifact.Message, port string) (Mapped, error) {
	if m.Type == "CUSCAR" {
		return Mapped{}, refuse(nil, "CUSCAR (customs cargo report) is not taken yet: a COREOR carries the container and its bills of lading (EQD, RFF+BM)")
	}
	mapFn, ok := mappers[m.Type]
	if !ok {
		return Mapped{}, refuse(nil, "message type %s is not taken (only %s)", m.Type, strings.Join(MessageTypes(), ", "))
	}
	if !slices.Contains(Directories, m.Directory()) || m.Agency != "UN" {
		return Mapped{}, refuse(nil, "%s of directory %s:%s is not taken (only %s, agency UN)", m.Type, m.Directory(), m.Agency, strings.Join(Directories, ", "))
	}
	return mapFn(m, port)
}
