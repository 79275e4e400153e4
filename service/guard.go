package service

import (
	"fmt"
	"net/http"
	"time"

	"github.com/portlight/portlight/identity"
)

// throttled refuses a proof of a secret while one of its keys is locked after failures
// (identity.Guard), before any hash is computed: a locked username is refused even with the
// right password.
func (s *Service) throttled(now time.Time, keys []identity.Key) error {
	if wait := s.guard.Locked(now, keys...); wait > 0 {
		return busy(wait, "too many failed attempts")
	}
	return nil
}

// busy is the token endpoint's 429 (RFC 6749 has no code for it; "slow_down" is RFC 8628's).
func busy(wait time.Duration, why string) *OAuthError {
	secs := int(wait.Seconds() + 0.999)
	return &OAuthError{Status: http.StatusTooManyRequests, Code: "slow_down", RetryAfter: wait,
		Description: fmt.Sprintf("%s; try again in %d seconds", why, secs)}
}

// CheckOperatorToken checks the operator's bearer token for the admin API in constant time,
// throttling failures per address (from) like a password. want empty means the admin API is off.
func (s *Service) CheckOperatorToken(token, want, from string) error {
	now := s.now()
	// Per address only: one lock on "the operator" would let anyone shut the operator out.
	key := identity.AddressKey(from)
	if wait := s.guard.Locked(now, key); wait > 0 {
		return &Error{Code: CodeTooManyRequests, RetryAfter: wait,
			Message: fmt.Sprintf("Too many failed attempts with the admin token. Try again in %d seconds.", int(wait.Seconds()+0.999))}
	}
	if want == "" || !identity.SecretEqual(token, want) {
		s.guard.Failed(now, key)
		return Errorf(CodeUnauthorized, "Access denied: the admin API needs the operator's token.")
	}
	s.guard.Succeeded(key)
	return nil
}

// ClientAddress is the address a call came from, as the throttling of failed proofs counts it:
// the client a proxy of --trusted-proxies names, else the connection's peer (identity/clientaddr.go).
func (s *Service) ClientAddress(remoteAddr string, forwardedFor []string) string {
	return s.guard.ClientAddress(remoteAddr, forwardedFor)
}
