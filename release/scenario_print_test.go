package release_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/portlight/portlight/release"
)

// Output lines. Each notification is one line:
//
//	RECEIVER TYPE EVENT [rel=N] FACTS [ext=ID] [warnings=[...]]
//
// where FACTS depend on the event:
//
//	ReleaseLightChanged  LIGHT OLD->NEW            (OLD is null on creation) [to=TRANSPORT_OPERATOR]
//	                     [mot=OLD->NEW]            (PickupLight: the means of transport, old and new)
//	GateOut              isValid=BOOL [to=TRANSPORT_OPERATOR] [reasons=[...]]
//	ValidationResponse   to=TRANSPORT_OPERATOR isValid=BOOL [overall=COLOUR] [vehicle=...] [reasons=[...]]
//	Update, Delete       terminal=CODE [carrier=ALIAS when not the sender] [reason=""]
//	Transferred, ...     FROM->TO by=SENDER [reason=""]
//	NotValidated         "the message"
//	ReleaseDetail        status owner pending lights overall pickup
//	ReleaseRightsList    page, pageSize, totalRows, totalPages and the rights listed
//
// senderId= appears only when the envelope's senderId is not null (the seed's "Could not apply
// to single release right" answer). Companies are shown by alias. ext= appears only when the envelope carries an
// externalReferenceId, so its absence on a line is the check that others get null. A "json"
// command also prints every envelope in full, as it goes on the wire.
func (w *world) print(ns []release.Notification, withJSON bool) ([]string, error) {
	var out []string
	for _, n := range ns {
		out = append(out, w.compact(n))
		if withJSON {
			b, err := json.MarshalIndent(n, "", "  ")
			if err != nil {
				return nil, err
			}
			out = append(out, strings.Split(string(b), "\n")...)
		}
	}
	return out, nil
}

func (w *world) alias(id string) string {
	if a, ok := w.aliases[id]; ok {
		return a
	}
	if id == "" {
		return "-"
	}
	return id
}

func (w *world) partyAlias(p *release.PartyObject) string {
	if p == nil || p.NxtEntityID == nil {
		return "null"
	}
	return w.alias(*p.NxtEntityID)
}

func (w *world) compact(n release.Notification) string {
	parts := []string{w.alias(n.ReceiverID), n.Type, n.Event}
	if n.ReleaseID != "" {
		parts = append(parts, "rel="+relNumber(n.ReleaseID))
	}
	switch b := n.Body.(type) {
	case string:
		parts = append(parts, fmt.Sprintf("%q", b))
	case release.LightChangedBody:
		old := "null"
		if b.OriginalValue != nil {
			old = *b.OriginalValue
		}
		parts = append(parts, fmt.Sprintf("%s %s->%s", b.GreenLightName, old, b.NewValue))
		if b.TransportOperator != nil {
			parts = append(parts, "to="+w.partyAlias(b.TransportOperator))
		}
		switch m := b.MeansOfTransport.(type) {
		case nil:
		case release.MeansOfTransportChange:
			parts = append(parts, "mot="+vehicleString(m.OldMeansOfTransport)+"->"+vehicleString(m.NewMeansOfTransport))
		default:
			parts = append(parts, fmt.Sprintf("mot=%T", m))
		}
	case release.GateOutBody:
		parts = append(parts, fmt.Sprintf("isValid=%t", b.IsValid))
		if b.TransportOperator != nil {
			parts = append(parts, "to="+w.partyAlias(b.TransportOperator))
		}
		if len(b.Reasons) > 0 {
			parts = append(parts, fmt.Sprintf("reasons=%q", b.Reasons))
		}
	case release.ValidationBody:
		parts = append(parts, "to="+w.partyAlias(b.TransportOperator), fmt.Sprintf("isValid=%t", b.IsValid))
		if b.OverallLight != nil {
			parts = append(parts, "overall="+string(*b.OverallLight))
		}
		if b.MeansOfTransport != nil {
			parts = append(parts, "vehicle="+vehicleString(b.MeansOfTransport))
		}
		if len(b.Reasons) > 0 {
			parts = append(parts, fmt.Sprintf("reasons=%q", b.Reasons))
		}
	case release.ChangeBody:
		parts = append(parts, "terminal="+b.TerminalCode)
		if c := w.partyAlias(b.Carrier); c != w.partyAlias(b.Sender) {
			parts = append(parts, "carrier="+c)
		}
		if b.Reason != nil {
			parts = append(parts, fmt.Sprintf("reason=%q", *b.Reason))
		}
	case release.RightEventBody:
		parts = append(parts, w.partyAlias(b.ReleaseFrom)+"->"+w.partyAlias(b.ReleaseTo), "by="+w.partyAlias(b.Sender))
		if b.ReasonForAction != nil {
			parts = append(parts, fmt.Sprintf("reason=%q", *b.ReasonForAction))
		}
	case release.RightView:
		parts = append(parts, w.view(b))
	case release.ListBody:
		parts = append(parts, fmt.Sprintf("page=%d pageSize=%d totalRows=%d totalPages=%d rights=[", b.Page, b.PageSize, b.TotalRows, b.TotalPages))
		var rels []string
		for _, v := range b.ReleaseRights {
			rels = append(rels, "rel="+relNumber(v.ReleaseID))
		}
		parts[len(parts)-1] += strings.Join(rels, " ") + "]"
	default:
		parts = append(parts, fmt.Sprintf("body %T", b))
	}
	if n.SenderID != nil {
		parts = append(parts, "senderId="+w.alias(*n.SenderID))
	}
	if n.ExternalReferenceID != nil {
		parts = append(parts, "ext="+*n.ExternalReferenceID)
	}
	if len(n.Warnings) > 0 {
		parts = append(parts, fmt.Sprintf("warnings=%q", n.Warnings))
	}
	return strings.Join(parts, " ")
}

