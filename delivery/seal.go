package delivery

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// A channel's secrets (its signing secrets, static headers and the receiver's credentials) are
// needed in clear to sign and to log in, so they cannot be hashed like client secrets. They are
// sealed with AES-256-GCM under a key the node reads from a file (--secret-key-file), with the
// channel's id as additional data (a sealed value copied to another channel does not open).
// A Sealer without a key keeps them in clear, marked as such.

// Prefixes of sealed values.
const (
	sealedAES   = "aes256gcm:"
	sealedPlain = "plain:"
)

// Sealer seals and opens channel secrets. The nil *Sealer keeps them in clear.
type Sealer struct {
	aead cipher.AEAD
}

// NewSealer makes a sealer with a 32-byte key.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("delivery: the secret key must be 32 bytes, not %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// Seal seals plain for the channel channelID.
func (s *Sealer) Seal(plain []byte, channelID string) string {
	if s == nil {
		return sealedPlain + base64.StdEncoding.EncodeToString(plain)
	}
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic("delivery: no randomness: " + err.Error()) // crypto/rand never fails on supported systems
	}
	return sealedAES + base64.StdEncoding.EncodeToString(s.aead.Seal(nonce, nonce, plain, []byte(channelID)))
}

// ErrNoKey is a sealed secret this node has no key for.
var ErrNoKey = errors.New("delivery: the channel secrets are encrypted and this node has no --secret-key-file")

// Open opens what Seal sealed for channelID. Values sealed in clear open with or without a key
// (a node that gets a key later still reads them; they are sealed anew at their next change).
func (s *Sealer) Open(sealed, channelID string) ([]byte, error) {
	switch {
	case strings.HasPrefix(sealed, sealedPlain):
		return base64.StdEncoding.DecodeString(sealed[len(sealedPlain):])
	case strings.HasPrefix(sealed, sealedAES):
		if s == nil {
			return nil, ErrNoKey
		}
		raw, err := base64.StdEncoding.DecodeString(sealed[len(sealedAES):])
		if err != nil || len(raw) < s.aead.NonceSize() {
			return nil, errors.New("delivery: sealed channel secrets are damaged")
		}
		n := s.aead.NonceSize()
		plain, err := s.aead.Open(nil, raw[:n], raw[n:], []byte(channelID))
		if err != nil {
			return nil, errors.New("delivery: the channel secrets do not open with this node's --secret-key-file (another key sealed them)")
		}
		return plain, nil
	}
	return nil, errors.New("delivery: channel secrets in an unknown format")
}

// Encrypted reports whether the sealer encrypts.
func (s *Sealer) Encrypted() bool { return s != nil }

// LoadKey reads a key file: 32 bytes written as base64 or hex (surrounding space ignored).
func LoadKey(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read secret key: %w", err)
	}
	text := strings.TrimSpace(string(raw))
	if key, err := base64.StdEncoding.DecodeString(text); err == nil && len(key) == 32 {
		return key, nil
	}
	if key, err := hex.DecodeString(text); err == nil && len(key) == 32 {
		return key, nil
	}
	return nil, fmt.Errorf("secret key %s: want 32 random bytes in base64 (e.g. `openssl rand -base64 32`) or hex", path)
}

// LoadOrCreateKey reads the key file at path, or makes one (mode 0600) when there is none.
func LoadOrCreateKey(path string) ([]byte, error) {
	if _, err := os.Stat(path); err == nil {
		return LoadKey(path)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) { // made by another process meanwhile
			return LoadKey(path)
		}
		return nil, err
	}
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return key, nil
}
