package edifact

import (
	"fmt"
	"unicode/utf8"
)

// Syntax levels (the character repertoire of data element 0001 in UNB) this package reads.
const (
	LevelA = "UNOA" // ISO 646 upper case letters, digits and a few signs
	LevelB = "UNOB" // ISO 646 (printable ASCII)
	LevelC = "UNOC" // ISO 8859-1 (Latin-1)
)

// levelA is UNOA's repertoire apart from letters and digits.
const levelASigns = " .,-()/='+:?!\"%&*;<>"

// checkLevel reports whether b may stand in a value of syntax level level. Lower case letters are
// taken under UNOA too: most senders that declare UNOA use them, and nothing is ambiguous about them.
func checkLevel(level string, b byte) bool {
	switch level {
	case LevelA:
		return isAlphanumeric(b) || b < 0x80 && containsByte(levelASigns, b)
	case LevelB:
		return b >= 0x20 && b < 0x7f
	case LevelC:
		return b >= 0x20 && b < 0x7f || b >= 0xa0
	}
	return false
}

func containsByte(s string, b byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return true
		}
	}
	return false
}

// decodeValues checks every value of segs against the repertoire of level and turns it into
// UTF-8: ISO 8859-1 maps each byte to the code point of the same number.
func decodeValues(segs []Segment, level string) error {
	for si := range segs {
		s := &segs[si]
		for ei, el := range s.Elements {
			for ci, v := range el {
				high := false
				for i := 0; i < len(v); i++ {
					if !checkLevel(level, v[i]) {
						return &Error{Code: CodeInvalidCharacter, Tag: s.Tag, Segment: s.Position, Element: ei + 1,
							Text: fmt.Sprintf("byte 0x%02X is not a character of syntax level %s", v[i], level)}
					}
					high = high || v[i] >= 0x80
				}
				if high {
					el[ci] = latin1(v)
				}
			}
		}
	}
	return nil
}

// latin1 is s, read as ISO 8859-1, in UTF-8.
func latin1(s string) string {
	out := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); i++ {
		out = utf8.AppendRune(out, rune(s[i]))
	}
	return string(out)
}
