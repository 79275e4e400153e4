package delivery

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSealer(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	s, err := NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte(`{"signingSecret":"whsec_abc","password":"hunter2"}`)
	sealed := s.Seal(secret, "ch-1")
	if !strings.HasPrefix(sealed, "aes256gcm:") || strings.Contains(sealed, "hunter2") {
		t.Fatalf("sealed = %q", sealed)
	}
	if s.Seal(secret, "ch-1") == sealed {
		t.Errorf("two seals of the same secret are equal (nonce reused)")
	}
	if got, err := s.Open(sealed, "ch-1"); err != nil || !bytes.Equal(got, secret) {
		t.Errorf("Open = %q, %v", got, err)
	}
	if _, err := s.Open(sealed, "ch-2"); err == nil {
		t.Errorf("a sealed value opened for another channel")
	}
	other, _ := NewSealer(bytes.Repeat([]byte{8}, 32))
	if _, err := other.Open(sealed, "ch-1"); err == nil {
		t.Errorf("opened with another key")
	}
	var none *Sealer
	if _, err := none.Open(sealed, "ch-1"); !errors.Is(err, ErrNoKey) {
		t.Errorf("opened without a key: %v", err)
	}
	clear := none.Seal(secret, "ch-1")
	for _, sl := range []*Sealer{none, s} {
		if got, err := sl.Open(clear, "ch-1"); err != nil || !bytes.Equal(got, secret) {
			t.Errorf("a value kept in clear: %q %v", got, err)
		}
	}
	if _, err := NewSealer(key[:16]); err == nil {
		t.Errorf("a 16-byte key was taken")
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "secret.key")
	k1, err := LoadOrCreateKey(path)
	if err != nil || len(k1) != 32 {
		t.Fatalf("create: %v", err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v", fi.Mode().Perm())
	}
	k2, err := LoadOrCreateKey(path)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Errorf("reload: %v", err)
	}
	hexPath := filepath.Join(t.TempDir(), "hex.key")
	os.WriteFile(hexPath, []byte(strings.Repeat("ab", 32)+"\n"), 0o600)
	if k, err := LoadKey(hexPath); err != nil || k[0] != 0xab {
		t.Errorf("hex key: %v", err)
	}
	os.WriteFile(hexPath, []byte("too short"), 0o600)
	if _, err := LoadKey(hexPath); err == nil {
		t.Errorf("a bad key file was taken")
	}
}
