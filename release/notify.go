package release

import (
	"encoding/json"
	"slices"
	"time"
)

// AssetID is the assetId every CPu notification carries.
const AssetID = "00000000-0000-0001-0000-000000000037"

// Notification types (the envelope's "type").
const (
	TypeReleaseLight  = "ReleaseLight"
	TypeReleaseRight  = "ReleaseRight"
	TypeTerminalEvent = "TerminalEvent"
)

// NotificationTypes lists every type, for channel filters and validation.
var NotificationTypes = []string{TypeReleaseLight, TypeReleaseRight, TypeTerminalEvent, TypeEDI}

// Unasked reports whether a notification of type typ goes only to the channels that name its type:
// the EDIFACT gateway's answers (TypeEDI) are not JSON integrators' to receive unasked.
func Unasked(typ string) bool { return typ == TypeEDI }

// Notification events (the envelope's "event").
const (
	EventReleaseLightChanged    = "ReleaseLightChanged"
	EventUpdate                 = "Update"
	EventDelete                 = "Delete"
	EventNotValidated           = "NotValidated"
	EventTransferred            = "Transferred"
	EventAcceptedByNextParty    = "AcceptedByNextParty"
	EventDeclinedByNextParty    = "DeclinedByNextParty"
	EventRevokedByPreviousParty = "RevokedByPreviousParty"
	EventGateOut                = "GateOut"
	EventReleaseDetail          = "ReleaseDetail"
	EventReleaseRightsList      = "ReleaseRightsList"
	EventValidationResponse     = "ValidationResponse"
)

// Events lists every event the core emits, in the seed's order with the answers of the generic
// services and the validation response last. The pull API's notificationEvent filter accepts
// exactly these (a test checks that every notification the core makes carries one of them).
var Events = []string{
	EventNotValidated, EventTransferred, EventAcceptedByNextParty, EventDeclinedByNextParty,
	EventRevokedByPreviousParty, EventReleaseLightChanged, EventUpdate, EventGateOut, EventDelete,
	EventReleaseDetail, EventReleaseRightsList, EventValidationResponse, EventConflictingRelease, EventAPERAK,
}

// TimestampLayout is the notification timestamp format: UTC ISO 8601 with 7 fractional digits,
// as in the seeds ("2022-11-22T08:53:05.5688854Z").
const TimestampLayout = "2006-01-02T15:04:05.0000000Z"

// Notification is one message to one company: the envelope of the seeds plus the columns the
// pull API filters on. The core produces them; adapters store and deliver them.
type Notification struct {
	ReceiverID          string
	SenderID            *string
	Type                string
	Event               string
	EquipmentNumber     string
	ReleaseID           string
	PublicReferenceID   string
	ExternalReferenceID *string
	Timestamp           time.Time
	Body                any
	Warnings            []string
}

// envelope is the wire shape, fields in the order the seeds print them.
type envelope struct {
	AssetID             string   `json:"assetId"`
	Body                any      `json:"body"`
	Errors              []string `json:"errors"`
	Event               string   `json:"event"`
	ExternalReferenceID *string  `json:"externalReferenceId"`
	ID                  string   `json:"id"`
	PublicReferenceID   string   `json:"publicReferenceId"`
	ReceiverID          string   `json:"receiverId"`
	SenderID            *string  `json:"senderId"`
	Timestamp           string   `json:"timestamp"`
	Type                string   `json:"type"`
	Warnings            []string `json:"warnings"`
}

// MarshalJSON renders the notification exactly in the seeds' envelope.
func (n Notification) MarshalJSON() ([]byte, error) {
	w := n.Warnings
	if w == nil {
		w = []string{}
	}
	return json.Marshal(envelope{
		AssetID: AssetID, Body: n.Body, Errors: []string{}, Event: n.Event,
		ExternalReferenceID: n.ExternalReferenceID, ID: n.EquipmentNumber,
		PublicReferenceID: n.PublicReferenceID, ReceiverID: n.ReceiverID, SenderID: n.SenderID,
		Timestamp: n.Timestamp.UTC().Format(TimestampLayout), Type: n.Type, Warnings: w,
	})
}

// PartyObject is a company as the notification bodies show it: every key present, null when unknown.
type PartyObject struct {
	NxtEntityID *string `json:"nxtEntityId"`
	Name        *string `json:"name"`
	Eori        *string `json:"eori"`
	Tin         *string `json:"tin"`
	Apcs        *string `json:"apcs"`
	Duns        *string `json:"duns"`
	ExternalID  *string `json:"externalId"`
}

func partyObject(p *Party) *PartyObject {
	if p == nil || p.NxtEntityID == "" {
		return nil
	}
	return &PartyObject{
		NxtEntityID: null(p.NxtEntityID), Name: null(p.Name), Eori: null(p.Eori), Tin: null(p.Tin),
		Apcs: null(p.Apcs), Duns: null(p.Duns), ExternalID: null(p.ExternalID),
	}
}

