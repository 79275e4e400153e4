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
		PortLoCode: strings.ToUpper(port), EquipmentNumber: eq, Status: status, Progress: progress,
		BillOfLadingNumbers: b.BillOfLadingNumbers, Source: source, EventDateTimeUtc: b.EventDateTimeUtc.t,
	}, nil
}

// postCustomsStatus handles POST /ccrm/v1/{port}/containers/{eq}/customs-status, the customs feed.
func (a *API) postCustomsStatus(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	if err := service.RequireRole(c, release.RoleCustoms); err != nil {
		return err
	}
	return a.containerCommand(w, r, c, func(raw []byte, port, eq string) (release.Command, error) { return parseCustomsStatus(raw, port, eq) })
}

// getCustomsStatus handles GET /ccrm/v1/{port}/containers/{eq}: synchronous and metered.
func (a *API) getCustomsStatus(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	port, eq := r.PathValue("port"), r.PathValue("eq")
	if err := checkPort(port); err != nil {
		return err
	}
	view, err := a.svc.CustomsStatus(r.Context(), c, port, eq)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, view)
	return nil
}
