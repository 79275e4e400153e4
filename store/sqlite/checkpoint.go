package sqlite

import (
	"context"
	"database/sql"
	"log/slog"
	"os"
	"time"
)

// Checkpoints run beside the writer, not in it. SQLite's autocheckpoint would copy the WAL into
// the database file (and fsync it) inside the commit that crosses the threshold, stalling every
// command waiting on that group for tens to hundreds of milliseconds on this kind of disk. So the
// writer's connection has autocheckpoint off, and a checkpointer connection runs PASSIVE
// checkpoints (which never block the writer) a few times a second. A PASSIVE checkpoint cannot
// always finish under sustained writes; when the WAL has grown past walRestartBytes anyway, the
// writer runs a RESTART checkpoint between two groups, so the WAL stays bounded.
const (
	checkpointEvery = 20 * time.Millisecond
	walRestartBytes = 32 << 20
)

// checkpointer runs PASSIVE checkpoints on its own connection until quit is closed.
func checkpointer(db *sql.DB, quit <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-quit:
			return
		case <-t.C:
		}
		if _, err := db.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)"); err != nil {
			slog.Warn("sqlite checkpoint", "err", err)
		}
	}
}

// restartIfLarge runs a RESTART checkpoint on the writer's connection when the WAL file has grown
// past walRestartBytes (PASSIVE checkpoints could not keep up).
func (s *Store) restartIfLarge() {
	fi, err := os.Stat(s.path + "-wal")
	if err != nil || fi.Size() < walRestartBytes {
		return
	}
	if _, err := s.w.ExecContext(context.Background(), "PRAGMA wal_checkpoint(RESTART)"); err != nil {
		slog.Warn("sqlite restart checkpoint", "err", err)
	}
}
