package api

import (
	"errors"
	"mime"
	"net/http"

	"github.com/portlight/portlight/service"
)

// postToken handles POST /connect/token (OAuth 2.0, form-encoded). client_credentials takes the
// client id and secret from the form or from HTTP Basic authentication.
func (a *API) postToken(w http.ResponseWriter, r *http.Request, _ *service.Caller) error {
	w.Header().Set("Cache-Control", "no-store")
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		return oauthFail(w, &service.OAuthError{Status: 400, Code: "invalid_request", Description: "the body must be application/x-www-form-urlencoded"})
	}
	if err := r.ParseForm(); err != nil {
		return oauthFail(w, &service.OAuthError{Status: 400, Code: "invalid_request", Description: "the form could not be parsed"})
	}
	switch r.PostForm.Get("grant_type") {
	case "client_credentials":
	case "":
		return oauthFail(w, &service.OAuthError{Status: 400, Code: "invalid_request", Description: "grant_type is required"})
	default:
		return oauthFail(w, &service.OAuthError{Status: 400, Code: "unsupported_grant_type", Description: "supported: client_credentials"})
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	grant, err := a.svc.ClientCredentialsToken(r.Context(), id, secret)
	if err != nil {
		var oe *service.OAuthError
		if errors.As(err, &oe) {
			return oauthFail(w, oe)
		}
		return err
	}
	writeJSON(w, http.StatusOK, grant)
	return nil
}

func oauthFail(w http.ResponseWriter, e *service.OAuthError) error {
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="portlight"`)
	}
	writeJSON(w, e.Status, e)
	return nil
}
