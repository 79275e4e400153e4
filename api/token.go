package api

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strconv"

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
	req, oerr := parseTokenRequest(r.PostForm, r)
	if oerr != nil {
		return oauthFail(w, oerr)
	}
	var grant service.TokenGrant
	var err error
	if req.grantType == "password" {
		grant, err = a.svc.PasswordToken(r.Context(), req.username, req.password, remoteHost(a, r))
	} else {
		grant, err = a.svc.ClientCredentialsToken(r.Context(), req.clientID, req.secret, remoteHost(a, r))
	}
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

// remoteHost is the caller's address: what failed proofs of a secret are throttled by (behind a
// proxy of --trusted-proxies, the client it names; docs/security.md).
func remoteHost(a *API, r *http.Request) string {
	return a.svc.ClientAddress(r.RemoteAddr, r.Header.Values("X-Forwarded-For"))
}

func oauthFail(w http.ResponseWriter, e *service.OAuthError) error {
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="portlight"`)
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds()+0.999)))
	}
	writeJSON(w, e.Status, e)
	return nil
}

// tokenRequest is a parsed token request.
type tokenRequest struct {
	grantType, clientID, secret, username, password string
}

// basicAuther is what parseTokenRequest needs of the request: its HTTP Basic credentials.
type basicAuther interface {
	BasicAuth() (string, string, bool)
}

// parseTokenRequest reads the form of POST /connect/token: client_credentials takes the client
// from HTTP Basic authentication or the form; password takes username and password.
func parseTokenRequest(form url.Values, basic basicAuther) (tokenRequest, *service.OAuthError) {
	req := tokenRequest{grantType: form.Get("grant_type")}
	switch req.grantType {
	case "client_credentials":
		id, secret, ok := basic.BasicAuth()
		if !ok {
			id, secret = form.Get("client_id"), form.Get("client_secret")
		}
		req.clientID, req.secret = id, secret
	case "password":
		req.username, req.password = form.Get("username"), form.Get("password")
	case "":
		return req, &service.OAuthError{Status: 400, Code: "invalid_request", Description: "grant_type is required"}
	default:
		return req, &service.OAuthError{Status: 400, Code: "unsupported_grant_type", Description: "supported: client_credentials, password"}
	}
	return req, nil
}
