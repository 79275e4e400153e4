package console

import (
	"net/http"
	"slices"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/release"
)

// companiesPage is the operator's companies page: every company, the form that creates or
// replaces one, and what the last action did (Outcome).
type companiesPage struct {
	Companies []identity.Company
	Roles     []release.Role
	// Form holds the form's values when admin refused them, to be corrected.
	Form    identity.Company
	Outcome outcome
}

// Checked reports whether the form holds role r.
func (p companiesPage) Checked(r release.Role) bool { return slices.Contains(p.Form.Roles, r) }

// operatorCompanies handles GET /console/operator/companies.
func (c *Console) operatorCompanies(w http.ResponseWriter, r *http.Request) {
	c.showCompanies(w, r, companiesPage{})
}

// showCompanies renders the companies page with p's form and outcome.
func (c *Console) showCompanies(w http.ResponseWriter, r *http.Request, p companiesPage) {
	cos, err := c.opts.Admin.Companies(r.Context())
	if err != nil {
		c.fail(w, r, err)
		return
	}
	p.Companies, p.Roles = cos, operatorRoles
	c.render(w, p.Outcome.status(), "operator_companies", "", c.operatorView(r, "operator.companies.title", "companies", p))
}
