package edi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/portlight/portlight/edi/edifact"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// MaxInterchangeBytes bounds one interchange (docs/edifact.md): 10,000 gate-out messages take
// about 2.5 MB.
const MaxInterchangeBytes = 16 << 20

// Gateway receives EDIFACT interchanges: it reads them (package edifact), turns each message into
// the commands the API would send (Map), applies them through the service's one door for the
// sending company, and answers each message with an APERAK.
type Gateway struct {
	svc *service.Service
	// self is the platform as its answers' UNB names it.
	self edifact.Party
	now  func() time.Time
}

// NewGateway builds the gateway on the service; now is the clock (time.Now in production).
func NewGateway(svc *service.Service, now func() time.Time) *Gateway {
	return &Gateway{svc: svc, self: edifact.Party{ID: "PORTLIGHT", Qualifier: "ZZZ"}, now: now}
}

// SyntaxFault is an interchange refused whole for its syntax; CONTRL is the answer to send back.
type SyntaxFault struct {
	Fault  *edifact.Error
	CONTRL []byte
}

func (f *SyntaxFault) Error() string { return f.Fault.Error() }

// InterchangeAnswer is the synchronous answer to an interchange: where each message stands.
type InterchangeAnswer struct {
	PublicReferenceID   string          `json:"publicReferenceId"`
	ExternalReferenceID *string         `json:"externalReferenceId"`
	Messages            []MessageAnswer `json:"messages"`
}

// MessageAnswer is where one message of an interchange stands once received.
type MessageAnswer struct {
	MessageReference  string `json:"messageReference"`
	MessageType       string `json:"messageType"`
	PublicReferenceID string `json:"publicReferenceId,omitempty"`
	// Status is Accepted (its commands were applied; the platform's answer to each is in the
	// APERAK and the notifications), Ignored (acknowledged, nothing to apply) or Refused.
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}

// Message statuses of an InterchangeAnswer.
const (
	StatusAccepted = "Accepted"
	StatusIgnored  = "Ignored"
	StatusRefused  = "Refused"
)

// Receive applies the interchange body, sent by caller to port. A syntax fault refuses it whole
// (*SyntaxFault, nothing applied); otherwise every message is taken or refused on its own, and the
// APERAK of the interchange is kept (and pushed) as an EDI notification to caller under the
// answer's publicReferenceId.
//
// The messages go to the service in parts of partMessages, in their order, each part applied
// once the one before is committed, while the next part is being mapped (apply). Once it reads,
// the interchange is applied to its end even if the sender stops waiting, so that its APERAK says
// what was done.
func (g *Gateway) Receive(ctx context.Context, caller *service.Caller, port string, body []byte, externalRef *string) (InterchangeAnswer, error) {
	ic, err := edifact.Parse(body)
	if err != nil {
		var fault *edifact.Error
		if !errors.As(err, &fault) {
			return InterchangeAnswer{}, err
		}
		return InterchangeAnswer{}, &SyntaxFault{Fault: fault, CONTRL: edifact.Contrl(ic, fault, g.reply())}
	}
	outcomes := make([]MessageOutcome, len(ic.Messages))
	ctx = context.WithoutCancel(ctx)
	parts := make(chan *part, 1) // the next part is mapped while one is applied
	applied := make(chan struct{})
	go func() {
		defer close(applied)
		g.apply(ctx, caller, parts, outcomes)
	}()
	for from := 0; from < len(ic.Messages); from += partMessages {
		p := g.mapPart(ctx, ic, port, externalRef, outcomes, from, min(from+partMessages, len(ic.Messages)))
		if len(p.calls) > 0 {
			parts <- p
		}
	}
	close(parts)
	<-applied
	receipt, err := g.svc.Execute(ctx, caller, []service.Request{{
		PortLoCode: port, Command: &release.Acknowledgement{Interchange: string(Aperak(ic, outcomes, g.reply()))},
		Body: auditBody(ic, nil),
	}}, externalRef)
	if err != nil {
		return InterchangeAnswer{}, err
	}
	return answer(receipt, outcomes), nil
}

