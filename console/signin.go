package console

import (
	"errors"
	"net/http"

	"github.com/portlight/portlight/service"
)

// signInForm is the sign-in page's data.
type signInForm struct {
	Username string
	Error    string // a catalogue key
}

// signInPage handles GET /console/signin.
func (c *Console) signInPage(w http.ResponseWriter, r *http.Request) {
	c.render(w, http.StatusOK, "signin", "", c.view(r, "signin.title", "", signInForm{}))
}

// signIn handles POST /console/signin: the password is checked by the password grant's own path
// (service.SignIn), and a session cookie is set for the user.
func (c *Console) signIn(w http.ResponseWriter, r *http.Request) {
	username := r.PostFormValue("username")
	caller, err := c.svc.SignIn(r.Context(), username, r.PostFormValue("password"), c.svc.ClientAddress(r.RemoteAddr, r.Header.Values("X-Forwarded-For")))
	if err != nil {
		form, status := signInForm{Username: username, Error: "signin.failed"}, http.StatusUnauthorized
		var oe *service.OAuthError
		if (errors.As(err, &oe) && oe.Status == http.StatusTooManyRequests) || service.CodeOf(err) == service.CodeTooManyRequests {
			form.Error, status = "signin.throttled", http.StatusTooManyRequests
		} else if !errors.As(err, &oe) && service.CodeOf(err) == service.CodeInternal {
			c.fail(w, r, err)
			return
		}
		c.render(w, status, "signin", "", c.view(r, "signin.title", "", form))
		return
	}
	now := c.now().Unix()
	c.sessions.write(w, session{Username: username, CompanyID: caller.Company.NxtEntityID, SignedIn: now, LastSeen: now})
	http.Redirect(w, r, "/console/containers", http.StatusSeeOther)
}

// signOut handles POST /console/signout; the operator goes back to the operator's sign-in.
func (c *Console) signOut(w http.ResponseWriter, r *http.Request) {
	to := "/console/signin"
	if ss, ok := c.sessions.read(r, c.now()); ok && ss.Operator != "" {
		to = "/console/operator/signin"
	}
	c.sessions.clear(w)
	http.Redirect(w, r, to, http.StatusSeeOther)
}
