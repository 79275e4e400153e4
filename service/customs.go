package service

import (
	"context"
	"time"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/release"
)

// CustomsView is the synchronous CCRM answer: the customs status of a container and its colour.
type CustomsView struct {
	PortLoCode      string               `json:"portLoCode"`
	EquipmentNumber string               `json:"equipmentNumber"`
	Status          string               `json:"status"`
	Colour          release.Colour       `json:"colour"`
	Progress        string               `json:"customsProgress"`
	Source          *string              `json:"source"`
	UpdatedOn       *string              `json:"updatedOn"`
	Releases        []CustomsReleaseView `json:"releases"`
}

// CustomsReleaseView is one release of the container with its customs lights.
type CustomsReleaseView struct {
	ReleaseID           string         `json:"releaseId"`
	BillOfLadingNumbers []string       `json:"billOfLadingNumbers"`
	Status              string         `json:"status"`
	Colour              release.Colour `json:"colour"`
	Progress            string         `json:"customsProgress"`
}

// CustomsStatus answers CCRM GET for a party entitled to the container (a stakeholder of one of
// its releases, or the customs authority) and counts one metered use per container, company and
// month, as the real service bills per container. Anyone else is refused without learning whether
// the container exists.
func (s *Service) CustomsStatus(ctx context.Context, caller *Caller, port, eq string) (CustomsView, error) {
	port, eq = normalisePort(port), identity.NormaliseCode(eq)
	now := s.now().UTC()
	c, err := s.store.Container(ctx, port, eq, now)
	if err != nil {
		return CustomsView{}, Internal(err)
	}
	me := caller.Company.NxtEntityID
	entitled := caller.Company.HasRole(release.RoleCustoms)
	view := CustomsView{PortLoCode: port, EquipmentNumber: eq, Status: release.ValueNotReleased, Progress: release.ValueUnknown, Releases: []CustomsReleaseView{}}
	for _, r := range c.Rights {
		if r.Deleted() {
			continue
		}
		if r.IsStakeholder(me) {
			entitled = true
		}
		colour, _ := release.ColourOf(release.LightCustoms, r.Lights.Customs)
		view.Releases = append(view.Releases, CustomsReleaseView{ReleaseID: r.ReleaseID, BillOfLadingNumbers: r.Key.BillOfLadingNumbers,
			Status: r.Lights.Customs, Colour: colour, Progress: r.Lights.CustomsProgress})
	}
	if !entitled {
		return CustomsView{}, Errorf(CodeForbidden, "You are not entitled to the customs status of this container.")
	}
	if f := c.Facts.Customs; f != nil {
		if f.Status != "" {
			view.Status = f.Status
		}
		if f.Progress != "" {
			view.Progress = f.Progress
		}
		at := f.At.UTC().Format(release.TimestampLayout)
		view.UpdatedOn = &at
		if f.Source != "" {
			view.Source = &f.Source
		}
	} else if len(view.Releases) > 0 {
		// No feed message kept (a manual overwrite, or a container released before facts existed).
		latest := view.Releases[len(view.Releases)-1]
		view.Status, view.Progress = latest.Status, latest.Progress
	}
	view.Colour, _ = release.ColourOf(release.LightCustoms, view.Status)
	view.Progress = release.EffectiveProgress(view.Status, view.Progress)
	if err := s.store.RecordCCRMUse(ctx, me, port, eq, monthOf(now)); err != nil {
		return CustomsView{}, Internal(err)
	}
	return view, nil
}

// monthOf is the billing month of a time, "2026-11".
func monthOf(t time.Time) string { return t.UTC().Format("2006-01") }
