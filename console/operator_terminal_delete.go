package console

import (
	"net/http"

	"github.com/portlight/portlight/identity"
)

// operatorTerminalDelete handles POST /console/operator/terminals/delete: admin.DeleteTerminal
// of the form's port and terminal code, then the terminals page again.
func (c *Console) operatorTerminalDelete(w http.ResponseWriter, r *http.Request) {
	if err := c.opts.Admin.DeleteTerminal(r.Context(), r.PostFormValue("portLoCode"), r.PostFormValue("terminalCode")); err != nil {
		c.showTerminals(w, r, terminalsPage{Form: identity.Terminal{PortLoCode: c.opts.PortLoCode}, Outcome: failed(r, "terminals", err)})
		return
	}
	http.Redirect(w, r, "/console/operator/terminals", http.StatusSeeOther)
}
