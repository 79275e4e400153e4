package delivery

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// WakeAfterApply returns st with Apply calling wake once it returns: the notifications a command
// just committed are dispatched at once instead of at the next poll. Everything else is st's.
func WakeAfterApply(st store.Store, wake func()) store.Store {
	return wakingStore{Store: st, wake: wake}
}

type wakingStore struct {
	store.Store
	wake func()
}

func (s wakingStore) Apply(ctx context.Context, ops ...store.Op) ([]release.Outcome, error) {
	outs, err := s.Store.Apply(ctx, ops...)
	s.wake() // even on error: a cancelled caller's ops may have committed
	return outs, err
}

// LoadOrCreateNodeID returns the node id kept in the file at path, making one the first time,
// so that a node keeps its id (and gets its leases back at once) across restarts.
func LoadOrCreateNodeID(path string) (string, error) {
	if b, err := os.ReadFile(path); err == nil && strings.TrimSpace(string(b)) != "" {
		return strings.TrimSpace(string(b)), nil
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	raw := make([]byte, 8)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	host, _ := os.Hostname()
	id := strings.Trim(host+"-"+hex.EncodeToString(raw), "-")
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return "", err
	}
	if err := os.WriteFile(path, []byte(id+"\n"), 0o640); err != nil {
		return "", err
	}
	return id, nil
}
