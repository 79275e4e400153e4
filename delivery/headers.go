package delivery

import (
	"strings"
	"unicode"
)

// A channel's static headers often carry the receiver's credentials (X-Api-Key, a bearer token in
// Authorization): they are sealed at rest with the channel's other secrets, and a value that looks
// like a credential is not shown again once stored. The channel views show MaskedHeaderValue
// instead, and a PUT that sends MaskedHeaderValue back (a GET edited and sent again) keeps the
// value stored for that header.

// MaskedHeaderValue stands for a header value that is not shown.
const MaskedHeaderValue = "********"

// credentialWords are parts of header names that carry credentials.
var credentialWords = []string{"auth", "key", "token", "secret", "password", "passwd", "cookie", "session",
	"signature", "credential", "jwt", "bearer"}

// credentialLike reports whether a static header looks like a credential: by its name, by a
// value with an authentication scheme, or by a long random-looking value (letters and digits,
// no spaces: a key, a token, a UUID).
func credentialLike(name, value string) bool {
	lname := strings.ToLower(name)
	for _, w := range credentialWords {
		if strings.Contains(lname, w) {
			return true
		}
	}
	lvalue := strings.ToLower(strings.TrimSpace(value))
	for _, scheme := range []string{"bearer ", "basic ", "digest ", "token ", "apikey ", "hmac "} {
		if strings.HasPrefix(lvalue, scheme) {
			return true
		}
	}
	if len(value) < 16 || strings.ContainsFunc(value, unicode.IsSpace) {
		return false
	}
	letters, digits := false, false
	for _, r := range value {
		letters = letters || unicode.IsLetter(r)
		digits = digits || unicode.IsDigit(r)
	}
	return letters && digits
}

// ShownHeaders returns the channel's static headers as its company sees them: values that look
// like credentials masked.
func (c *Channel) ShownHeaders() map[string]string {
	out := make(map[string]string, len(c.secrets.Headers))
	for k, v := range c.secrets.Headers {
		if credentialLike(k, v) {
			v = MaskedHeaderValue
		}
		out[k] = v
	}
	return out
}

// keptHeader returns the stored value of header name (case-insensitive) of prev, for a PUT that
// sent MaskedHeaderValue back.
func keptHeader(prev *Channel, name string) (string, bool) {
	if prev == nil {
		return "", false
	}
	for k, v := range prev.secrets.Headers {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}
