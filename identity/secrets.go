package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
)

// NewSecret returns a fresh random secret (256 bits, URL-safe base64) for a client secret or a
// subscription key. It is shown once and only its hash is stored.
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashSecret hashes a secret for storage. Secrets are 256 random bits, so a fast hash is enough:
// nothing can be guessed by brute force, and the hot path (every call checks a subscription key)
// stays cheap. User passwords, which are not random, would need a slow hash instead.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// SecretMatches compares a presented secret with a stored hash in constant time.
func SecretMatches(secret, hash string) bool {
	return subtle.ConstantTimeCompare([]byte(HashSecret(secret)), []byte(hash)) == 1
}

// SecretEqual compares a presented secret with the expected one in constant time (the admin
// token, which is configured rather than stored).
func SecretEqual(presented, want string) bool {
	return subtle.ConstantTimeCompare([]byte(presented), []byte(want)) == 1
}
