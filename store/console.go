package store

import (
	"strings"

	"github.com/portlight/portlight/release"
)

// StakeholderQuery selects, in one port, the releases (not deleted) a company has a part in, for
// the console's "My containers": those it owns (and so holds the Pick-up Right of, which only the
// owner ever holds), those pending to it, those it released as Shipping Agent (originator), and
// those at a terminal it operates. The empty and zero fields do not filter.
type StakeholderQuery struct {
	CompanyID  string
	PortLoCode string
	// Search is an equipment number (or its beginning) or a whole bill of lading number.
	Search string
	// Status keeps the releases of one status (release.StatusUnknown: any).
	Status release.RightStatus
	// TerminalCode keeps the releases at one terminal.
	TerminalCode string
	// WaitingForMe keeps the releases a transfer to the company awaits an answer for.
	WaitingForMe bool
	// OldestFirst orders by creation time, oldest first; newest first otherwise.
	OldestFirst bool
	// Offset and Limit cut one page; a Limit of 0 returns every release, a negative one none
	// (the count only).
	Offset, Limit int
	// CountUpTo, when above 0, stops counting there: the total is then min(the selection's size,
	// CountUpTo). Counting a selection costs reading all of it (some 200 ms for 100,000 releases
	// on SQLite), a page does not.
	CountUpTo int
}

// LooksLikeEquipment reports whether a search is an equipment number or its beginning: up to four
// letters, then digits only (ISO 6346: owner code, category, serial number, check digit). A store
// looks such a search up as an equipment number first, and as a bill of lading when none matched.
func LooksLikeEquipment(s string) bool {
	s = strings.ToUpper(strings.TrimSpace(s))
	letters := 0
	for letters < len(s) && letters < 4 && s[letters] >= 'A' && s[letters] <= 'Z' {
		letters++
	}
	if letters == 0 || len(s) > 11 {
		return false
	}
	for _, c := range s[letters:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return letters == 4 || letters == len(s)
}
