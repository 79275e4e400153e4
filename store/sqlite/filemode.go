package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// The database holds every release, the audit trail and the sealed secrets: only the node's own
// user may read it. SQLite would create the file 0644 (less the umask), and its -wal and -shm
// files take the database file's mode, so the file is made 0600 before SQLite opens it, and a
// file made before (0644) is narrowed to 0600. A directory Open has to create is 0700. An
// existing directory keeps the mode its operator gave it (docs/security.md).

// privateFile makes the database file at path (and its directory) readable by its owner only.
func privateFile(path string) error {
	if dir := filepath.Dir(path); dir != "" {
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return fmt.Errorf("store/sqlite: create directory: %w", err)
			}
			if err := os.Chmod(dir, 0o700); err != nil {
				return fmt.Errorf("store/sqlite: create directory: %w", err)
			}
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("store/sqlite: create database file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("store/sqlite: create database file: %w", err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("store/sqlite: make %s private: %w", p, err)
		}
	}
	return nil
}
