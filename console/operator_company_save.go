package console

import (
	"errors"
	"net/http"
	"strings"

	"github.com/portlight/portlight/admin"
	"github.com/portlight/portlight/release"
)

// operatorCompanySave handles POST /console/operator/companies: admin.PutCompany with the form's
// NxtEntityId, name and roles. A company that exists keeps what the form does not hold (its
// identifiers, addresses and ingestion id); a new one gets an ingestion id, shown this once.
func (c *Console) operatorCompanySave(w http.ResponseWriter, r *http.Request) {
	a := c.opts.Admin
	id := strings.TrimSpace(r.PostFormValue("nxtEntityId"))
	co, err := a.Company(r.Context(), id)
	isNew := errors.Is(err, admin.ErrNotFound)
	if err == nil || isNew {
		co.NxtEntityID, co.Name, co.Roles = id, r.PostFormValue("name"), nil
		for _, role := range r.PostForm["roles"] {
			co.Roles = append(co.Roles, release.Role(role))
		}
		co, err = a.PutCompany(r.Context(), co)
	}
	if err != nil {
		c.showCompanies(w, r, companiesPage{Form: co, Outcome: failed(r, "companies", err)})
		return
	}
	out := outcome{Section: "companies", Done: "operator.companies.saved", Of: co.NxtEntityID}
	if isNew {
		out.Secret, out.SecretLabel = co.IngestionID, "operator.ingestionId"
	}
	c.showCompanies(w, r, companiesPage{Outcome: out})
}
