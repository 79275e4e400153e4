package edifact

import "fmt"

// Segment is one segment of an interchange: its tag and its data elements, each a list of
// components, with release characters already taken out.
type Segment struct {
	Tag string
	// Elements are the data elements after the tag: Elements[i][j] is component j of element i.
	Elements [][]string
	// Position is the segment's place in the interchange, counting UNB (not UNA) as 1.
	Position int
}

// Value is component c of data element e (both from 0), or "" when the segment has none there.
func (s *Segment) Value(e, c int) string {
	if e < 0 || e >= len(s.Elements) || c < 0 || c >= len(s.Elements[e]) {
		return ""
	}
	return s.Elements[e][c]
}

// Element is data element e (from 0), or nil.
func (s *Segment) Element(e int) []string {
	if e < 0 || e >= len(s.Elements) {
		return nil
	}
	return s.Elements[e]
}

// The bounds of one segment: nothing in the directories of D95B and D04A comes near them, and a
// sender of junk is answered before it costs much.
const (
	maxElements   = 99
	maxComponents = 99
	maxValueBytes = 512
)

// tokenize splits data (after any UNA) into segments. Line breaks between segments are passed over
// (many senders end each segment with one); anywhere else a control character is refused. With a
// fault it returns the segments read before it too (UNB among them, to address the answer).
func tokenize(data []byte, d Delimiters) ([]Segment, error) {
	var (
		segs  []Segment
		elems [][]string
		comps []string
		buf   = make([]byte, 0, 64)
		start = -1 // offset of the current segment's first byte; -1 between segments
	)
	fail := func(code Code, format string, args ...any) error {
		tag := ""
		if len(elems) > 0 && len(elems[0]) > 0 {
			tag = elems[0][0]
		} else if len(comps) > 0 {
			tag = comps[0]
		}
		return &Error{Code: code, Tag: tag, Segment: len(segs) + 1, Element: max(len(elems), 0), Text: fmt.Sprintf(format, args...)}
	}
	endComponent := func() error {
		if len(buf) > maxValueBytes {
			return fail(CodeTooLong, "a data element value is longer than %d bytes", maxValueBytes)
		}
		if len(comps) == maxComponents {
			return fail(CodeTooMany, "a data element has more than %d components", maxComponents)
		}
		comps = append(comps, string(buf))
		buf = buf[:0]
		return nil
	}
	endElement := func() error {
		if err := endComponent(); err != nil {
			return err
		}
		if len(elems) == maxElements+1 {
			return fail(CodeTooMany, "a segment has more than %d data elements", maxElements)
		}
		elems = append(elems, comps)
		comps = nil
		return nil
	}
	for i := 0; i < len(data); i++ {
		c := data[i]
		if start < 0 {
			if (c == '\n' || c == '\r') && c != d.Segment {
				continue
			}
			start = i
		}
		switch {
		case c == d.Release && d.Release != 0:
			i++
			if i == len(data) {
				return segs, fail(CodeMissing, "the interchange ends after a release character")
			}
			buf = append(buf, data[i])
		case c == d.Component:
			if err := endComponent(); err != nil {
				return segs, err
			}
		case c == d.Element:
			if err := endElement(); err != nil {
				return segs, err
			}
		case c == d.Segment:
			if err := endElement(); err != nil {
				return segs, err
			}
			seg, err := newSegment(elems, len(segs)+1)
			if err != nil {
				return segs, err
			}
			segs = append(segs, seg)
			elems, start = nil, -1
		case c < ' ' || c == 0x7f:
			return segs, fail(CodeInvalidCharacter, "control character 0x%02X in a segment", c)
		default:
			buf = append(buf, c)
		}
	}
	if start >= 0 {
		return segs, fail(CodeMissing, "the interchange ends in the middle of a segment (no segment terminator %q)", d.Segment)
	}
	return segs, nil
}

// newSegment makes a segment of its data elements, the first of which holds the tag.
func newSegment(elems [][]string, position int) (Segment, error) {
	tag := elems[0][0]
	if !validTag(tag) {
		return Segment{}, &Error{Code: CodeInvalidValue, Segment: position, Text: fmt.Sprintf("%q is not a segment tag (three letters or digits)", truncate(tag))}
	}
	return Segment{Tag: tag, Elements: elems[1:], Position: position}, nil
}

func validTag(tag string) bool {
	if len(tag) != 3 {
		return false
	}
	for i := range 3 {
		if c := tag[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// truncate shortens what a faulty interchange holds before an error message repeats it.
func truncate(s string) string {
	if len(s) > 20 {
		return s[:20] + "..."
	}
	return s
}
