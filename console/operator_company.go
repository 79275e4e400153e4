package console

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/portlight/portlight/admin"
	"github.com/portlight/portlight/identity"
)

// companyPage is one company's page for the operator: its users, client applications and
// subscription keys (never their secrets, which are stored hashed), a form to make each, and what
// the last action did.
type companyPage struct {
	Company identity.Company
	Users   []identity.User
	Clients []identity.Client
	Keys    []admin.SubscriptionKeyView
	// Username is the user form's username when admin refused it (never the password).
	Username string
	Outcome  outcome
}

// operatorCompany handles GET /console/operator/companies/{id}.
func (c *Console) operatorCompany(w http.ResponseWriter, r *http.Request) {
	c.showCompany(w, r, companyPage{})
}

// showCompany renders the page of the company of the path with p's outcome.
func (c *Console) showCompany(w http.ResponseWriter, r *http.Request, p companyPage) {
	a, ctx, id := c.opts.Admin, r.Context(), r.PathValue("id")
	var err, errU, errC, errK error
	if p.Company, err = a.Company(ctx, id); err != nil {
		c.fail(w, r, err)
		return
	}
	p.Users, errU = a.Users(ctx, id)
	p.Clients, errC = a.Clients(ctx, id)
	p.Keys, errK = a.SubscriptionKeys(ctx, id)
	if err := errors.Join(errU, errC, errK); err != nil {
		c.fail(w, r, err)
		return
	}
	c.render(w, p.Outcome.status(), "operator_company", "", c.operatorView(r, "operator.company.title", "companies", p))
}

// companyMade ends an action that makes something on a company's page: the page again, with what
// was made (its secret shown this once) or why admin refused, in the section it concerns.
func (c *Console) companyMade(w http.ResponseWriter, r *http.Request, made outcome, err error) {
	if err != nil {
		c.showCompany(w, r, companyPage{Username: r.PostFormValue("username"), Outcome: failed(r, made.Section, err)})
		return
	}
	c.showCompany(w, r, companyPage{Outcome: made})
}

// companyRevoked ends a revocation on a company's page: back to the page, where the list shows
// it revoked, or the page with why admin refused.
func (c *Console) companyRevoked(w http.ResponseWriter, r *http.Request, section string, err error) {
	if err != nil {
		c.showCompany(w, r, companyPage{Outcome: failed(r, section, err)})
		return
	}
	http.Redirect(w, r, "/console/operator/companies/"+url.PathEscape(r.PathValue("id")), http.StatusSeeOther)
}
