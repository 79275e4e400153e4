package edifact

import (
	"bytes"
	"fmt"
	"strconv"
)

// Party is an interchange sender or recipient (S002/S003): its identification and its code
// qualifier (ZZZ mutually defined, 5 DUNS, 14 EAN, ...).
type Party struct {
	ID        string
	Qualifier string
}

// Interchange is a whole interchange as received: its header and its messages, in order.
type Interchange struct {
	Delimiters    Delimiters
	SyntaxLevel   string // UNOA, UNOB or UNOC
	SyntaxVersion string // "1" to "4"
	Sender        Party
	Recipient     Party
	Prepared      string // date:time of preparation (S004), as sent
	ControlRef    string // interchange control reference (0020)
	Test          bool   // test indicator (0035) set
	// Groups are the functional groups (UNG..UNE), when the interchange has them.
	Groups   []Group
	Messages []Message
}

// Group is one functional group.
type Group struct {
	ID  string // the message type the group holds (0038)
	Ref string // group reference number (0048)
}

// Message is one message (UNH..UNT).
type Message struct {
	Ref         string // message reference number (0062)
	Type        string // COREOR, COARRI, CODECO, ...
	Version     string // D
	Release     string // 95B, 04A
	Agency      string // UN
	Association string // SMDG15, ITG14, ...
	GroupRef    string // the reference of its functional group, if any
	// Segments are the segments between UNH and UNT.
	Segments []Segment
	// Position is UNH's place in the interchange.
	Position int
}

// Directory is the message's directory, such as "D95B" or "D04A".
func (m *Message) Directory() string { return m.Version + m.Release }

// Parse reads an interchange and checks its envelopes: UNB first, UNZ last, every message between
// UNH and UNT, groups (UNG..UNE) not mixed with loose messages, and every control count and
// reference. A fault is an *Error; the interchange returned with it holds what UNB said, when UNB
// could be read (the answer's CONTRL is addressed from it).
func Parse(data []byte) (*Interchange, error) {
	d, n, err := parseUNA(data)
	if err != nil {
		return nil, err
	}
	if rest := bytes.TrimLeft(data[n:], "\r\n"); len(rest) > 0 && !bytes.HasPrefix(rest, []byte("UNB")) {
		return nil, &Error{Code: CodeServiceTag, Segment: 1, Text: "this is not an EDIFACT interchange: it starts with UNA or UNB"}
	}
	segs, err := tokenize(data[n:], d)
	ic := &Interchange{Delimiters: d}
	if len(segs) > 0 && segs[0].Tag == "UNB" {
		ic.addresses(&segs[0]) // to answer a fault found further on
	}
	if err != nil {
		return ic, err
	}
	if len(segs) == 0 {
		return nil, &Error{Code: CodeMissing, Tag: "UNB", Text: "the interchange is empty: it starts with UNB"}
	}
	if err := ic.header(&segs[0]); err != nil {
		return ic, err
	}
	if err := decodeValues(segs, ic.SyntaxLevel); err != nil {
		return ic, err
	}
	ic.addresses(&segs[0]) // again, with the values decoded
	return ic, ic.body(segs[1:])
}

// addresses reads the parties and references of UNB, whatever else it holds.
func (ic *Interchange) addresses(unb *Segment) {
	ic.SyntaxLevel, ic.SyntaxVersion = unb.Value(0, 0), unb.Value(0, 1)
	ic.Sender = Party{ID: unb.Value(1, 0), Qualifier: unb.Value(1, 1)}
	ic.Recipient = Party{ID: unb.Value(2, 0), Qualifier: unb.Value(2, 1)}
	ic.Prepared = unb.Value(3, 0) + ":" + unb.Value(3, 1)
	ic.ControlRef = unb.Value(4, 0)
	ic.Test = unb.Value(10, 0) == "1"
}