// partMessages is how many messages of an interchange go to the service at a time. The store
// commits each part on its own (a commit costs a few milliseconds), and while it applies one part
// the gateway maps the next: a 10,000-message interchange was parsed, then mapped, then applied
// in one transaction of some 50 MB, each step waiting for the one before.
const partMessages = 1000

// part is the calls of some messages of an interchange, and the message of each call.
type part struct {
	calls    []service.Call
	messages []int
}

// mapPart maps the messages from..to of ic into a part, and records in outcomes those refused or
// ignored.
func (g *Gateway) mapPart(ctx context.Context, ic *edifact.Interchange, port string, externalRef *string, outcomes []MessageOutcome, from, to int) *part {
	p := &part{}
	for i := from; i < to; i++ {
		m := &ic.Messages[i]
		outcomes[i] = MessageOutcome{Ref: m.Ref, Type: m.Type}
		mapped, err := Map(m, port)
		var refusal *Refusal
		switch {
		case errors.As(err, &refusal):
			outcomes[i].Refused = refusal.Text
			continue
		case err != nil: // not a Refusal: a fault of the gateway's, which refuses this message only
			outcomes[i].Refused = refusalText(err)
			continue
		case mapped.Ignored != "":
			outcomes[i].Ignored = mapped.Ignored
			continue
		}
		audits := containerAudits(ic, m, mapped.Commands)
		call := service.Call{ExternalRef: externalRef}
		for ci, c := range mapped.Commands {
			outcomes[i].Notes = append(outcomes[i].Notes, g.checkReleaseTo(ctx, c.Command)...)
			call.Requests = append(call.Requests, service.Request{
				PortLoCode: port, EquipmentNumber: c.EquipmentNumber, Command: c.Command, Body: audits[ci],
			})
		}
		p.calls, p.messages = append(p.calls, call), append(p.messages, i)
	}
	return p
}

// apply applies the parts in their order, each once the one before is committed, and records
// what came of each message in outcomes. A part the service fails to apply as a whole (the store
// failed) has its messages refused, and the parts after it are still tried.
func (g *Gateway) apply(ctx context.Context, caller *service.Caller, parts <-chan *part, outcomes []MessageOutcome) {
	for p := range parts {
		results, err := g.svc.ExecuteAll(ctx, caller, p.calls)
		for ci, i := range p.messages {
			o := &outcomes[i]
			if err != nil {
				o.Refused = refusalText(err)
				continue
			}
			r := results[ci]
			o.PublicReferenceID = r.Receipt.PublicReferenceID
			if r.Err != nil {
				o.Refused = refusalText(r.Err)
				continue
			}
			for ri, out := range r.Outcomes {
				if out.Rejected {
					o.Rejections = append(o.Rejections, Rejection{EquipmentNumber: p.calls[ci].Requests[ri].EquipmentNumber, Reason: out.Reason})
				}
			}
		}
	}
}

// checkReleaseTo leaves out the release-to party of a COREOR release that the registry does not
// know: the release is made, and waits for the agent to name its first party by API or console.
func (g *Gateway) checkReleaseTo(ctx context.Context, cmd release.Command) []string {
	in, ok := cmd.(*release.Ingestion)
	if !ok || !in.ReleaseTo.Given() || g.svc.Knows(ctx, in.ReleaseTo) {
		return nil
	}
	note := fmt.Sprintf("%s: release-to party %s %s is not known to the platform; the release waits for the shipping agent to name its first party",
		in.Key.EquipmentNumber, in.ReleaseTo.IdentificationType, in.ReleaseTo.IdentificationCode)
	in.ReleaseTo = release.PartyRef{}
	return []string{note}
}

// refusalText is what the APERAK says of a call the service refused whole (a role the sending
// company does not hold, for one).
func refusalText(err error) string {
	var e *service.Error
	if errors.As(err, &e) && e.Code != service.CodeInternal {
		return e.Message
	}
	return "the message could not be applied"
}

