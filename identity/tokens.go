package identity

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// TokenLifetime is how long an access token is valid.
const TokenLifetime = time.Hour

// Claims are what an access token says about its bearer: a client application of a company, or
// (password grant) a user of it.
type Claims struct {
	ClientID  string
	Username  string
	CompanyID string
	Expiry    time.Time
}

type companyClaims struct {
	CompanyID string `json:"nxt_entity_id"`
	ClientID  string `json:"client_id,omitempty"`
	Username  string `json:"preferred_username,omitempty"`
}

// ErrInvalidToken is returned for a token that is malformed, expired, or not signed by a key of ours.
var ErrInvalidToken = errors.New("invalid token")

// NewSigningKey makes a fresh ES256 signing key.
func NewSigningKey(now time.Time) (SigningKey, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return SigningKey{}, err
	}
	sum := sha256.Sum256(elliptic.MarshalCompressed(elliptic.P256(), priv.X, priv.Y))
	kid := hex.EncodeToString(sum[:8])
	raw, err := jose.JSONWebKey{Key: priv, KeyID: kid, Algorithm: string(jose.ES256), Use: "sig"}.MarshalJSON()
	if err != nil {
		return SigningKey{}, err
	}
	return SigningKey{KeyID: kid, JWK: raw, CreatedAt: now}, nil
}

// Tokens issues and verifies access tokens (JWTs signed with ES256). The newest key signs; every
// key not retired verifies, so a key can be rotated without invalidating tokens in flight: add a
// new key, let the old tokens expire, retire the old key. Load swaps the key set at run time.
// Verified tokens are remembered until they expire: a signature check costs far more than a
// map lookup, and every call carries a token.
type Tokens struct {
	issuer string
	sealer KeySealer // opens the sealed private keys (keyseal.go)
	state  atomic.Pointer[keyState]

	mu       sync.Mutex
	verified map[string]Claims
}

// keyState is one generation of signing keys.
type keyState struct {
	signer jose.Signer
	keys   map[string]*ecdsa.PublicKey
	jwks   jose.JSONWebKeySet
	ids    string // the key ids, to tell whether a reload changed anything
}

// NewTokens builds the token service from the stored signing keys (at least one active); sealer
// opens the sealed ones (nil: only keys in clear load).
func NewTokens(issuer string, keys []SigningKey, sealer KeySealer) (*Tokens, error) {
	t := &Tokens{issuer: issuer, sealer: sealer, verified: map[string]Claims{}}
	return t, t.Load(keys)
}

// Load replaces the key set with keys (as stored now). Tokens of a key no longer active stop
// verifying at once.
func (t *Tokens) Load(keys []SigningKey) error {
	st := &keyState{keys: map[string]*ecdsa.PublicKey{}}
	var newest *SigningKey
	var newestJWK jose.JSONWebKey
	for i := range keys {
		k := &keys[i]
		if k.RetiredAt != nil {
			continue
		}
		clear, err := openSigningKey(*k, t.sealer)
		if err != nil {
			return fmt.Errorf("signing key %s: %w", k.KeyID, err)
		}
		var jwk jose.JSONWebKey
		if err := jwk.UnmarshalJSON(clear); err != nil {
			return fmt.Errorf("signing key %s: %w", k.KeyID, err)
		}
		priv, ok := jwk.Key.(*ecdsa.PrivateKey)
		if !ok {
			return fmt.Errorf("signing key %s: not an ECDSA private key", k.KeyID)
		}
		st.keys[k.KeyID] = &priv.PublicKey
		st.jwks.Keys = append(st.jwks.Keys, jose.JSONWebKey{Key: &priv.PublicKey, KeyID: k.KeyID, Algorithm: string(jose.ES256), Use: "sig"})
		st.ids += k.KeyID + ","
		if newest == nil || k.CreatedAt.After(newest.CreatedAt) {
			newest, newestJWK = k, jwk
		}
	}
	if newest == nil {
		return errors.New("no active signing key")
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: newestJWK},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return err
	}
	st.signer = signer
	if old := t.state.Swap(st); old != nil && old.ids != st.ids {
		t.mu.Lock()
		t.verified = map[string]Claims{}
		t.mu.Unlock()
	}
	return nil
}

// Issue returns a signed access token for a client of a company, valid from now for TokenLifetime.
func (t *Tokens) Issue(c Client, now time.Time) (string, time.Time, error) {
	return t.issue(c.ClientID, companyClaims{CompanyID: c.CompanyID, ClientID: c.ClientID}, now)
}

// IssueForUser returns a signed access token for a user of a company (password grant).
func (t *Tokens) IssueForUser(u User, now time.Time) (string, time.Time, error) {
	return t.issue(u.Username, companyClaims{CompanyID: u.CompanyID, Username: u.Username}, now)
}

func (t *Tokens) issue(subject string, custom companyClaims, now time.Time) (string, time.Time, error) {
	exp := now.Add(TokenLifetime)
	std := jwt.Claims{
		Issuer: t.issuer, Subject: subject, ID: NewSecret()[:16],
		IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now.Add(-time.Minute)), Expiry: jwt.NewNumericDate(exp),
	}
	raw, err := jwt.Signed(t.state.Load().signer).Claims(std).Claims(custom).Serialize()
	return raw, exp, err
}

// Verify checks a token's signature, issuer and lifetime at now and returns its claims.
func (t *Tokens) Verify(raw string, now time.Time) (Claims, error) {
	t.mu.Lock()
	c, ok := t.verified[raw]
	t.mu.Unlock()
	if ok {
		if now.Before(c.Expiry) {
			return c, nil
		}
		return Claims{}, ErrInvalidToken
	}
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil || len(tok.Headers) != 1 {
		return Claims{}, ErrInvalidToken
	}
	key, ok := t.state.Load().keys[tok.Headers[0].KeyID]
	if !ok {
		return Claims{}, ErrInvalidToken
	}
	var std jwt.Claims
	var custom companyClaims
	if err := tok.Claims(key, &std, &custom); err != nil {
		return Claims{}, ErrInvalidToken
	}
	if err := std.ValidateWithLeeway(jwt.Expected{Issuer: t.issuer, Time: now}, 30*time.Second); err != nil || std.Expiry == nil {
		return Claims{}, ErrInvalidToken
	}
	// A token must not outlive what the platform issues (issue 14: one valid for ten years was
	// accepted). Whoever got hold of a signing key could otherwise mint tokens that stay good for
	// as long as the key is not retired, long after the key itself was replaced.
	if std.IssuedAt == nil || std.Expiry.Time().Sub(std.IssuedAt.Time()) > TokenLifetime+time.Minute {
		return Claims{}, ErrInvalidToken
	}
	c = Claims{ClientID: custom.ClientID, Username: custom.Username, CompanyID: custom.CompanyID, Expiry: std.Expiry.Time()}
	t.mu.Lock()
	if len(t.verified) > 100_000 {
		t.verified = map[string]Claims{} // crude bound; a fresh cache costs one verification per token
	}
	t.verified[raw] = c
	t.mu.Unlock()
	return c, nil
}

// JWKS returns the public keys that verify tokens (the JSON Web Key Set of /.well-known/jwks.json):
// integrators and other nodes can check a token without asking.
func (t *Tokens) JWKS() jose.JSONWebKeySet { return t.state.Load().jwks }

// Issuer is the "iss" of the tokens.
func (t *Tokens) Issuer() string { return t.issuer }
