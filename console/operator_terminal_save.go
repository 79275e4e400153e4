package console

import (
	"net/http"

	"github.com/portlight/portlight/identity"
)

// operatorTerminalSave handles POST /console/operator/terminals: admin.PutTerminal.
func (c *Console) operatorTerminalSave(w http.ResponseWriter, r *http.Request) {
	t := identity.Terminal{PortLoCode: r.PostFormValue("portLoCode"), Code: r.PostFormValue("terminalCode"),
		Name: r.PostFormValue("name"), OperatorID: r.PostFormValue("operatorNxtEntityId")}
	if err := c.opts.Admin.PutTerminal(r.Context(), t); err != nil {
		c.showTerminals(w, r, terminalsPage{Form: t, Outcome: failed(r, "terminals", err)})
		return
	}
	c.showTerminals(w, r, terminalsPage{Form: identity.Terminal{PortLoCode: c.opts.PortLoCode},
		Outcome: outcome{Section: "terminals", Done: "operator.terminals.saved", Of: t.Code}})
}
