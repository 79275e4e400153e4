package console

import "net/http"

// operatorKeyRevoke handles POST /console/operator/companies/{id}/subscription-keys/revoke:
// admin.RevokeSubscriptionKey of the form's keyId; the key stops working at once.
func (c *Console) operatorKeyRevoke(w http.ResponseWriter, r *http.Request) {
	c.companyRevoked(w, r, "keys", c.opts.Admin.RevokeSubscriptionKey(r.Context(), r.PostFormValue("keyId")))
}
