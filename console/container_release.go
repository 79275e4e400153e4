package console

import (
	"net/http"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// releaseFormData is the data of the Shipping Agent's release form.
type releaseFormData struct {
	Values  map[string]string
	Parties []identity.Company
	Result  *actionResult
}

// releaseForm handles GET /console/release.
func (c *Console) releaseForm(w http.ResponseWriter, r *http.Request) {
	c.renderRelease(w, r, http.StatusOK, map[string]string{}, nil)
}

func (c *Console) renderRelease(w http.ResponseWriter, r *http.Request, status int, values map[string]string, res *actionResult) {
	d := releaseFormData{Values: values, Result: res}
	for _, co := range c.companies(r) {
		if co.HasRole(release.RoleReleaseParty) || co.HasRole(release.RoleTransportOperator) {
			d.Parties = append(d.Parties, co)
		}
	}
	c.render(w, status, "release", "", c.view(r, "release.title", "release", d))
}

// releaseSubmit handles POST /console/release: the Shipping Agent's Release, built as the API's
// POST /ingestion/v1/ingestion/{ingestionId} builds it (api/ingestion.go), the release-to party
// picked from the registry. Done, it goes to the container's page; refused, the form comes back
// with the platform's text and what was typed.
func (c *Console) releaseSubmit(w http.ResponseWriter, r *http.Request) {
	values := releaseFormValues(r)
	key := release.Key{EquipmentNumber: values["equipmentNumber"], BillOfLadingNumbers: lines(values["billOfLadingNumbers"]),
		ReleaseIdentification: values["releaseIdentification"]}
	cmd, bad := ingestionOf(release.ActionRelease, c.opts.PortLoCode, key, values)
	if bad != "" {
		c.renderRelease(w, r, http.StatusBadRequest, values, &actionResult{Action: release.ActionRelease, Error: bad})
		return
	}
	res := c.execute(r, release.ActionRelease, service.Request{PortLoCode: c.opts.PortLoCode, EquipmentNumber: cmd.Key.EquipmentNumber,
		Command: cmd, Body: formAudit(r)})
	if !res.Done {
		c.renderRelease(w, r, http.StatusUnprocessableEntity, values, &res)
		return
	}
	http.Redirect(w, r, "/console/containers/"+c.opts.PortLoCode+"/"+identity.NormaliseCode(cmd.Key.EquipmentNumber)+"?done="+release.ActionRelease, http.StatusSeeOther)
}
