// Package edifact reads and writes UN/EDIFACT interchanges (ISO 9735, syntax versions 1 to 4) at
// the level of syntax only: the service string advice (UNA), the release character, segments,
// data elements and their components, the interchange, group and message envelopes (UNB/UNZ,
// UNG/UNE, UNH/UNT) and their control counts, and the syntax levels UNOA, UNOB and UNOC. It knows
// no message type: what a COREOR or a CODECO means is for the mappers of package edi. A syntax fault
// is an *Error carrying the CONTRL error code (data element 0085) that the answer reports.
package edifact

// Delimiters are the service characters of an interchange: the defaults of ISO 9735, or those its
// UNA service string advice declares.
type Delimiters struct {
	Component  byte // component data element separator, ':' by default
	Element    byte // data element separator, '+'
	Decimal    byte // decimal mark, '.'
	Release    byte // release character, '?' (0: none)
	Repetition byte // repetition separator of syntax version 4; ' ' (reserved) in versions 1 to 3
	Segment    byte // segment terminator, '\''
}

// DefaultDelimiters are the service characters of an interchange without UNA.
var DefaultDelimiters = Delimiters{Component: ':', Element: '+', Decimal: '.', Release: '?', Repetition: ' ', Segment: '\''}

// unaLength is the length of the service string advice: "UNA" and its six characters.
const unaLength = 9

// parseUNA reads the service string advice at the start of data, if there is one, and returns the
// delimiters in force and how many bytes the advice took.
func parseUNA(data []byte) (Delimiters, int, error) {
	if len(data) < 3 || string(data[:3]) != "UNA" {
		return DefaultDelimiters, 0, nil
	}
	if len(data) < unaLength {
		return Delimiters{}, 0, &Error{Code: CodeMissing, Tag: "UNA", Text: "the service string advice UNA is cut short: it has six characters"}
	}
	d := Delimiters{Component: data[3], Element: data[4], Decimal: data[5], Release: data[6], Repetition: data[7], Segment: data[8]}
	if d.Release == ' ' {
		d.Release = 0 // a space in the release character's place says there is none
	}
	if d.Decimal != '.' && d.Decimal != ',' {
		return Delimiters{}, 0, &Error{Code: CodeInvalidDecimal, Tag: "UNA", Text: "the decimal mark of UNA is neither '.' nor ','"}
	}
	seen := map[byte]bool{}
	for _, c := range []byte{d.Component, d.Element, d.Release, d.Repetition, d.Segment} {
		if c == 0 || (c == ' ' && c == d.Repetition) {
			continue
		}
		if seen[c] || isAlphanumeric(c) || c < ' ' && c != '\n' && c != '\r' || c >= 0x7f {
			return Delimiters{}, 0, &Error{Code: CodeServiceCharacter, Tag: "UNA", Text: "UNA declares a service character twice, or a letter, digit or control character as one"}
		}
		seen[c] = true
	}
	return d, unaLength, nil
}

func isAlphanumeric(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}
