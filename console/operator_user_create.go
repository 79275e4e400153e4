package console

import "net/http"

// operatorUserCreate handles POST /console/operator/companies/{id}/users: admin.CreateUser; a
// password left empty is made by admin and shown this once.
func (c *Console) operatorUserCreate(w http.ResponseWriter, r *http.Request) {
	u, err := c.opts.Admin.CreateUser(r.Context(), r.PathValue("id"), r.PostFormValue("username"), r.PostFormValue("password"))
	c.companyMade(w, r, outcome{Section: "users", Done: "operator.users.made", Of: u.Username,
		Secret: u.Password, SecretLabel: "operator.password"}, err)
}
