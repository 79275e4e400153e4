package console

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/portlight/portlight/release"
)

// customsPage is the data of a container's customs page.
type customsPage struct {
	PortLoCode      string
	EquipmentNumber string
	// Reading is the container's customs status as the caller may read it (nil on the lookup).
	Reading *release.CustomsReading
	Result  *actionResult
	// Form is what was typed into the customs status form when it was not done.
	Form map[string]string
}

// customsLookup handles GET /console/customs: a container to look up (a customs authority is a
// stakeholder of no release, so no list holds its containers); with ?equipmentNumber= it goes to
// that container's customs page.
func (c *Console) customsLookup(w http.ResponseWriter, r *http.Request) {
	if eq := strings.TrimSpace(r.URL.Query().Get("equipmentNumber")); eq != "" {
		http.Redirect(w, r, "/console/customs/"+c.opts.PortLoCode+"/"+url.PathEscape(release.NormaliseCode(eq)), http.StatusSeeOther)
		return
	}
	c.render(w, http.StatusOK, "customs", "", c.view(r, "customs.title", "customs", customsPage{PortLoCode: c.opts.PortLoCode}))
}

// customsView handles GET /console/customs/{port}/{eq}: the customs status of a container, as the
// API's CCRM GET reads it (service.CustomsStatus: for the customs authority and the container's
// stakeholders, metered like the API's read), and for the customs authority the form that sends
// a status.
func (c *Console) customsView(w http.ResponseWriter, r *http.Request) {
	var res *actionResult
	if done := r.URL.Query().Get("done"); done != "" {
		res = &actionResult{Action: done, Done: true}
	}
	c.showCustoms(w, r, http.StatusOK, res)
}

func (c *Console) showCustoms(w http.ResponseWriter, r *http.Request, status int, res *actionResult) {
	reading, err := c.svc.CustomsStatus(r.Context(), callerOf(r), r.PathValue("port"), r.PathValue("eq"))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d := customsPage{PortLoCode: release.NormaliseCode(r.PathValue("port")), EquipmentNumber: release.NormaliseCode(r.PathValue("eq")),
		Reading: &reading, Result: res, Form: map[string]string{"source": release.CustomsSources[0]}}
	if res != nil && res.Form != nil {
		d.Form = res.Form
	}
	c.render(w, status, "customs", "", c.view(r, "customs.title", "customs", d))
}
