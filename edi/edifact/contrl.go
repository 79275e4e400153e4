package edifact

import (
	"strconv"
	"time"
)

// Action codes of the CONTRL message (data element 0083).
const (
	ActionRejected     = "4" // this level and all lower levels rejected
	ActionAcknowledged = "7" // this level acknowledged, and all lower levels unless explicitly rejected
)

// Reply names the answering side of an interchange: who sends it and its control reference.
type Reply struct {
	From       Party
	ControlRef string
	At         time.Time
}

// Contrl writes the CONTRL interchange (D:3:UN) that answers the interchange ic: rejected with the
// syntax fault fault, or acknowledged when fault is nil. ic may hold only what UNB said (a fault
// found later), or be nil (no UNB could be read): the answer then names no original reference.
func Contrl(ic *Interchange, fault *Error, r Reply) []byte {
	if ic == nil {
		ic = &Interchange{Sender: Party{ID: "UNKNOWN"}}
	}
	w := NewWriter()
	w.Write(Seg("UNB", E(LevelC, "3"), E(r.From.ID, r.From.Qualifier), E(ic.Sender.ID, ic.Sender.Qualifier),
		E(r.At.UTC().Format("060102"), r.At.UTC().Format("1504")), E(r.ControlRef)))
	w.Write(Seg("UNH", E("1"), E("CONTRL", "D", "3", "UN")))
	uci := []([]string){E(ic.ControlRef), E(ic.Sender.ID, ic.Sender.Qualifier), E(ic.Recipient.ID, ic.Recipient.Qualifier)}
	switch {
	case fault == nil:
		w.Write(Seg("UCI", append(uci, E(ActionAcknowledged))...))
	case fault.MessageRef == "":
		w.Write(Seg("UCI", append(uci, E(ActionRejected), E(string(fault.Code)), E(fault.Tag), E(position(fault.Element)))...))
	default:
		// The fault is in one message: the interchange is refused with it (nothing of it is
		// applied), and the message says why.
		w.Write(Seg("UCI", append(uci, E(ActionRejected))...))
		msg := messageID(ic, fault.MessageRef)
		w.Write(Seg("UCM", E(fault.MessageRef), msg, E(ActionRejected), E(string(fault.Code)), E(fault.Tag)))
	}
	w.EndMessage("1")
	w.Write(Seg("UNZ", E("1"), E(r.ControlRef)))
	return w.Bytes()
}

// messageID is the message identifier (S009) of the message ref of ic, as far as it is known.
func messageID(ic *Interchange, ref string) []string {
	for _, m := range ic.Messages {
		if m.Ref == ref {
			return E(m.Type, m.Version, m.Release, m.Agency)
		}
	}
	return nil
}

// position is the data element position of S011, or "" for none.
func position(element int) string {
	if element <= 0 {
		return ""
	}
	return strconv.Itoa(element)
}
