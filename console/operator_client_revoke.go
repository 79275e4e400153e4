package console

import "net/http"

// operatorClientRevoke handles POST /console/operator/companies/{id}/clients/revoke:
// admin.RevokeClient of the form's client id; its tokens stop working at once.
func (c *Console) operatorClientRevoke(w http.ResponseWriter, r *http.Request) {
	c.companyRevoked(w, r, "clients", c.opts.Admin.RevokeClient(r.Context(), r.PostFormValue("clientId")))
}
