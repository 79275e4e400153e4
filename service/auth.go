package service

import (
	"context"
	"strings"
	"time"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/release"
)

// Caller is an authenticated company and the client it called with.
type Caller struct {
	Company  *identity.Company
	ClientID string
	// Subscription is what the rate limit (api.RateLimiter) counts calls against: the subscription key (its hash)
	// when the call carried one, else the client.
	Subscription string
}

// Messages of the 401 answers ({statusCode, message}, the seed's shape).
const (
	MsgInvalidSubscriptionKey = "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription."
	MsgMissingSubscriptionKey = "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API."
	MsgInvalidToken           = "Access denied due to invalid or expired access token. Get a new token from /connect/token."
	MsgMissingToken           = "Access denied due to missing access token. Send it as 'Authorization: Bearer <token>'."
)

// Authenticate checks a bearer token (and, when requireKey, the Ocp-Apim-Subscription-Key, which must
// belong to the same company) and returns the caller. A revoked client's tokens stop working at once.
func (s *Service) Authenticate(ctx context.Context, bearer, subscriptionKey string, requireKey bool) (*Caller, error) {
	if bearer == "" {
		return nil, Errorf(CodeUnauthorized, MsgMissingToken)
	}
	claims, err := s.tokens.Verify(bearer, s.now())
	if err != nil {
		return nil, Errorf(CodeUnauthorized, MsgInvalidToken)
	}
	// The client or user the token was issued to must still be active: revocation works at once.
	subject := "client:" + claims.ClientID
	if claims.Username != "" {
		u, ok := s.dir.User(ctx, claims.Username)
		if !ok || u.CompanyID != claims.CompanyID {
			return nil, Errorf(CodeUnauthorized, MsgInvalidToken)
		}
		subject = "user:" + strings.ToLower(u.Username)
	} else if client, ok := s.dir.Client(ctx, claims.ClientID); !ok || client.CompanyID != claims.CompanyID {
		return nil, Errorf(CodeUnauthorized, MsgInvalidToken)
	}
	company, ok := s.dir.Company(ctx, claims.CompanyID)
	if !ok {
		return nil, Errorf(CodeUnauthorized, MsgInvalidToken)
	}
	caller := &Caller{Company: company, ClientID: claims.ClientID, Subscription: subject}
	if requireKey {
		if subscriptionKey == "" {
			return nil, Errorf(CodeUnauthorized, MsgMissingSubscriptionKey)
		}
		key, ok := s.dir.SubscriptionKey(ctx, subscriptionKey)
		if !ok || key.CompanyID != company.NxtEntityID {
			return nil, Errorf(CodeUnauthorized, MsgInvalidSubscriptionKey)
		}
		caller.Subscription = "key:" + key.KeyHash
	}
	return caller, nil
}

// TokenGrant is the answer of POST /connect/token.
type TokenGrant struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope,omitempty"`
}

// OAuthError is an OAuth 2.0 error answer (RFC 6749 section 5.2).
type OAuthError struct {
	Status      int    `json:"-"`
	Code        string `json:"error"`
	Description string `json:"error_description,omitempty"`
	// RetryAfter is when to try again, for a 429 (the API sends it as Retry-After).
	RetryAfter time.Duration `json:"-"`
}

func (e *OAuthError) Error() string { return e.Code + ": " + e.Description }

// ClientCredentialsToken issues a token for a client that proves its secret. from is the
// caller's network address, which failures lock (guard.go). The client id is not locked: a client
// secret is 256 random bits, so guessing it is hopeless, and a lock would only let anyone who knows
// a client id shut the integrator's machines out.
func (s *Service) ClientCredentialsToken(ctx context.Context, clientID, secret, from string) (TokenGrant, error) {
	if clientID == "" || secret == "" {
		return TokenGrant{}, &OAuthError{Status: 400, Code: "invalid_request", Description: "client_id and client_secret are required"}
	}
	now := s.now()
	keys := []identity.Key{identity.AddressKey(from)}
	if err := s.throttled(now, keys); err != nil {
		return TokenGrant{}, err
	}
	client, ok := s.dir.Client(ctx, clientID)
	if !ok || !identity.SecretMatches(secret, client.SecretHash) {
		s.guard.Failed(now, keys...)
		return TokenGrant{}, &OAuthError{Status: 401, Code: "invalid_client", Description: "unknown client or wrong secret"}
	}
	tok, exp, err := s.tokens.Issue(client, now)
	if err != nil {
		return TokenGrant{}, Internal(err)
	}
	return TokenGrant{AccessToken: tok, TokenType: "Bearer", ExpiresIn: int(exp.Sub(now).Seconds())}, nil
}

