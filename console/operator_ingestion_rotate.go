package console

import "net/http"

// operatorIngestionRotate handles POST /console/operator/companies/{id}/ingestion-id:
// admin.RotateIngestionID; the new id is shown this once, the old one stops at once.
func (c *Console) operatorIngestionRotate(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	ingestionID, err := c.opts.Admin.RotateIngestionID(r.Context(), id)
	if err != nil {
		c.showCompanies(w, r, companiesPage{Outcome: failed(r, "companies", err)})
		return
	}
	c.showCompanies(w, r, companiesPage{Outcome: outcome{Section: "companies", Done: "operator.companies.rotated", Of: id,
		Secret: ingestionID, SecretLabel: "operator.ingestionId"}})
}
