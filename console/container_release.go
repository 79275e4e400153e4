package console

import (
	"net/http"
	"strings"
	"time"

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

// releaseFields are the form's text fields: every field of the API's ingestion body
// (api/ingestion.go) but the parties, the bills of lading (one per line) and the times.
var releaseFields = []string{"equipmentNumber", "releaseIdentification", "terminalCode", "releaseOrderReference",
	"emptyReturnReference", "equipmentSupplier", "equipmentStatus", "fullEmptyIndicator", "equipmentOperator",
	"vesselName", "vesselNumber", "stayNumber", "vesselCallSign", "voyageNumber", "equipmentType", "meansOfTransport"}

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
	values := map[string]string{}
	for _, k := range append(slicesClone(releaseFields), "billOfLadingNumbers", "releaseTo", "isCarrierHaulage", "expirationDateTimeUtc") {
		values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	cmd := &release.Ingestion{
		ActionType: release.ActionRelease, PortLoCode: c.opts.PortLoCode, TerminalCode: values["terminalCode"],
		Key: release.Key{EquipmentNumber: values["equipmentNumber"], BillOfLadingNumbers: lines(values["billOfLadingNumbers"]),
			ReleaseIdentification: values["releaseIdentification"]},
		Details: release.Details{
			ReleaseOrderReference: values["releaseOrderReference"], EmptyReturnReference: values["emptyReturnReference"],
			EquipmentSupplier: values["equipmentSupplier"], EquipmentStatus: values["equipmentStatus"],
			FullEmptyIndicator: values["fullEmptyIndicator"], EquipmentOperator: values["equipmentOperator"],
			VesselName: values["vesselName"], VesselNumber: values["vesselNumber"], StayNumber: values["stayNumber"],
			VesselCallSign: values["vesselCallSign"], VoyageNumber: values["voyageNumber"], EquipmentType: values["equipmentType"],
			MeansOfTransport: values["meansOfTransport"],
		},
	}
	switch values["isCarrierHaulage"] {
	case "true", "false":
		v := values["isCarrierHaulage"] == "true"
		cmd.Details.IsCarrierHaulage = &v
	}
	if s := values["expirationDateTimeUtc"]; s != "" {
		t, err := time.Parse("2006-01-02T15:04", s)
		if err != nil {
			c.renderRelease(w, r, http.StatusBadRequest, values, &actionResult{Action: release.ActionRelease,
				Error: "The field 'expirationDateTimeUtc' is not a date and time."})
			return
		}
		cmd.Details.ExpirationDateTimeUtc = &t
	}
	if to := values["releaseTo"]; to != "" {
		cmd.ReleaseTo = byNxtEntityID(to)
	}
	res := c.execute(r, release.ActionRelease, service.Request{PortLoCode: c.opts.PortLoCode, EquipmentNumber: cmd.Key.EquipmentNumber,
		Command: cmd, Body: formAudit(r)})
	if !res.Done {
		c.renderRelease(w, r, http.StatusUnprocessableEntity, values, &res)
		return
	}
	http.Redirect(w, r, "/console/containers/"+c.opts.PortLoCode+"/"+identity.NormaliseCode(cmd.Key.EquipmentNumber)+"?done="+release.ActionRelease, http.StatusSeeOther)
}

// lines splits a text area into its non-empty lines (commas separate as well).
func lines(s string) []string {
	var out []string
	for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ',' || r == '\r' }) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }
