package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
//
// A RESTART waits until no reader uses the WAL any more, and a reader may be a long one (a page of
// a long rights list): the writer would wait for it, and every command with it. So the writer's
// RESTART waits restartWait at most; when a reader is still in the way, the WAL grows a little
// longer and the writer tries again after a later group (restartRetry).
const (
	checkpointEvery = 20 * time.Millisecond
	walRestartBytes = 32 << 20
	restartWait     = 2 * time.Millisecond
	restartRetry    = 50 * time.Millisecond
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
// past walRestartBytes (PASSIVE checkpoints could not keep up), waiting restartWait at most for
// the readers.
func (s *Store) restartIfLarge() {
	if time.Since(s.restartTried) < restartRetry {
		return
	}
	fi, err := os.Stat(s.path + "-wal")
	if err != nil || fi.Size() < walRestartBytes {
		return
	}
	s.restartTried = time.Now()
	ctx := context.Background()
	conn, err := s.w.Conn(ctx) // the busy timeout is the connection's: keep it for the three statements
	if err != nil {
		slog.Warn("sqlite restart checkpoint", "err", err)
		return
	}
	defer conn.Close()
	var busy, logFrames, done int
	_, err = conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", restartWait.Milliseconds()))
	if err == nil {
		err = conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(RESTART)").Scan(&busy, &logFrames, &done)
	}
	if _, err2 := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", busyTimeout.Milliseconds())); err2 != nil {
		err = errors.Join(err, err2)
	}
	if err != nil {
		slog.Warn("sqlite restart checkpoint", "err", err)
	}
}