// null renders an absent value as JSON null, as the seeds do.
func null(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nullTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(time.RFC3339Nano)
	return &s
}

// LightChangedBody is the body of a ReleaseLightChanged notification.
type LightChangedBody struct {
	Carrier               *PartyObject `json:"carrier"`
	TransportOperator     *PartyObject `json:"transportOperator,omitempty"`
	TerminalCode          string       `json:"terminalCode"`
	PortLoCode            string       `json:"portLoCode"`
	EquipmentNumber       string       `json:"equipmentNumber"`
	BillOfLadingNumbers   []string     `json:"billOfLadingNumbers"`
	ReleaseIdentification string       `json:"releaseIdentification"`
	GreenLightName        LightName    `json:"greenLightName"`
	OriginalValue         *string      `json:"originalValue"`
	NewValue              string       `json:"newValue"`
	MeansOfTransport      any          `json:"meansOfTransport"`
	ReleaseID             string       `json:"releaseId"`
}

// ChangeBody is the body of the ReleaseLight Update and Delete notifications.
type ChangeBody struct {
	Sender                *PartyObject `json:"sender"`
	Carrier               *PartyObject `json:"carrier"`
	ReleaseIdentification string       `json:"releaseIdentification"`
	ReleaseOrderReference *string      `json:"releaseOrderReference"`
	EquipmentNumber       string       `json:"equipmentNumber"`
	BillOfLadingNumbers   []string     `json:"billOfLadingNumbers"`
	ReleaseID             string       `json:"releaseId"`
	PortLoCode            string       `json:"portLoCode"`
	TerminalCode          string       `json:"terminalCode"`
	Reason                *string      `json:"reason"`
	ActionType            string       `json:"actionType"`
	ReleaseDatetimeUtc    *string      `json:"releaseDatetimeUtc"`
	ExpirationDatetimeUtc *string      `json:"expirationDatetimeUtc"`
}

// RightEventBody is the body of the ReleaseRight events (Transferred, AcceptedByNextParty,
// DeclinedByNextParty, RevokedByPreviousParty).
type RightEventBody struct {
	Sender                *PartyObject `json:"sender"`
	Carrier               *PartyObject `json:"carrier"`
	ReleaseTo             *PartyObject `json:"releaseTo"`
	ReleaseFrom           *PartyObject `json:"releaseFrom"`
	ReleaseIdentification string       `json:"releaseIdentification"`
	EquipmentNumber       string       `json:"equipmentNumber"`
	EquipmentType         *string      `json:"equipmentType"`
	PortLoCode            string       `json:"portLoCode"`
	TerminalCode          string       `json:"terminalCode"`
	ActionType            string       `json:"actionType"`
	ReasonForAction       *string      `json:"reasonForAction"`
	BillOfLadingNumbers   []string     `json:"billOfLadingNumbers"`
	ReleaseDatetimeUtc    *string      `json:"releaseDatetimeUtc"`
	ExpirationDatetimeUtc *string      `json:"expirationDatetimeUtc"`
	EmptyReturnReference  *string      `json:"emptyReturnReference"`
	EquipmentSupplier     *string      `json:"equipmentSupplier"`
	EquipmentStatus       *string      `json:"equipmentStatus"`
	FullEmptyIndicator    *string      `json:"fullEmptyIndicator"`
	EquipmentOperator     *string      `json:"equipmentOperator"`
	VesselName            *string      `json:"vesselName"`
	VesselCallSign        *string      `json:"vesselCallSign"`
	VoyageNumber          *string      `json:"voyageNumber"`
	ReleaseID             string       `json:"releaseId"`
}

// notifier collects the notifications of one command. Every notification of a command carries
// its publicReferenceId; only the sender's copy carries the externalReferenceId.
type notifier struct {
	m     Meta
	out   []Notification
	facts *Facts // container facts the command changed, if any
	// refused is the reason of a command the caller may not send as it is (the seed's 405),
	// answered synchronously instead of by a NotValidated notification.
	refused string
}

// notAllowed refuses the command as a whole: no notification, the caller hears it in the answer
// to its call (HTTP 405), as it hears of fields outside an action's template.
func (n *notifier) notAllowed(message string) {
	n.refused = message
}

// tell sends one notification about right r (nil for rejections before a right was found) to
// each receiver once.
func (n *notifier) tell(typ, event, equipment string, r *Right, body any, receivers ...string) {
	releaseID := ""
	if r != nil {
		releaseID = r.ReleaseID
	}
	seen := make([]string, 0, len(receivers))
	for _, id := range receivers {
		if id == "" || slices.Contains(seen, id) {
			continue
		}
		seen = append(seen, id)
		msg := Notification{
			ReceiverID: id, Type: typ, Event: event, EquipmentNumber: equipment, ReleaseID: releaseID,
			PublicReferenceID: n.m.PublicReferenceID, Timestamp: n.m.Now, Body: body,
		}
		if id == n.m.Sender.NxtEntityID {
			msg.ExternalReferenceID = n.m.ExternalReferenceID
			msg.Warnings = n.m.Warnings
		}
		n.out = append(n.out, msg)
	}
}

