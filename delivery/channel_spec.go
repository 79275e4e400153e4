package delivery

import (
	"regexp"
	"slices"
	"strings"

	"github.com/portlight/portlight/release"
)

// The checks of what a company asks a channel to be (Spec), one part each; Manager.apply puts
// them together.

var headerName = regexp.MustCompile(`^[A-Za-z0-9!#$%&'*+.^_|~-]{1,100}$`)

// reservedHeaders are set by Portlight on every delivery, or belong to the connection: a static
// header may not replace them.
var reservedHeaders = []string{"host", "content-length", "content-type", "content-encoding", "transfer-encoding",
	"connection", "keep-alive", "te", "trailer", "upgrade", "proxy-authorization", "proxy-connection", "expect",
	"user-agent", "webhook-id", "webhook-timestamp", "webhook-signature", "cookie"}

// checkName is a channel's name, trimmed: required, at most 100 characters.
func checkName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", invalid("name", "'name' is required.")
	}
	if len(name) > 100 {
		return "", invalid("name", "'name' may be at most 100 characters long.")
	}
	return name, nil
}

// checkAuthType returns the login asked for with its type canonical: none when not given.
func checkAuthType(auth *AuthSpec) (AuthSpec, error) {
	if auth == nil || auth.Type == "" {
		a := AuthSpec{Type: AuthNone}
		if auth != nil {
			a, a.Type = *auth, AuthNone
		}
		return a, nil
	}
	t, ok := canonicalOf(auth.Type, authTypes)
	if !ok {
		return AuthSpec{}, invalid("authentication.type", "'authentication.type' must be one of %s.", strings.Join(authTypes, ", "))
	}
	a := *auth
	a.Type = t
	return a, nil
}

// checkHeaders checks a channel's static headers: at most 32, valid names, none that Portlight
// sets itself (nor Authorization when Portlight logs in with authType), one-line values; a value
// sent back masked (MaskedHeaderValue) keeps the one prev holds.
func checkHeaders(given map[string]string, authType string, prev *Channel) (map[string]string, error) {
	headers := map[string]string{}
	if len(given) > 32 {
		return nil, invalid("headers", "A channel may have at most 32 headers.")
	}
	for k, v := range given {
		if !headerName.MatchString(k) {
			return nil, invalid("headers", "Header name %q is not a valid HTTP header name.", k)
		}
		lk := strings.ToLower(k)
		if slices.Contains(reservedHeaders, lk) || strings.HasPrefix(lk, "webhook-") ||
			(lk == "authorization" && authType != AuthNone) {
			return nil, invalid("headers", "Header %q is set by Portlight and may not be given.", k)
		}
		if v == MaskedHeaderValue { // a masked value sent back keeps the stored one (headers.go)
			kept, ok := keptHeader(prev, k)
			if !ok {
				return nil, invalid("headers", "Header %q has no stored value to keep; send its value.", k)
			}
			v = kept
		}
		if len(v) > 4096 || strings.ContainsAny(v, "\r\n\x00") {
			return nil, invalid("headers", "The value of header %q must be one line of at most 4096 characters.", k)
		}
		headers[k] = v
	}
	return headers, nil
}

// The sizes of a channel's login (docs/security.md "Limits"): a receiver's credentials and scopes
// are short; these bound what a company can make the platform keep and send.
const (
	maxCredential = 1024 // clientId, clientSecret, username, password
	maxScopes     = 32
	maxScope      = 200
)

// checkCredentialSizes refuses a login whose credentials are longer than maxCredential.
func checkCredentialSizes(auth AuthSpec) error {
	for _, f := range []struct{ name, v string }{{"clientId", auth.ClientID}, {"clientSecret", auth.ClientSecret},
		{"username", auth.Username}, {"password", auth.Password}} {
		if len(f.v) > maxCredential {
			return invalid("authentication."+f.name, "'authentication.%s' may be at most %d characters long.", f.name, maxCredential)
		}
	}
	return nil
}

// checkScopes checks the OAuth 2.0 scopes of a login: at most maxScopes of maxScope characters.
func checkScopes(scopes []string) ([]string, error) {
	if len(scopes) > maxScopes {
		return nil, invalid("authentication.scopes", "A login may have at most %d scopes.", maxScopes)
	}
	for _, s := range scopes {
		if s == "" || len(s) > maxScope || strings.ContainsAny(s, " \t\r\n\"\\") {
			return nil, invalid("authentication.scopes", "Scope %q is not a valid OAuth 2.0 scope of at most %d characters.", s, maxScope)
		}
	}
	return slices.Clone(scopes), nil
}

// canonicalTypes checks a type filter against release.NotificationTypes (any case), without
// duplicates, in the order of that list; nil means every type a channel gets unasked (every type
// but EDI, release.Unasked).
func canonicalTypes(types []string) ([]string, error) {
	seen := map[string]bool{}
	for _, t := range types {
		c, ok := canonicalOf(t, release.NotificationTypes)
		if !ok {
			return nil, invalid("types", "'types' may only contain %s.", strings.Join(release.NotificationTypes, ", "))
		}
		seen[c] = true
	}
	all := true
	for _, t := range release.NotificationTypes {
		all = all && seen[t] != release.Unasked(t)
	}
	if all {
		return nil, nil
	}
	var out []string
	for _, t := range release.NotificationTypes {
		if seen[t] {
			out = append(out, t)
		}
	}
	return out, nil
}

func canonicalOf(v string, allowed []string) (string, bool) {
	for _, a := range allowed {
		if strings.EqualFold(strings.TrimSpace(v), a) {
			return a, true
		}
	}
	return "", false
}
