package release

// Names are the companies and the terminal a command names: what the door (package service)
// resolves from the registry before Decide, since the core does no I/O. Every command says its
// own (Command.Names), so a new command cannot be left unresolved by a forgotten case.
type Names struct {
	// Parties are the companies named; the door sets each one's Party.
	Parties []*PartyRef
	// Terminal, when not nil, is the terminal named: the door sets its Terminal.
	Terminal *TerminalRef
}

// TerminalRef is a terminal code a command names and where the terminal it resolves to goes.
type TerminalRef struct {
	Code string
	// Into receives the terminal Code resolved to (nil when unknown).
	Into **Terminal
}

// Names implements Command. releaseTo is read by Release only ("releaseTo is set once, at
// release"): any other action that carries one has it dropped here, so it is neither resolved nor
// acted on, whichever front end sent it.
func (i *Ingestion) Names() Names {
	if i.ActionType != ActionRelease {
		i.ReleaseTo = PartyRef{}
	}
	n := Names{Parties: []*PartyRef{&i.Carrier, &i.ReleaseTo}}
	if i.TerminalCode != "" {
		n.Terminal = &TerminalRef{Code: i.TerminalCode, Into: &i.Terminal}
	}
	return n
}

// Call implements Command.
func (i *Ingestion) Call() string { return CallIngestion + i.ActionType }

// Names implements Command.
func (a *RightAction) Names() Names {
	return Names{Parties: []*PartyRef{&a.ReleaseFrom, &a.ReleaseTo, &a.Carrier}}
}

// Call implements Command.
func (a *RightAction) Call() string { return CallReleaseRight + a.ActionType }

// Names implements Command.
func (e *TerminalEvent) Names() Names {
	return Names{Terminal: &TerminalRef{Code: e.TerminalCode, Into: &e.Terminal}}
}

// Call implements Command.
func (e *TerminalEvent) Call() string { return CallTerminalEvent + e.ActionType }

// Names implements Command.
func (p *PickupValidation) Names() Names {
	return Names{Parties: []*PartyRef{&p.TransportOperator}, Terminal: &TerminalRef{Code: p.TerminalCode, Into: &p.Terminal}}
}

// Call implements Command.
func (p *PickupValidation) Call() string { return CallPickupValidation }

// Names implements Command: the Pick-up Right names its terminal by code, checked against the
// right's own terminal, and no company (the sender is the Transport Operator).
func (p *PickupAction) Names() Names { return Names{} }

// Call implements Command.
func (p *PickupAction) Call() string { return CallPickupRight + p.ActionType }

// Names implements Command: a customs status names neither company nor terminal.
func (s *CustomsStatus) Names() Names { return Names{} }

// Call implements Command.
func (s *CustomsStatus) Call() string { return CallCustomsStatus }

// Names implements Command.
func (q *DetailQuery) Names() Names { return Names{} }

// Call implements Command.
func (q *DetailQuery) Call() string { return CallReleaseDetail }

// Names implements Command: the platform's expiry names nothing.
func (Expire) Names() Names { return Names{} }

// Call implements Command.
func (Expire) Call() string { return CallExpire }
