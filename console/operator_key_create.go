package console

import "net/http"

// operatorKeyCreate handles POST /console/operator/companies/{id}/subscription-keys:
// admin.CreateSubscriptionKey; the key is shown this once (the list names it by its keyId).
func (c *Console) operatorKeyCreate(w http.ResponseWriter, r *http.Request) {
	k, err := c.opts.Admin.CreateSubscriptionKey(r.Context(), r.PathValue("id"), r.PostFormValue("name"))
	c.companyMade(w, r, outcome{Section: "keys", Done: "operator.keys.made", Of: k.KeyID,
		Secret: k.SubscriptionKey, SecretLabel: "operator.subscriptionKey"}, err)
}
