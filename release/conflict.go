package release

// A container may hold one shipping agent's active releases at one terminal, not two agents'.
// A second agent's Release of a container that another agent has already released at the same
// terminal (other bill of lading, other release id) used to be accepted: both hauliers got a
// pick-up right and the gate refused both. It is now refused, and since it may be a fraud signal
// (a forged or mistaken release), the existing release's agent and the terminal operator are told
// with a ConflictingRelease notification (docs/security.md says what an operator does then).

// EventConflictingRelease tells the agent of an active release and its terminal operator that
// another agent's Release of the same container at the same terminal was refused. It is
// Portlight's own event (NxtPort's CPu has none): the refused sender gets the NotValidated.
const EventConflictingRelease = "ConflictingRelease"

// ConflictBody is the body of a ConflictingRelease notification: the existing release it is about,
// and who tried to release the container again with which references.
type ConflictBody struct {
	Message                      string       `json:"message"`
	PortLoCode                   string       `json:"portLoCode"`
	TerminalCode                 string       `json:"terminalCode"`
	EquipmentNumber              string       `json:"equipmentNumber"`
	ReleaseID                    string       `json:"releaseId"`
	ReleaseIdentification        string       `json:"releaseIdentification"`
	BillOfLadingNumbers          []string     `json:"billOfLadingNumbers"`
	RefusedSender                *PartyObject `json:"refusedSender"`
	RefusedReleaseIdentification string       `json:"refusedReleaseIdentification"`
	RefusedBillOfLadingNumbers   []string     `json:"refusedBillOfLadingNumbers"`
}

// conflictingRelease returns an active release of c by another shipping agent than the sender at
// the terminal the Release names, or nil.
func (i *Ingestion) conflictingRelease(c *Container, n *notifier) *Right {
	for _, r := range c.Rights {
		if r.Active(n.m.Now) && !r.Originator.Same(&n.m.Sender) && r.Terminal.Code == i.Terminal.Code {
			return r
		}
	}
	return nil
}

// movesIntoConflict refuses (as refuseConflict) an Update that moves release r to a terminal where
// another agent has an active release of the container: else a release made at another terminal
// and then moved would get round the rule.
func (i *Ingestion) movesIntoConflict(c *Container, r *Right, n *notifier) bool {
	if i.Terminal == nil || i.Terminal.Code == r.Terminal.Code {
		return false
	}
	existing := i.conflictingRelease(c, n)
	if existing == nil {
		return false
	}
	i.refuseConflict(existing, n)
	return true
}

// refuseConflict refuses the Release with a NotValidated to its sender (who is not told whose
// release is in the way) and tells the existing release's agent and terminal operator.
func (i *Ingestion) refuseConflict(existing *Right, n *notifier) {
	eq := i.Key.EquipmentNumber
	n.notValidated(TypeReleaseLight, eq, nil, msgConflictingRelease(eq, i.Terminal.Code))
	body := ConflictBody{
		Message:    msgConflictNotice(eq, existing.Terminal.Code),
		PortLoCode: existing.PortLoCode, TerminalCode: existing.Terminal.Code, EquipmentNumber: eq,
		ReleaseID: existing.ReleaseID, ReleaseIdentification: existing.Key.ReleaseIdentification,
		BillOfLadingNumbers: existing.Key.BillOfLadingNumbers, RefusedSender: partyObject(&n.m.Sender),
		RefusedReleaseIdentification: i.Key.ReleaseIdentification, RefusedBillOfLadingNumbers: i.Key.BillOfLadingNumbers,
	}
	n.tell(TypeReleaseLight, EventConflictingRelease, eq, existing, body,
		existing.Originator.NxtEntityID, existing.Terminal.Operator.NxtEntityID)
}

func msgConflictingRelease(eq, terminal string) string {
	return "No Commercial Release action processed due to an active Commercial Release of container " + eq +
		" by another Shipping Agent at terminal " + terminal + "; that Shipping Agent and the terminal operator have been told"
}

func msgConflictNotice(eq, terminal string) string {
	return "Another Shipping Agent tried to release container " + eq + " at terminal " + terminal +
		", which your active Commercial Release covers; the release was refused"
}
