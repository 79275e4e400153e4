package console

import (
	"net/http"

	"github.com/portlight/portlight/service"
)

// operatorSignInPage handles GET /console/operator/signin.
func (c *Console) operatorSignInPage(w http.ResponseWriter, r *http.Request) {
	c.render(w, http.StatusOK, "operator_signin", "", c.view(r, "operator.signin.title", "", ""))
}

// operatorSignIn handles POST /console/operator/signin: the token is checked by the service as
// the admin API checks it (service.CheckOperatorToken: constant time, failures throttled per
// address, the same count for both doors), and an operator session is set.
func (c *Console) operatorSignIn(w http.ResponseWriter, r *http.Request) {
	from := c.svc.ClientAddress(r.RemoteAddr, r.Header.Values("X-Forwarded-For"))
	if err := c.svc.CheckOperatorToken(r.PostFormValue("token"), c.opts.OperatorToken, from); err != nil {
		msg, status := "operator.signin.failed", http.StatusUnauthorized
		if service.CodeOf(err) == service.CodeTooManyRequests {
			msg, status = "signin.throttled", http.StatusTooManyRequests
		}
		c.render(w, status, "operator_signin", "", c.view(r, "operator.signin.title", "", msg))
		return
	}
	now := c.now().Unix()
	c.sessions.write(w, session{Operator: c.operatorTag, SignedIn: now, LastSeen: now})
	http.Redirect(w, r, "/console/operator/companies", http.StatusSeeOther)
}