// PasswordToken issues a token for a user of a company who proves their password (OAuth2
// password grant). from is the caller's network address. The Argon2id check runs under the
// guard's concurrency cap, and failures are throttled per address and per username (guard.go).
func (s *Service) PasswordToken(ctx context.Context, username, password, from string) (TokenGrant, error) {
	if username == "" || password == "" {
		return TokenGrant{}, &OAuthError{Status: 400, Code: "invalid_request", Description: "username and password are required"}
	}
	now := s.now()
	keys := []identity.Key{identity.AddressKey(from), identity.SubjectKey("user", strings.ToLower(strings.TrimSpace(username)))}
	if err := s.throttled(now, keys); err != nil {
		return TokenGrant{}, err
	}
	done, ok := s.guard.Acquire(ctx)
	if !ok {
		return TokenGrant{}, busy(time.Second, "too many password checks under way")
	}
	// Parallel guesses all pass the first look before any of them fails: look again with the slot.
	if err := s.throttled(s.now(), keys); err != nil {
		done()
		return TokenGrant{}, err
	}
	u, found := s.dir.User(ctx, username)
	hash := u.PasswordHash
	if !found {
		// Spend the time a check would, so that the answer does not tell which users exist.
		hash = dummyHash
	}
	match, err := identity.PasswordMatches(password, hash)
	done()
	if !found || err != nil || !match {
		s.guard.Failed(now, keys...)
		return TokenGrant{}, &OAuthError{Status: 400, Code: "invalid_grant", Description: "unknown user or wrong password"}
	}
	s.guard.Succeeded(keys[1])
	tok, exp, err := s.tokens.IssueForUser(u, now)
	if err != nil {
		return TokenGrant{}, Internal(err)
	}
	return TokenGrant{AccessToken: tok, TokenType: "Bearer", ExpiresIn: int(exp.Sub(now).Seconds())}, nil
}

// dummyHash is checked against when the user does not exist.
var dummyHash = identity.HashPassword("no such user")

// Authorize is the door every call passes: it refuses a caller whose company holds none of the
// roles the table of package release gives the call (release.MaySend), with the seed's 401 for a
// role that forbids the call.
func Authorize(c *Caller, call string) error {
	if c != nil {
		if p := c.Company.Party(); release.MaySend(&p, call) {
			return nil
		}
	}
	roles, known := release.Senders(call)
	if !known {
		// Not a call anyone may send (an unknown actionType from a front end that did not check
		// it, or the platform's own Expire): a request to correct, not a role to acquire.
		return Errorf(CodeInvalid, "%s is not a call Portlight takes.", call)
	}
	words := make([]string, len(roles))
	for i, r := range roles {
		words[i] = release.RoleWords(r)
	}
	switch len(words) {
	case 0: // any company: only a caller without a company gets here
		return Errorf(CodeUnauthorized, "Access denied: this call needs a company's token.")
	case 1:
		return Errorf(CodeUnauthorized, "Access denied: this call is available to the %s role only.", words[0])
	}
	return Errorf(CodeUnauthorized, "Access denied: this call is available to the %s and %s roles only.",
		strings.Join(words[:len(words)-1], ", "), words[len(words)-1])
}

// CheckIngestionID refuses an ingestion id that is not the caller company's.
func (s *Service) CheckIngestionID(ctx context.Context, c *Caller, ingestionID string) error {
	owner, ok := s.dir.ByIngestionID(ctx, ingestionID)
	if !ok || owner.NxtEntityID != c.Company.NxtEntityID {
		return Errorf(CodeUnauthorized, "Access denied: ingestion id %q is not your company's.", ingestionID)
	}
	return nil
}

// Discovery is the OpenID Connect discovery document of the token service.
type Discovery struct {
	Issuer                    string   `json:"issuer"`
	TokenEndpoint             string   `json:"token_endpoint"`
	JWKSURI                   string   `json:"jwks_uri"`
	GrantTypesSupported       []string `json:"grant_types_supported"`
	TokenEndpointAuthMethods  []string `json:"token_endpoint_auth_methods_supported"`
	SigningAlgValuesSupported []string `json:"id_token_signing_alg_values_supported"`
	ResponseTypesSupported    []string `json:"response_types_supported"`
	SubjectTypesSupported     []string `json:"subject_types_supported"`
}

// Discovery describes where tokens come from and how to check them.
func (s *Service) Discovery() Discovery {
	iss := s.tokens.Issuer()
	return Discovery{
		Issuer: iss, TokenEndpoint: iss + "/connect/token", JWKSURI: iss + "/.well-known/jwks.json",
		GrantTypesSupported: []string{"client_credentials", "password"}, TokenEndpointAuthMethods: []string{"client_secret_post", "client_secret_basic"},
		SigningAlgValuesSupported: []string{"ES256"}, ResponseTypesSupported: []string{"token"}, SubjectTypesSupported: []string{"public"},
	}
}

// JWKS returns the public keys that verify the platform's tokens.
func (s *Service) JWKS() any { return s.tokens.JWKS() }
