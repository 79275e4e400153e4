package identity

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// A token signing key's private part mints tokens for any company, so it is not stored in clear:
// anyone who read the database or a backup of it could otherwise sign tokens. It is sealed like
// the notification channels' secrets (delivery/seal.go: AES-256-GCM under the key of
// --secret-key-file, here with "signing-key:<kid>" as additional data, so a sealed key moved to
// another key id does not open). The stored JWK is then a JSON string holding the sealed value;
// a key stored before (a JSON object) still loads, and the node seals it at start-up
// (server/server.go).

// KeySealer seals and opens secrets at rest; delivery.Sealer is one.
type KeySealer interface {
	Seal(plain []byte, context string) string
	Open(sealed, context string) ([]byte, error)
}

func sealContext(kid string) string { return "signing-key:" + kid }

// SealSigningKey returns k with its JWK sealed by s. A key already sealed is returned as it is.
func SealSigningKey(k SigningKey, s KeySealer) (SigningKey, error) {
	if SigningKeySealed(k) {
		return k, nil
	}
	raw, err := json.Marshal(s.Seal(k.JWK, sealContext(k.KeyID)))
	if err != nil {
		return k, err
	}
	k.JWK = raw
	return k, nil
}

// SigningKeySealed reports whether the stored JWK of k is sealed (a JSON string) rather than a
// JWK in clear (a JSON object).
func SigningKeySealed(k SigningKey) bool {
	return bytes.HasPrefix(bytes.TrimSpace(k.JWK), []byte(`"`))
}

// ErrSealedKey is a sealed signing key and no sealer to open it.
var ErrSealedKey = errors.New("the signing key is sealed and no --secret-key-file key was given to open it")

// openSigningKey returns the JWK of k in clear.
func openSigningKey(k SigningKey, s KeySealer) ([]byte, error) {
	if !SigningKeySealed(k) {
		return k.JWK, nil
	}
	if s == nil {
		return nil, ErrSealedKey
	}
	var sealed string
	if err := json.Unmarshal(k.JWK, &sealed); err != nil {
		return nil, fmt.Errorf("sealed signing key: %w", err)
	}
	return s.Open(sealed, sealContext(k.KeyID))
}
