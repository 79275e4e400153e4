package edi

import (
	"strconv"
	"strings"

	"github.com/portlight/portlight/edi/edifact"
)

// MessageOutcome is what came of one message of an interchange, as its APERAK reports it.
type MessageOutcome struct {
	Ref               string // the message reference number (0062) of the sender's message
	Type              string // COREOR, COARRI, CODECO, ...
	PublicReferenceID string // under which its commands were applied and notified
	// Ignored says why an acknowledged message was left alone (a gate-in report), when it was.
	Ignored string
	// Refused says why the message could not be turned into commands, when it could not.
	Refused string
	// Rejections are the containers whose command the platform refused, with its NotValidated text.
	Rejections []Rejection
	// Notes are what the gateway changed in the message's commands (a release-to party left out).
	Notes []string
}

// Rejection is one command of a message that the platform refused.
type Rejection struct {
	EquipmentNumber string
	Reason          string
}

// Application error codes (ERC 9321) of Portlight's APERAK, mutually defined (docs/edifact.md).
const (
	errorRefused      = "REFUSED"  // the message could not be turned into commands
	errorNotValidated = "NOTVALID" // the platform refused a command of the message
)

// Message functions (BGM 1225) of the APERAK.
const (
	functionNotAccepted = "27"
	functionAccepted    = "29"
)

// acknowledgement is the document name (BGM 1001) of an acknowledgement message.
const acknowledgement = "312"

// ftxPart and ftxParts bound the free text of one FTX: five components (C108) of 70 characters.
const (
	ftxPart  = 70
	ftxParts = 5
)

// Aperak writes the APERAK interchange (D:95B:UN, one message per outcome) that answers the
// interchange ic with what came of each of its messages: accepted (BGM function 29), or not
// accepted (27) with an ERC and FTX+AAO pair for the refusal or for each refused container.
func Aperak(ic *edifact.Interchange, outcomes []MessageOutcome, r edifact.Reply) []byte {
	w := edifact.NewWriter()
	at := r.At.UTC()
	w.Write(edifact.Seg("UNB", edifact.E(edifact.LevelC, "3"), edifact.E(r.From.ID, r.From.Qualifier),
		edifact.E(ic.Sender.ID, ic.Sender.Qualifier), edifact.E(at.Format("060102"), at.Format("1504")), edifact.E(r.ControlRef)))
	for i, o := range outcomes {
		ref := strconv.Itoa(i + 1)
		function := functionAccepted
		if o.Refused != "" || len(o.Rejections) > 0 {
			function = functionNotAccepted
		}
		w.Write(edifact.Seg("UNH", edifact.E(ref), edifact.E("APERAK", "D", "95B", "UN")),
			edifact.Seg("BGM", edifact.E(acknowledgement), edifact.E(o.PublicReferenceID), edifact.E(function)),
			edifact.Seg("DTM", edifact.E("137", at.Format("200601021504"), "203")),
			edifact.Seg("RFF", edifact.E("ACW", o.Ref)),
			edifact.Seg("NAD", edifact.E("MS"), edifact.E(r.From.ID, "", r.From.Qualifier)),
			edifact.Seg("NAD", edifact.E("MR"), edifact.E(ic.Sender.ID, "", ic.Sender.Qualifier)))
		if o.Ignored != "" {
			w.Write(edifact.Seg("FTX", edifact.E("AAI"), nil, nil, text(o.Ignored)))
		}
		for _, note := range o.Notes {
			w.Write(edifact.Seg("FTX", edifact.E("AAI"), nil, nil, text(note)))
		}
		if o.Refused != "" {
			w.Write(edifact.Seg("ERC", edifact.E(errorRefused, "", "ZZZ")), edifact.Seg("FTX", edifact.E("AAO"), nil, nil, text(o.Refused)))
		}
		for _, rej := range o.Rejections {
			w.Write(edifact.Seg("ERC", edifact.E(errorNotValidated, "", "ZZZ")),
				edifact.Seg("FTX", edifact.E("AAO"), nil, nil, text(rej.EquipmentNumber+": "+rej.Reason)))
		}
		w.EndMessage(ref)
	}
	w.Write(edifact.Seg("UNZ", edifact.E(strconv.Itoa(len(outcomes))), edifact.E(r.ControlRef)))
	return w.Bytes()
}

// text splits s into the components of a free text (C108): at most five of 70 characters, cut
// at a space where one is near, the rest left out with an ellipsis.
func text(s string) []string {
	var parts []string
	rest := strings.Join(strings.Fields(s), " ")
	for rest != "" && len(parts) < ftxParts {
		runes := []rune(rest)
		if len(runes) <= ftxPart {
			parts, rest = append(parts, rest), ""
			break
		}
		cut := ftxPart
		if i := strings.LastIndex(string(runes[:ftxPart]), " "); i > ftxPart/2 {
			cut = len([]rune(string(runes[:ftxPart])[:i]))
		}
		parts = append(parts, strings.TrimSpace(string(runes[:cut])))
		rest = strings.TrimSpace(string(runes[cut:]))
	}
	if rest != "" {
		last := []rune(parts[ftxParts-1])
		parts[ftxParts-1] = string(last[:min(len(last), ftxPart-3)]) + "..."
	}
	return parts
}
