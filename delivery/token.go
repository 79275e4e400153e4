package delivery

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// tokenCache fetches and keeps the OAuth 2.0 access token of one channel's receiver: one fetch
// at a time (the attempts of a channel that all need a token wait for the same one), reused until
// shortly before it expires, dropped when the receiver answers 401 to it.
type tokenCache struct {
	fetch func(ctx context.Context) (*oauth2.Token, error)
	now   func() time.Time
	lock  chan struct{} // a mutex that a context can give up waiting for
	tok   *oauth2.Token
}

// errToken is a failure to get a token from the receiver's token endpoint.
var errToken = errors.New("token endpoint")

// newTokenCache returns the token cache of a channel, nil for a channel without OAuth 2.0.
func newTokenCache(c *Channel, client *http.Client, now func() time.Time) *tokenCache {
	a := c.Auth
	var fetch func(ctx context.Context) (*oauth2.Token, error)
	switch a.Type {
	case AuthOAuth2ClientCredentials:
		cfg := clientcredentials.Config{ClientID: a.ClientID, ClientSecret: c.secrets.ClientSecret, TokenURL: a.TokenEndpoint, Scopes: a.Scopes}
		fetch = func(ctx context.Context) (*oauth2.Token, error) {
			return cfg.Token(context.WithValue(ctx, oauth2.HTTPClient, client))
		}
	case AuthOAuth2Password:
		cfg := oauth2.Config{ClientID: a.ClientID, ClientSecret: c.secrets.ClientSecret, Scopes: a.Scopes,
			Endpoint: oauth2.Endpoint{TokenURL: a.TokenEndpoint}}
		user, password := a.Username, c.secrets.Password
		fetch = func(ctx context.Context) (*oauth2.Token, error) {
			return cfg.PasswordCredentialsToken(context.WithValue(ctx, oauth2.HTTPClient, client), user, password)
		}
	default:
		return nil
	}
	return &tokenCache{fetch: fetch, now: now, lock: make(chan struct{}, 1)}
}

// sameLogin reports whether two channel versions log in the same way (the cached token stays good).
func sameLogin(a, b *Channel) bool {
	return a.Auth.Type == b.Auth.Type && a.Auth.TokenEndpoint == b.Auth.TokenEndpoint && a.Auth.ClientID == b.Auth.ClientID &&
		a.Auth.Username == b.Auth.Username && fmt.Sprint(a.Auth.Scopes) == fmt.Sprint(b.Auth.Scopes) &&
		a.secrets.ClientSecret == b.secrets.ClientSecret && a.secrets.Password == b.secrets.Password
}

// token returns a valid access token, fetching one when there is none (or it expires within 30 s).
func (t *tokenCache) token(ctx context.Context) (string, error) {
	select {
	case t.lock <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-t.lock }()
	if t.tok != nil && t.tok.AccessToken != "" && (t.tok.Expiry.IsZero() || t.now().Add(30*time.Second).Before(t.tok.Expiry)) {
		return t.tok.AccessToken, nil
	}
	tok, err := t.fetch(ctx)
	if err != nil {
		return "", fmt.Errorf("%w: %v", errToken, err)
	}
	if tok.AccessToken == "" {
		return "", fmt.Errorf("%w: the answer has no access_token", errToken)
	}
	t.tok = tok
	return tok.AccessToken, nil
}

// invalidate drops the cached token if it is still the one refused.
func (t *tokenCache) invalidate(refused string) {
	t.lock <- struct{}{}
	defer func() { <-t.lock }()
	if t.tok != nil && t.tok.AccessToken == refused {
		t.tok = nil
	}
}