// lightChanged tells the stakeholders of r that light changed from old (nil: it had none) to new.
// Release Light events reach the sender, the terminal operator of the container's terminal and
// the current owner (docs/rules.md "Who receives what"); extra names others a rule adds.
func (n *notifier) lightChanged(r *Right, light LightName, old *string, extra ...string) {
	n.tellLight(r, n.lightBody(r, light, old), extra...)
}

// lightBody is the body of a ReleaseLightChanged notification about light of r.
func (n *notifier) lightBody(r *Right, light LightName, old *string) LightChangedBody {
	return LightChangedBody{
		Carrier: partyObject(&r.Carrier), TerminalCode: r.Terminal.Code, PortLoCode: r.PortLoCode,
		EquipmentNumber: r.Key.EquipmentNumber, BillOfLadingNumbers: r.Key.BillOfLadingNumbers,
		ReleaseIdentification: r.Key.ReleaseIdentification, GreenLightName: light,
		OriginalValue: old, NewValue: r.Lights.Get(light), ReleaseID: r.ReleaseID,
	}
}

// tellLight sends a ReleaseLightChanged body to the Release Light audience of r.
func (n *notifier) tellLight(r *Right, body LightChangedBody, extra ...string) {
	n.tell(TypeReleaseLight, EventReleaseLightChanged, r.Key.EquipmentNumber, r, body, append(n.lightReceivers(r), extra...)...)
}

// lightReceivers is the audience of a Release Light event about r.
func (n *notifier) lightReceivers(r *Right) []string {
	// For the Shipping Agent's own commands the owner is the sender until the right leaves it,
	// so "the owner once the right left the agent" and "the owner" are the same audience.
	return []string{n.m.Sender.NxtEntityID, r.Terminal.Operator.NxtEntityID, r.Owner.NxtEntityID}
}

// change tells the Release Light audience of r about an Update or Delete.
func (n *notifier) change(r *Right, event, actionType string, extra ...string) {
	body := ChangeBody{
		Sender: partyObject(&n.m.Sender), Carrier: partyObject(&r.Carrier),
		ReleaseIdentification: r.Key.ReleaseIdentification, ReleaseOrderReference: null(r.Details.ReleaseOrderReference),
		EquipmentNumber: r.Key.EquipmentNumber, BillOfLadingNumbers: r.Key.BillOfLadingNumbers, ReleaseID: r.ReleaseID,
		PortLoCode: r.PortLoCode, TerminalCode: r.Terminal.Code, Reason: null(r.Reason), ActionType: actionType,
		ReleaseDatetimeUtc: nullTime(r.Details.ReleaseDateTimeUtc), ExpirationDatetimeUtc: nullTime(r.Details.ExpirationDateTimeUtc),
	}
	n.tell(TypeReleaseLight, event, r.Key.EquipmentNumber, r, body, append(n.lightReceivers(r), extra...)...)
}

// rightEvent tells releaseFrom and releaseTo (and nobody else) what happened to the chain of r.
func (n *notifier) rightEvent(r *Right, event, actionType, reason string, from, to *Party) {
	d := &r.Details
	body := RightEventBody{
		Sender: partyObject(&n.m.Sender), Carrier: partyObject(&r.Carrier),
		ReleaseTo: partyObject(to), ReleaseFrom: partyObject(from),
		ReleaseIdentification: r.Key.ReleaseIdentification, EquipmentNumber: r.Key.EquipmentNumber,
		EquipmentType: null(d.EquipmentType), PortLoCode: r.PortLoCode, TerminalCode: r.Terminal.Code,
		ActionType: actionType, ReasonForAction: null(reason), BillOfLadingNumbers: r.Key.BillOfLadingNumbers,
		ReleaseDatetimeUtc: nullTime(d.ReleaseDateTimeUtc), ExpirationDatetimeUtc: nullTime(d.ExpirationDateTimeUtc),
		EmptyReturnReference: null(d.EmptyReturnReference), EquipmentSupplier: null(d.EquipmentSupplier),
		EquipmentStatus: null(d.EquipmentStatus), FullEmptyIndicator: null(d.FullEmptyIndicator),
		EquipmentOperator: null(d.EquipmentOperator), VesselName: null(d.VesselName),
		VesselCallSign: null(d.VesselCallSign), VoyageNumber: null(d.VoyageNumber), ReleaseID: r.ReleaseID,
	}
	n.tell(TypeReleaseRight, event, r.Key.EquipmentNumber, r, body, from.NxtEntityID, to.NxtEntityID)
}

// notValidated tells the sender, and only the sender, why its command was refused; the body is
// the message text of the seeds.
func (n *notifier) notValidated(typ, equipment string, r *Right, message string) {
	n.tell(typ, EventNotValidated, equipment, r, message, n.m.Sender.NxtEntityID)
}
