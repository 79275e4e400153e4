package console

import "net/http"

// operatorClientCreate handles POST /console/operator/companies/{id}/clients: admin.CreateClient;
// the client secret is shown this once.
func (c *Console) operatorClientCreate(w http.ResponseWriter, r *http.Request) {
	cl, err := c.opts.Admin.CreateClient(r.Context(), r.PathValue("id"), r.PostFormValue("name"))
	c.companyMade(w, r, outcome{Section: "clients", Done: "operator.clients.made", Of: cl.ClientID,
		Secret: cl.ClientSecret, SecretLabel: "operator.clientSecret"}, err)
}
