package release

// The notification type and event of the EDIFACT gateway's answers (docs/edifact.md).
const (
	TypeEDI     = "EDI"
	EventAPERAK = "APERAK"
)

// Acknowledgement is the EDIFACT gateway's answer to one interchange: the APERAK that says what
// came of each of its messages, for the company that sent it and nobody else. It concerns no
// container; like every answer it is kept for the pull API and pushed to the company's channels
// that asked for type EDI.
type Acknowledgement struct {
	// Interchange is the APERAK interchange, in EDIFACT.
	Interchange string
}

// Action implements Command.
func (a *Acknowledgement) Action() string { return EventAPERAK }

// Call implements Command.
func (a *Acknowledgement) Call() string { return CallAcknowledgement }

// Names implements Command: an acknowledgement names nobody.
func (a *Acknowledgement) Names() Names { return Names{} }

func (a *Acknowledgement) decide(_ *Container, n *notifier) []*Right {
	n.tell(TypeEDI, EventAPERAK, "", nil, a.Interchange, n.m.Sender.NxtEntityID)
	return nil
}
