package identity_test

import (
	"bytes"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/portlight/portlight/delivery"
	"github.com/portlight/portlight/identity"
)

func testSealer(t *testing.T) *delivery.Sealer {
	t.Helper()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	s, err := delivery.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSigningKeySealedAtRest: what is stored of a signing key holds no private part in clear
// (issue 14: anyone who read a backup could mint tokens); it loads with the sealer, not without
// it, not with another key, and not under another key id. A key stored in clear before still loads.
func TestSigningKeySealedAtRest(t *testing.T) {
	now := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	k, err := identity.NewSigningKey(now)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(k.JWK, []byte(`"d":`)) || identity.SigningKeySealed(k) {
		t.Fatalf("a new key is not a clear private JWK: %s", k.JWK)
	}
	s := testSealer(t)
	sealed, err := identity.SealSigningKey(k, s)
	if err != nil {
		t.Fatal(err)
	}
	if !identity.SigningKeySealed(sealed) || bytes.Contains(sealed.JWK, []byte(`"d"`)) || !strings.Contains(string(sealed.JWK), "aes256gcm:") {
		t.Fatalf("the stored form holds the key in clear: %s", sealed.JWK)
	}
	if again, _ := identity.SealSigningKey(sealed, s); !bytes.Equal(again.JWK, sealed.JWK) {
		t.Fatal("sealing a sealed key sealed it twice")
	}
	tokens, err := identity.NewTokens("http://portlight.test", []identity.SigningKey{sealed}, s)
	if err != nil {
		t.Fatalf("a sealed key does not load with its sealer: %v", err)
	}
	raw, _, err := tokens.Issue(identity.Client{ClientID: "app", CompanyID: "NXT1"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.Verify(raw, now); err != nil {
		t.Fatalf("a token of the sealed key: %v", err)
	}
	if _, err := identity.NewTokens("http://portlight.test", []identity.SigningKey{sealed}, nil); err == nil {
		t.Fatal("a sealed key loaded without a sealer")
	}
	if _, err := identity.NewTokens("http://portlight.test", []identity.SigningKey{sealed}, testSealer(t)); err == nil {
		t.Fatal("a sealed key loaded with another sealing key")
	}
	moved := sealed
	moved.KeyID = "another-kid"
	if _, err := identity.NewTokens("http://portlight.test", []identity.SigningKey{moved}, s); err == nil {
		t.Fatal("a sealed key loaded under another key id")
	}
	if _, err := identity.NewTokens("http://portlight.test", []identity.SigningKey{k}, s); err != nil {
		t.Fatalf("a key stored in clear before no longer loads: %v", err)
	}
}

// TestOverlongTokenRefused: a token signed with the platform's own key but valid for ten years
// (issue 14: the API accepted one) is refused; so is one without an issue time. One issued by the
// platform is accepted.
func TestOverlongTokenRefused(t *testing.T) {
	now := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	k, err := identity.NewSigningKey(now)
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := identity.NewTokens("http://portlight.test", []identity.SigningKey{k}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var jwk jose.JSONWebKey
	if err := jwk.UnmarshalJSON(k.JWK); err != nil {
		t.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: jwk}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	mint := func(iat *jwt.NumericDate, exp time.Time) string {
		std := jwt.Claims{Issuer: "http://portlight.test", Subject: "app", IssuedAt: iat, Expiry: jwt.NewNumericDate(exp)}
		raw, err := jwt.Signed(signer).Claims(std).Claims(map[string]any{"nxt_entity_id": "NXT1", "client_id": "app"}).Serialize()
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	if _, err := tokens.Verify(mint(jwt.NewNumericDate(now), now.Add(identity.TokenLifetime)), now); err != nil {
		t.Fatalf("a token of the platform's lifetime: %v", err)
	}
	if _, err := tokens.Verify(mint(jwt.NewNumericDate(now), now.AddDate(10, 0, 0)), now); err != identity.ErrInvalidToken {
		t.Fatalf("a token valid for ten years: %v, want refused", err)
	}
	if _, err := tokens.Verify(mint(nil, now.Add(time.Hour)), now); err != identity.ErrInvalidToken {
		t.Fatalf("a token without iat: %v, want refused", err)
	}
}
