package edifact

import "fmt"

// Code is a syntax error code of the CONTRL message (data element 0085, UN/EDIFACT syntax
// version 3); the answer to a faulty interchange carries it.
type Code string

// The syntax error codes this package reports.
const (
	CodeSyntaxLevel      Code = "2"  // syntax version or level not supported
	CodeInvalidValue     Code = "12" // invalid value
	CodeMissing          Code = "13" // missing
	CodeTooMany          Code = "16" // too many constituents
	CodeUnspecified      Code = "18" // unspecified error
	CodeInvalidDecimal   Code = "19" // invalid decimal notation
	CodeServiceCharacter Code = "20" // character invalid as service character
	CodeInvalidCharacter Code = "21" // invalid character(s)
	CodeServiceTag       Code = "22" // invalid service segment tag
	CodeReferences       Code = "28" // references do not match
	CodeControlCount     Code = "29" // control count does not match number of instances received
	CodeMixed            Code = "30" // functional groups and messages mixed
	CodeLowerLevelEmpty  Code = "32" // lower level empty
	CodeDuplicate        Code = "26" // duplicate detected
	CodeOutside          Code = "33" // invalid occurrence outside message, package or group
	CodeTooLong          Code = "39" // data element too long
)

// Error is a syntax fault of an interchange: the whole interchange is refused with it.
type Error struct {
	Code Code
	// Tag is the segment at fault ("UNB", "UNT", ...), when one is.
	Tag string
	// Segment is the position of that segment in the interchange, counting from 1 (0: none).
	Segment int
	// MessageRef is the message reference number (0062) of the message at fault, when one is.
	MessageRef string
	// Element is the position of the data element at fault within its segment (0: none).
	Element int
	// Text says what is wrong, for a person.
	Text string
}

func (e *Error) Error() string {
	where := ""
	if e.Segment > 0 {
		where = fmt.Sprintf(" (segment %d", e.Segment)
		if e.Tag != "" {
			where += " " + e.Tag
		}
		where += ")"
	}
	return fmt.Sprintf("edifact: syntax error %s%s: %s", e.Code, where, e.Text)
}
