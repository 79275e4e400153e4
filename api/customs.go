package api

import (
	"net/http"
	"strings"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// customsStatusBody is a message of the customs feed (CCRM, NGPS or PLDA).
type customsStatusBody struct {
	Status              string   `json:"status"`
	Progress            string   `json:"progress"`
	BillOfLadingNumbers []string `json:"billOfLadingNumbers"`
	Source              string   `json:"source"`
	EventDateTimeUtc    isoTime  `json:"eventDateTimeUtc"`
}

func parseCustomsStatus(raw []byte, port, eq string) (*release.CustomsStatus, error) {
	var b customsStatusBody
	if err := decodeJSON(raw, &b); err != nil {
		return nil, err
	}
	status, progress, source := strings.ToUpper(strings.TrimSpace(b.Status)), strings.ToUpper(strings.TrimSpace(b.Progress)), strings.TrimSpace(b.Source)
	if status == "" && progress == "" {
		return nil, service.FieldError("status", "The field 'status' (or 'progress') is required.")
	}
	if status != "" {
		if _, ok := canonical(status, release.CustomsValues); !ok {
			return nil, service.FieldError("status", "The field 'status' must be one of "+strings.Join(release.CustomsValues, ", ")+".")
		}
	}
	if progress != "" {
		if _, ok := canonical(progress, release.CustomsProgressValues); !ok {
			return nil, service.FieldError("progress", "The field 'progress' must be one of "+strings.Join(release.CustomsProgressValues, ", ")+".")
		}
	}
	if source != "" {
		s, ok := canonical(source, release.CustomsSources)
		if !ok {
			return nil, service.FieldError("source", "The field 'source' must be one of "+strings.Join(release.CustomsSources, ", ")+".")
		}
		source = s
	}
	return &release.CustomsStatus{
		PortLoCode: release.NormaliseCode(port), EquipmentNumber: eq, Status: status, Progress: progress,
		BillOfLadingNumbers: b.BillOfLadingNumbers, Source: source, EventDateTimeUtc: b.EventDateTimeUtc.t,
	}, nil
}

// postCustomsStatus handles POST /ccrm/v1/{port}/containers/{eq}/customs-status, the customs feed.
func (a *API) postCustomsStatus(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	return a.containerCommand(w, r, c, func(raw []byte, port, eq string) (release.Command, error) { return parseCustomsStatus(raw, port, eq) })
}

// getCustomsStatus handles GET /ccrm/v1/{port}/containers/{eq}: synchronous and metered.
func (a *API) getCustomsStatus(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	port, eq := r.PathValue("port"), r.PathValue("eq")
	if err := checkPort(port); err != nil {
		return err
	}
	reading, err := a.svc.CustomsStatus(r.Context(), c, port, eq)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, customsView(release.NormaliseCode(port), release.NormaliseCode(eq), reading))
	return nil
}

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

// customsView renders what the core read of a container's customs status.
func customsView(port, eq string, c release.CustomsReading) CustomsView {
	v := CustomsView{PortLoCode: port, EquipmentNumber: eq, Status: c.Status, Colour: c.Colour, Progress: c.Progress,
		Releases: make([]CustomsReleaseView, len(c.Releases))}
	if c.Source != "" {
		v.Source = &c.Source
	}
	if !c.UpdatedOn.IsZero() {
		at := c.UpdatedOn.UTC().Format(release.TimestampLayout)
		v.UpdatedOn = &at
	}
	for i, r := range c.Releases {
		v.Releases[i] = CustomsReleaseView{ReleaseID: r.ReleaseID, BillOfLadingNumbers: r.BillOfLadingNumbers,
			Status: r.Status, Colour: r.Colour, Progress: r.Progress}
	}
	return v
}