func (w *world) view(v release.RightView) string {
	lights := make([]string, 0, len(v.GreenLights))
	for _, l := range v.GreenLights {
		lights = append(lights, l.Value)
	}
	s := fmt.Sprintf("status=%s owner=%s pending=%s terminal=%s lights=%s overall=%s",
		v.ReleaseRightStatusName, w.partyAlias(v.CurrentOwner), w.partyAlias(v.PendingReleaseTo), v.TerminalCode,
		strings.Join(lights, "/"), v.OverallLight)
	if v.PickupRight != nil {
		s += " pickup=" + w.partyAlias(v.PickupRight.TransportOperator)
	}
	return s
}

var actionStatusNames = map[release.ActionStatus]string{
	release.ActionStatusUndefined: "Undefined", release.ActionStatusPending: "Pending",
	release.ActionStatusRevoke: "Revoke", release.ActionStatusTransfer: "Transfer",
}

// state prints the stored rights, one line each, as a store would hold them.
func (w *world) state(f []string) ([]string, error) {
	args, err := keyValues(f)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range w.rights() {
		if rel, ok := args["rel"]; ok && relNumber(r.ReleaseID) != rel {
			continue
		}
		pending := "-"
		if r.PendingTo != nil {
			pending = w.alias(r.PendingTo.NxtEntityID)
		}
		line := fmt.Sprintf("rel=%s %s %s %s terminal=%s owner=%s pending=%s status=%s action=%s CommercialRelease=%s",
			relNumber(r.ReleaseID), r.Key.EquipmentNumber, strings.Join(r.Key.BillOfLadingNumbers, ","), r.Key.ReleaseIdentification,
			r.Terminal.Code, w.alias(r.Owner.NxtEntityID), pending, r.EffectiveStatus(w.now), actionStatusNames[r.ActionStatus],
			r.Lights.CommercialRelease)
		// The other lights, when they left their initial value.
		initial := release.InitialLights()
		for _, name := range release.LightNames[1:] {
			if v := r.Lights.Get(name); v != initial.Get(name) {
				line += " " + string(name) + "=" + v
			}
		}
		if r.Pickup != nil {
			line += " pickup=" + w.alias(r.Pickup.TransportOperator.NxtEntityID) + ":" + vehicleString(&r.Pickup.MeansOfTransport)
		}
		if r.GivenAtRelease {
			line += " givenAtRelease"
		}
		if r.Deleted() {
			line += " deleted"
		}
		var chain []string
		for _, h := range r.Chain {
			chain = append(chain, fmt.Sprintf("%s->%s:%s", w.alias(h.From.NxtEntityID), w.alias(h.To.NxtEntityID), h.Status))
		}
		if len(chain) > 0 {
			line += " chain=" + strings.Join(chain, ",")
		}
		out = append(out, line)
	}
	if len(out) == 0 {
		out = append(out, "no rights")
	}
	if _, ok := args["rel"]; ok {
		return out, nil
	}
	for _, k := range w.order {
		c := w.containers[k]
		if f := c.Facts.Customs; f != nil {
			line := fmt.Sprintf("facts %s customs status=%s progress=%s", c.EquipmentNumber, orDash(f.Status), orDash(f.Progress))
			if len(f.BillOfLadingNumbers) > 0 {
				line += " bl=" + strings.Join(f.BillOfLadingNumbers, ",")
			}
			out = append(out, line+" source="+orDash(f.Source)+" at="+f.At.Format(time.RFC3339))
		}
	}
	return out, nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
