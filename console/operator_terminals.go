package console

import (
	"net/http"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/release"
)

// terminalsPage is the operator's terminals page: every terminal, the form that creates or
// replaces one, and what the last action did.
type terminalsPage struct {
	Terminals []identity.Terminal
	// Operators are the companies with the Terminal Operator role, which the form offers
	// (admin.PutTerminal refuses any other).
	Operators []identity.Company
	Form      identity.Terminal
	Outcome   outcome
}

// operatorTerminals handles GET /console/operator/terminals.
func (c *Console) operatorTerminals(w http.ResponseWriter, r *http.Request) {
	c.showTerminals(w, r, terminalsPage{Form: identity.Terminal{PortLoCode: c.opts.PortLoCode}})
}

// showTerminals renders the terminals page with p's form and outcome.
func (c *Console) showTerminals(w http.ResponseWriter, r *http.Request, p terminalsPage) {
	a := c.opts.Admin
	ts, err := a.Terminals(r.Context())
	if err != nil {
		c.fail(w, r, err)
		return
	}
	cos, err := a.Companies(r.Context())
	if err != nil {
		c.fail(w, r, err)
		return
	}
	p.Terminals = ts
	for _, co := range cos {
		if co.HasRole(release.RoleTerminalOperator) {
			p.Operators = append(p.Operators, co)
		}
	}
	c.render(w, p.Outcome.status(), "operator_terminals", "", c.operatorView(r, "operator.terminals.title", "terminals", p))
}
