package console

import (
	"net/http"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// containerUpdate handles POST /console/containers/{port}/{eq}/update: the Shipping Agent's
// Update of one of its releases, the fields of the release form (release_form.go) as the API's
// POST /ingestion/v1/ingestion/{ingestionId} with actionType Update carries them
// (api/ingestion.go). The release is named by its key, which an Update cannot change; every other
// field is overwritten, so the form comes filled in with what the release holds.
func (c *Console) containerUpdate(w http.ResponseWriter, r *http.Request) {
	rt, ok := c.findRight(w, r)
	if !ok {
		return
	}
	values := releaseFormValues(r)
	// The key is shown, not typed: the release's own.
	values["equipmentNumber"], values["releaseIdentification"] = rt.Key.EquipmentNumber, rt.Key.ReleaseIdentification
	values["billOfLadingNumbers"] = releaseValuesOf(rt)["billOfLadingNumbers"]
	formKey := "update-" + rt.ReleaseID
	cmd, bad := ingestionOf(release.ActionUpdate, rt.PortLoCode, rt.Key, values)
	if bad != "" {
		c.showContainer(w, r, http.StatusBadRequest, &actionResult{Action: release.ActionUpdate, Error: bad, FormKey: formKey, Form: values})
		return
	}
	res := c.execute(r, release.ActionUpdate, service.Request{PortLoCode: rt.PortLoCode, EquipmentNumber: rt.Key.EquipmentNumber,
		Command: cmd, Body: formAudit(r)})
	res.FormKey, res.Form = formKey, values
	c.respond(w, r, res)
}