// header checks UNB.
func (ic *Interchange) header(unb *Segment) error {
	if unb.Tag != "UNB" {
		return &Error{Code: CodeServiceTag, Tag: unb.Tag, Segment: unb.Position, Text: fmt.Sprintf("an interchange starts with UNB, not %s", unb.Tag)}
	}
	missing := func(element int, what string) error {
		return &Error{Code: CodeMissing, Tag: "UNB", Segment: unb.Position, Element: element, Text: "UNB has no " + what}
	}
	ic.addresses(unb)
	switch {
	case ic.SyntaxLevel == "":
		return missing(1, "syntax identifier")
	case ic.SyntaxLevel != LevelA && ic.SyntaxLevel != LevelB && ic.SyntaxLevel != LevelC:
		return &Error{Code: CodeSyntaxLevel, Tag: "UNB", Segment: unb.Position, Element: 1,
			Text: fmt.Sprintf("syntax level %q is not supported (UNOA, UNOB or UNOC)", truncate(ic.SyntaxLevel))}
	case ic.SyntaxVersion < "1" || ic.SyntaxVersion > "4" || len(ic.SyntaxVersion) != 1:
		return &Error{Code: CodeSyntaxLevel, Tag: "UNB", Segment: unb.Position, Element: 1,
			Text: fmt.Sprintf("syntax version %q is not supported (1 to 4)", truncate(ic.SyntaxVersion))}
	}
	switch {
	case ic.Sender.ID == "":
		return missing(2, "interchange sender")
	case ic.Recipient.ID == "":
		return missing(3, "interchange recipient")
	case unb.Value(3, 0) == "" || unb.Value(3, 1) == "":
		return missing(4, "date and time of preparation")
	case ic.ControlRef == "":
		return missing(5, "interchange control reference")
	case len(ic.ControlRef) > 14:
		return &Error{Code: CodeTooLong, Tag: "UNB", Segment: unb.Position, Element: 5, Text: "the interchange control reference is longer than 14 characters"}
	}
	return nil
}

// envelope is where body is while it walks the segments after UNB.
type envelope struct {
	ic      *Interchange
	group   *Group   // the open group, or nil
	inGroup int      // messages of the open group
	msg     *Message // the open message, or nil
	refs    map[string]bool
}

// body walks the segments after UNB.
func (ic *Interchange) body(segs []Segment) error {
	e := &envelope{ic: ic, refs: map[string]bool{}}
	for i := range segs {
		s := &segs[i]
		if e.msg != nil && s.Tag != "UNT" && s.Tag != "UNH" && s.Tag != "UNZ" && s.Tag != "UNE" && s.Tag != "UNG" && s.Tag != "UNB" {
			e.msg.Segments = append(e.msg.Segments, *s)
			continue
		}
		var err error
		switch s.Tag {
		case "UNG":
			err = e.openGroup(s)
		case "UNE":
			err = e.closeGroup(s)
		case "UNH":
			err = e.openMessage(s)
		case "UNT":
			err = e.closeMessage(s)
		case "UNZ":
			if err = e.close(s); err == nil && i != len(segs)-1 {
				err = &Error{Code: CodeOutside, Tag: segs[i+1].Tag, Segment: segs[i+1].Position, Text: "a segment follows UNZ"}
			}
		default:
			err = &Error{Code: CodeOutside, Tag: s.Tag, Segment: s.Position, Text: fmt.Sprintf("%s stands outside a message", s.Tag)}
		}
		if err != nil {
			return err
		}
	}
	last := Segment{}
	if len(segs) > 0 {
		last = segs[len(segs)-1]
	}
	if last.Tag != "UNZ" {
		return &Error{Code: CodeMissing, Tag: "UNZ", Segment: last.Position + 1, Text: "the interchange has no UNZ: it was cut short"}
	}
	return nil
}

func (e *envelope) openGroup(s *Segment) error {
	switch {
	case e.msg != nil:
		return e.unclosed(s)
	case e.group != nil:
		return &Error{Code: CodeMissing, Tag: "UNE", Segment: s.Position, Text: fmt.Sprintf("group %s has no UNE before the next UNG", e.group.Ref)}
	case len(e.ic.Messages) > 0 && len(e.ic.Groups) == 0:
		return &Error{Code: CodeMixed, Tag: "UNG", Segment: s.Position, Text: "functional groups and messages outside groups are mixed"}
	case s.Value(4, 0) == "":
		return &Error{Code: CodeMissing, Tag: "UNG", Segment: s.Position, Element: 5, Text: "UNG has no group reference number"}
	}
	e.ic.Groups = append(e.ic.Groups, Group{ID: s.Value(0, 0), Ref: s.Value(4, 0)})
	e.group, e.inGroup = &e.ic.Groups[len(e.ic.Groups)-1], 0
	return nil
}

func (e *envelope) closeGroup(s *Segment) error {
	switch {
	case e.msg != nil:
		return e.unclosed(s)
	case e.group == nil:
		return &Error{Code: CodeOutside, Tag: "UNE", Segment: s.Position, Text: "UNE without UNG"}
	case e.inGroup == 0:
		return &Error{Code: CodeLowerLevelEmpty, Tag: "UNE", Segment: s.Position, Text: fmt.Sprintf("group %s holds no message", e.group.Ref)}
	}
	if err := checkCount(s, "UNE", e.inGroup, "messages in group "+e.group.Ref); err != nil {
		return err
	}
	if err := checkRef(s, "UNE", 1, e.group.Ref, "UNG"); err != nil {
		return err
	}
	e.group = nil
	return nil
}

