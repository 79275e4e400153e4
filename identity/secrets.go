package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"
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

// An ingestion id is a bearer secret too: whoever knows a Shipping Agent's id may post its
// commercial releases (with a token of that company). It is stored as a hash, like a client
// secret, so that a copy of the database or a backup does not reveal it; it is shown once, when
// it is made or rotated. Ingestion ids are random UUIDs, so a fast hash is enough (HashSecret).

// ingestionHashPrefix marks a stored ingestion id as hashed.
const ingestionHashPrefix = "sha256:"

// HashIngestionID is the stored form of a presented ingestion id (case and surrounding space do
// not count, as before). A presented value is always hashed: someone who read a hash from a backup
// cannot present the hash itself.
func HashIngestionID(id string) string {
	return ingestionHashPrefix + HashSecret(NormaliseCode(id))
}

// StoredIngestionID is what a store keeps for a company's ingestion id: its hash, or the value as
// it is when it is hashed already (a company read back and stored again) or empty.
func StoredIngestionID(id string) string {
	if id == "" || IngestionIDHashed(id) {
		return id
	}
	return HashIngestionID(id)
}

// IngestionIDHashed reports whether a stored ingestion id is a hash.
func IngestionIDHashed(id string) bool {
	return strings.HasPrefix(id, ingestionHashPrefix) && len(id) == len(ingestionHashPrefix)+64
}
