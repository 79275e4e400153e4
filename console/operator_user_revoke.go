package console

import "net/http"

// operatorUserRevoke handles POST /console/operator/companies/{id}/users/revoke: admin.RevokeUser
// of the form's username. The user's open console sessions end at their next request, which
// asks the registry for the user (service.UserCaller).
func (c *Console) operatorUserRevoke(w http.ResponseWriter, r *http.Request) {
	c.companyRevoked(w, r, "users", c.opts.Admin.RevokeUser(r.Context(), r.PostFormValue("username")))
}