// answer is the synchronous answer made of the outcomes.
func answer(receipt service.Receipt, outcomes []MessageOutcome) InterchangeAnswer {
	a := InterchangeAnswer{PublicReferenceID: receipt.PublicReferenceID, ExternalReferenceID: receipt.ExternalReferenceID}
	for _, o := range outcomes {
		m := MessageAnswer{MessageReference: o.Ref, MessageType: o.Type, PublicReferenceID: o.PublicReferenceID, Status: StatusAccepted}
		switch {
		case o.Refused != "":
			m.Status, m.Reason = StatusRefused, o.Refused
		case o.Ignored != "":
			m.Status, m.Reason = StatusIgnored, o.Ignored
		}
		a.Messages = append(a.Messages, m)
	}
	return a
}

// Aperak returns the APERAK of the interchange the caller sent under publicReferenceID, as kept
// in its notifications (168 hours, like every notification).
func (g *Gateway) Aperak(ctx context.Context, caller *service.Caller, publicReferenceID string) ([]byte, error) {
	pulled, _, err := g.svc.PullNotifications(ctx, caller, service.NotificationFilter{PublicReferenceID: publicReferenceID, Event: release.EventAPERAK})
	if service.CodeOf(err) == service.CodeNoMatch {
		return nil, service.Errorf(service.CodeNotFound, "No interchange %s of your company in the last 168 hours.", publicReferenceID)
	}
	if err != nil {
		return nil, err
	}
	var envelope struct {
		Body string `json:"body"`
	}
	if err := json.Unmarshal([]byte(pulled[0].Message), &envelope); err != nil {
		return nil, service.Internal(err)
	}
	return []byte(envelope.Body), nil
}

// auditBody is what the audit trail keeps of message m of ic (its UNB, then the message), or of
// the interchange as a whole (its UNB) when m is nil.
func auditBody(ic *edifact.Interchange, m *edifact.Message) []byte {
	w := edifact.NewWriter()
	w.Write(edifact.Seg("UNB", edifact.E(ic.SyntaxLevel, ic.SyntaxVersion), edifact.E(ic.Sender.ID, ic.Sender.Qualifier),
		edifact.E(ic.Recipient.ID, ic.Recipient.Qualifier), edifact.E(ic.Prepared), edifact.E(ic.ControlRef)))
	if m != nil {
		w.Write(edifact.Seg("UNH", edifact.E(m.Ref), edifact.E(m.Type, m.Version, m.Release, m.Agency, m.Association)))
		w.Write(m.Segments...)
		w.EndMessage(m.Ref)
	}
	return w.Bytes()
}

// containerAudits is what the audit trail keeps of each command of message m: the message with
// only the container group (EQD) the command came from, after the message's head. A message of a
// thousand containers would otherwise be stored a thousand times, once with each. A command
// whose group is not found keeps the whole message.
func containerAudits(ic *edifact.Interchange, m *edifact.Message, cmds []Command) [][]byte {
	out := make([][]byte, len(cmds))
	if len(cmds) <= 1 {
		for i := range out {
			out[i] = auditBody(ic, m)
		}
		return out
	}
	head, each := groups(m.Segments, "EQD")
	used := make([]bool, len(each))
	for i, c := range cmds {
		for gi, group := range each {
			if !used[gi] && release.NormaliseCode(group[0].Value(1, 0)) == release.NormaliseCode(c.EquipmentNumber) {
				used[gi] = true
				one := *m
				one.Segments = append(append([]edifact.Segment(nil), head...), group...)
				out[i] = auditBody(ic, &one)
				break
			}
		}
		if out[i] == nil {
			out[i] = auditBody(ic, m)
		}
	}
	return out
}

// reply is the answering side of an answer made now.
func (g *Gateway) reply() edifact.Reply {
	now := g.now().UTC()
	return edifact.Reply{From: g.self, ControlRef: strconv.FormatInt(now.UnixMilli()%1e14, 36), At: now}
}
