package service

import (
	"context"
	"encoding/json"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// LightChange is one change of one light of a release: from what to what, when, and by whose
// command.
type LightChange struct {
	ReleaseID string
	Light     release.LightName
	// From is the value before ("" when the light had none: the release's creation).
	From, To string
	At       time.Time
	// By is the company whose command changed the light; nil for the platform's own (expiry).
	By *release.Party
	// Action is the command, as the audit trail names it ("Block", "TerminalDischarge",
	// "CustomsStatus", "Expire", ...).
	Action string
}

// LightHistory returns every change of the lights of the releases of one container the caller
// is a stakeholder of (the releases MyContainer shows), oldest first; CodeNotFound as MyContainer.
//
// No store keeps a history per light, and a company's own notifications do not hold it all (a
// forwarder hears of a light only while it owns the right, and the pull API keeps 168 hours). It
// is derived from what is kept for good: the audit trail says who sent which command when, and
// the ReleaseLightChanged notifications of each accepted command (found by its publicReferenceId,
// whoever received them) say which light of which release it moved from what to what, as the core
// decided. Both are read by indexed columns: a container's commands, then a few notifications each.
func (s *Service) LightHistory(ctx context.Context, caller *Caller, port, eq string) ([]LightChange, error) {
	view, err := s.myReleases(ctx, caller, port, eq)
	if err != nil {
		return nil, err
	}
	mine := map[string]bool{}
	since := view.Rights[0].CreatedAt
	for _, r := range view.Rights {
		mine[r.ReleaseID] = true
		if r.CreatedAt.Before(since) {
			since = r.CreatedAt
		}
	}
	records, err := s.store.AuditTrail(ctx, "", view.EquipmentNumber)
	if err != nil {
		return nil, Internal(err)
	}
	type change struct {
		ref, release string
		light        release.LightName
		from, to     string
	}
	var out []LightChange
	seenRef, seen := map[string]bool{}, map[change]bool{}
	for _, rec := range records {
		if rec.Rejected || rec.At.Before(since) || seenRef[rec.PublicReferenceID] {
			continue
		}
		seenRef[rec.PublicReferenceID] = true
		rows, err := s.store.Notifications(ctx, store.NotificationQuery{PublicReferenceID: rec.PublicReferenceID,
			EquipmentNumber: view.EquipmentNumber, Event: release.EventReleaseLightChanged})
		if err != nil {
			return nil, Internal(err)
		}
		var by *release.Party
		if co, ok := s.dir.Company(ctx, rec.CompanyID); ok {
			p := co.Party()
			by = &p
		} else if rec.CompanyID != "" {
			by = &release.Party{NxtEntityID: rec.CompanyID}
		}
		for _, n := range rows {
			var m struct {
				Body release.LightChangedBody `json:"body"`
			}
			if json.Unmarshal(n.Message, &m) != nil || !mine[m.Body.ReleaseID] {
				continue
			}
			c := change{ref: rec.PublicReferenceID, release: m.Body.ReleaseID, light: m.Body.GreenLightName, to: m.Body.NewValue}
			if m.Body.OriginalValue != nil {
				c.from = *m.Body.OriginalValue
			}
			if seen[c] { // one notification per receiver
				continue
			}
			seen[c] = true
			out = append(out, LightChange{ReleaseID: c.release, Light: c.light, From: c.from, To: c.to, At: rec.At, By: by, Action: rec.Action})
		}
	}
	return out, nil
}