func (e *envelope) openMessage(s *Segment) error {
	switch {
	case e.msg != nil:
		return e.unclosed(s)
	case e.group == nil && len(e.ic.Groups) > 0:
		return &Error{Code: CodeMixed, Tag: "UNH", Segment: s.Position, Text: "functional groups and messages outside groups are mixed"}
	}
	m := Message{Ref: s.Value(0, 0), Type: s.Value(1, 0), Version: s.Value(1, 1), Release: s.Value(1, 2),
		Agency: s.Value(1, 3), Association: s.Value(1, 4), Position: s.Position}
	switch {
	case m.Ref == "":
		return &Error{Code: CodeMissing, Tag: "UNH", Segment: s.Position, Element: 1, Text: "UNH has no message reference number"}
	case len(m.Ref) > 14:
		return &Error{Code: CodeTooLong, Tag: "UNH", Segment: s.Position, Element: 1, MessageRef: truncate(m.Ref), Text: "the message reference number is longer than 14 characters"}
	case m.Type == "" || m.Version == "" || m.Release == "" || m.Agency == "":
		return &Error{Code: CodeMissing, Tag: "UNH", Segment: s.Position, Element: 2, MessageRef: m.Ref,
			Text: "UNH does not name the message type, version, release and agency (e.g. COREOR:D:95B:UN)"}
	case e.refs[m.Ref]:
		return &Error{Code: CodeDuplicate, Tag: "UNH", Segment: s.Position, Element: 1, MessageRef: m.Ref,
			Text: fmt.Sprintf("message reference %s is used twice in the interchange", m.Ref)}
	}
	e.refs[m.Ref] = true
	if e.group != nil {
		m.GroupRef = e.group.Ref
		e.inGroup++
	}
	e.ic.Messages = append(e.ic.Messages, m)
	e.msg = &e.ic.Messages[len(e.ic.Messages)-1]
	return nil
}

func (e *envelope) closeMessage(s *Segment) error {
	if e.msg == nil {
		return &Error{Code: CodeOutside, Tag: "UNT", Segment: s.Position, Text: "UNT without UNH"}
	}
	m := e.msg
	if err := checkCount(s, "UNT", len(m.Segments)+2, "segments of message "+m.Ref+" (UNH and UNT included)"); err != nil {
		err.(*Error).MessageRef = m.Ref
		return err
	}
	if err := checkRef(s, "UNT", 1, m.Ref, "UNH"); err != nil {
		err.(*Error).MessageRef = m.Ref
		return err
	}
	e.msg = nil
	return nil
}

// close checks UNZ.
func (e *envelope) close(s *Segment) error {
	switch {
	case e.msg != nil:
		return e.unclosed(s)
	case e.group != nil:
		return &Error{Code: CodeMissing, Tag: "UNE", Segment: s.Position, Text: fmt.Sprintf("group %s has no UNE", e.group.Ref)}
	case len(e.ic.Messages) == 0:
		return &Error{Code: CodeLowerLevelEmpty, Tag: "UNZ", Segment: s.Position, Text: "the interchange holds no message"}
	}
	count, what := len(e.ic.Messages), "messages"
	if len(e.ic.Groups) > 0 {
		count, what = len(e.ic.Groups), "functional groups"
	}
	if err := checkCount(s, "UNZ", count, what); err != nil {
		return err
	}
	return checkRef(s, "UNZ", 1, e.ic.ControlRef, "UNB")
}

// unclosed is the fault of a message that a service segment other than UNT ends.
func (e *envelope) unclosed(s *Segment) error {
	return &Error{Code: CodeMissing, Tag: "UNT", Segment: s.Position, MessageRef: e.msg.Ref,
		Text: fmt.Sprintf("message %s has no UNT before %s", e.msg.Ref, s.Tag)}
}

// checkCount compares the control count in the first data element of s with what was received.
func checkCount(s *Segment, tag string, received int, what string) error {
	v := s.Value(0, 0)
	n, err := strconv.Atoi(v)
	if v == "" || err != nil || n < 0 {
		return &Error{Code: CodeInvalidValue, Tag: tag, Segment: s.Position, Element: 1, Text: fmt.Sprintf("%s's control count %q is not a number", tag, truncate(v))}
	}
	if n != received {
		return &Error{Code: CodeControlCount, Tag: tag, Segment: s.Position, Element: 1,
			Text: fmt.Sprintf("%s counts %d %s, the interchange holds %d", tag, n, what, received)}
	}
	return nil
}

// checkRef compares the reference in data element element (from 0) of s with the opening one's.
func checkRef(s *Segment, tag string, element int, want, opener string) error {
	if got := s.Value(element, 0); got != want {
		return &Error{Code: CodeReferences, Tag: tag, Segment: s.Position, Element: element + 1,
			Text: fmt.Sprintf("%s's reference %q does not match %s's %q", tag, truncate(got), opener, want)}
	}
	return nil
}
