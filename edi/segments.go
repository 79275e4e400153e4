package edi

import (
	"strings"

	"github.com/portlight/portlight/edi/edifact"
)

// groups splits a message's segments at each segment tagged tag: the segments before the first
// (the message's header part) and one slice per occurrence, each starting with it. The container
// messages put every container in a group that EQD starts.
func groups(segs []edifact.Segment, tag string) (head []edifact.Segment, each [][]edifact.Segment) {
	for i := range segs {
		if segs[i].Tag != tag {
			if len(each) == 0 {
				head = append(head, segs[i])
			} else {
				each[len(each)-1] = append(each[len(each)-1], segs[i])
			}
			continue
		}
		each = append(each, []edifact.Segment{segs[i]})
	}
	return head, each
}

// find returns the first segment tagged tag whose first component of data element 0 is one of
// qualifiers (any, when none is given), or nil.
func find(segs []edifact.Segment, tag string, qualifiers ...string) *edifact.Segment {
	for i := range segs {
		if segs[i].Tag == tag && (len(qualifiers) == 0 || contains(qualifiers, segs[i].Value(0, 0))) {
			return &segs[i]
		}
	}
	return nil
}

// references returns the values of every RFF with qualifier q (C506: qualifier, number), trimmed,
// without blanks or repeats.
func references(segs []edifact.Segment, q string) []string {
	var out []string
	for i := range segs {
		if segs[i].Tag == "RFF" && segs[i].Value(0, 0) == q {
			if v := strings.TrimSpace(segs[i].Value(0, 1)); v != "" && !contains(out, v) {
				out = append(out, v)
			}
		}
	}
	return out
}

// reference is the first of references(segs, q), or "".
func reference(segs []edifact.Segment, q string) string {
	if r := references(segs, q); len(r) > 0 {
		return r[0]
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// equipment reads EQD of a container group: the equipment qualifier (CN, container), its number
// and its ISO size-type code.
func equipment(eqd *edifact.Segment) (number, sizeType string, err error) {
	if q := eqd.Value(0, 0); q != "CN" {
		return "", "", refuse(eqd, "EQD qualifies equipment %q: only containers (CN) are taken", q)
	}
	number = strings.TrimSpace(eqd.Value(1, 0)) // the core normalises the case, as it does for the API
	if number == "" {
		return "", "", refuse(eqd, "EQD names no container number")
	}
	return number, strings.TrimSpace(eqd.Value(2, 0)), nil
}

// terminal reads the terminal code from the first LOC of segs that names one: its related location
// (C519) qualified TER, such as LOC+165+BEANR:139:6+0100:TER:ZZZ. It checks that the location's
// UN/LOCODE, when given, is the route's port.
func terminal(segs []edifact.Segment, port string) (string, error) {
	for i := range segs {
		s := &segs[i]
		if s.Tag != "LOC" || s.Value(2, 1) != "TER" {
			continue
		}
		if loc := strings.ToUpper(strings.TrimSpace(s.Value(1, 0))); loc != "" && loc != port {
			return "", refuse(s, "LOC names port %s, the interchange was sent to %s", loc, port)
		}
		if code := strings.TrimSpace(s.Value(2, 0)); code != "" {
			return code, nil
		}
	}
	return "", nil
}
