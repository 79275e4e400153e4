package console

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"log/slog"
	"net/http"

	"github.com/portlight/portlight/console/i18n"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// The operator pages (/console/operator/...): the port's operator works the registry —
// companies, terminals, users, client applications, subscription keys — through package admin,
// the same admin.Admin the admin API (api/admin.go) and `portlight admin` use. The operator is
// no company user: it signs in with the admin API's token (operator_signin.go), checked by the
// service's guard as the admin API checks it, and gets a session of the usual cookie marked as
// the operator's.

// operatorTag is what an operator session carries to say which token opened it: an HMAC of the
// token under the session key, which neither shows the token nor can be made without the key.
// A new token gives a new tag, so the sessions of the old one end.
func operatorTag(sessionKey []byte, token string) string {
	m := hmac.New(sha256.New, sessionKey)
	m.Write([]byte("portlight operator session\x00" + token))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// operatorOn answers 404 for the operator's pages while the node has no operator token, as if
// they did not exist.
func (c *Console) operatorOn(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if c.operatorTag == "" {
			http.NotFound(w, r)
			return
		}
		next(w, r)
	}
}

// requireOperator lets a request through only with a live operator session of the current
// token; anyone else (no session, a company user's session, a session of an older token) goes to
// the operator's sign-in page. The session expires and is renewed like a user's.
func (c *Console) requireOperator(next http.HandlerFunc) http.HandlerFunc {
	return c.operatorOn(func(w http.ResponseWriter, r *http.Request) {
		now := c.now()
		ss, ok := c.sessions.read(r, now)
		if !ok || !hmac.Equal([]byte(ss.Operator), []byte(c.operatorTag)) {
			if ok && ss.Operator != "" {
				c.sessions.clear(w) // an older token's session: over
			}
			http.Redirect(w, r, "/console/operator/signin", http.StatusSeeOther)
			return
		}
		ss = c.sessions.renew(w, ss, now)
		next(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, ss)))
	})
}

// operatorView is the view of an operator page (the layout shows the operator's menu).
func (c *Console) operatorView(r *http.Request, title, nav string, data any) view {
	v := c.view(r, title, nav, data)
	v.Operator = true
	return v
}

// operatorHome handles GET /console/operator/: the companies are the operator's first page.
func (c *Console) operatorHome(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/console/operator/companies", http.StatusSeeOther)
}

// operatorRoles are the roles a company form offers (admin.PutCompany checks them).
var operatorRoles = []release.Role{release.RoleShippingAgent, release.RoleTerminalOperator, release.RoleReleaseParty,
	release.RoleTransportOperator, release.RoleCustoms}

// outcome is what became of an operator's action, shown in place in the part of the page it
// concerns (Section): done (Done, a catalogue key naming Of), with the secret it made shown this
// once (Secret, named by the catalogue key SecretLabel); or refused by admin with its text (Error,
// answered with Status, as the admin API would answer it).
type outcome struct {
	Section             string
	Done, Of            string
	Secret, SecretLabel string
	Error               string
	Status              int
}

// For is what the "outcome" template (templates/common/operator.html) shows in section s of a
// page, in l's language: the outcome when it belongs there, else nothing.
func (o outcome) For(l *i18n.Printer, s string) outcomeArg {
	return outcomeArg{L: l, O: o, Show: o.Section == s && (o.Done != "" || o.Error != "")}
}

type outcomeArg struct {
	L    *i18n.Printer
	O    outcome
	Show bool
}

func (o outcome) status() int {
	if o.Status == 0 {
		return http.StatusOK
	}
	return o.Status
}

// failed is the outcome of an action admin refused: its text in place, with the status the admin
// API answers it with (an internal error's details are logged, never shown).
func failed(r *http.Request, section string, err error) outcome {
	out := outcome{Section: section, Error: err.Error()}
	switch service.CodeOf(err) {
	case service.CodeInvalid:
		out.Status = http.StatusBadRequest
	case service.CodeNotFound:
		out.Status = http.StatusNotFound
	case service.CodeConflict:
		out.Status = http.StatusConflict
	default:
		slog.Error("console: operator", "path", r.URL.Path, "err", err)
		out.Status, out.Error = http.StatusInternalServerError, serviceMessage(err)
	}
	return out
}
