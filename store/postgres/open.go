// Package postgres is the PostgreSQL adapter of store.Store (pgx v5, pgxpool), for production:
// several stateless nodes sharing one database.
//
// Each transaction (apply.go) locks the row of every container its ops concern, in key order
// (containers has a row per container a command ever concerned, created by the first one, so that
// containers without rights lock too), reads their facts and live rights, lets the core decide, and
// writes rights, facts, notifications and audit records. The statements go to the server in two
// pipelined batches, BEGIN with the first and COMMIT with the last: two round trips per transaction.
// Commands for one container, from any node, thus run one after the other, each against the state
// the previous one committed. Concurrent Apply calls of a node share transactions (group commit,
// group.go): the server's cost of a transaction is mostly its own, not its commands'.
//
// Notification seqs come from a sequence, so concurrent transactions may commit them out of order;
// readers only return seqs below the lowest one a writer may still commit (notifications.go), so
// that a reader paging with AfterSeq never skips a row committed after it read.
//
// Migrations are embedded and applied by Open under goose's PostgreSQL session lock (an advisory
// lock), so that several nodes starting at once apply them exactly once.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/portlight/portlight/store"
	"github.com/portlight/portlight/store/internal/group"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrClosed is returned by Apply once the store is closed.
var ErrClosed = errors.New("store/postgres: closed")

// DefaultMaxConns is the pool size when Options.MaxConns is 0. Each Apply holds a connection for
// its two round trips and its commit; measured on a 2-core machine, more connections than this
// only add contention in the server.
const DefaultMaxConns = 16

// Options tune a store.
type Options struct {
	// MaxConns bounds the connections of the node's pool (0: DefaultMaxConns). The sum over every
	// node must stay below the server's max_connections, with room for the admin's tools.
	MaxConns int
	// Committers is how many group transactions a node runs at once (group.go); 0: an eighth of
	// the pool, at least two. The rest of the pool serves reads.
	Committers int
}

// Store is the PostgreSQL database of the platform.
type Store struct {
	pool   *pgxpool.Pool
	closed atomic.Bool

	reqs       chan *group.Request // Apply calls waiting for a committer (group.go)
	faults     group.Faults        // commit failures injected by the store suite (storetest.RunCommitFaults)
	quit       chan struct{}
	committers sync.WaitGroup
	background sync.WaitGroup // the folder of the rights-list counts (listcounts.go)
	closeOnce  sync.Once
}

var _ store.Store = (*Store)(nil)

// Open connects to the database at url (postgres://...), brings its schema up to date and returns
// the store. Close releases it.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: database URL: %w", err)
	}
	cfg.MaxConns = int32(opts.MaxConns)
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = DefaultMaxConns
	}
	cfg.MaxConnIdleTime = 5 * time.Minute
	// Every session speaks UTC, so that what a person reads in psql matches the API.
	if cfg.ConnConfig.RuntimeParams == nil {
		cfg.ConnConfig.RuntimeParams = map[string]string{}
	}
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: connect: %w", err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	s := &Store{pool: pool, reqs: make(chan *group.Request), quit: make(chan struct{})}
	// An eighth of the pool commits groups of commands: fewer, larger groups cost the server less
	// than many small ones (measured on 2 cores: the server spends 50-85 µs per command with 2
	// committers, 125-190 with 4, 200-230 with 8). The rest is for reads, which must not wait
	// behind them (a gate check is answered synchronously).
	committers := opts.Committers
	if committers <= 0 {
		committers = max(2, int(cfg.MaxConns)/8)
	}
	for range min(committers, int(cfg.MaxConns)) {
		s.committers.Add(1)
		go s.committer()
	}
	s.background.Add(1)
	go s.folder()
	return s, nil
}

// migrate applies the embedded migrations the database has not seen yet, holding goose's session
// advisory lock meanwhile: a node that starts while another migrates waits for it, then finds
// nothing left to do.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	// Probe the lock every second for up to ten minutes (goose's default probes every 5 s).
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 600))
	if err != nil {
		return fmt.Errorf("store/postgres: migrations: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := provider(db, goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("store/postgres: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store/postgres: migrate: %w", err)
	}
	return nil
}

// MigrationsApplied returns the versions of the migrations the database has seen, in order (for
// tests and `portlight migrate`).
func (s *Store) MigrationsApplied(ctx context.Context) ([]int64, error) {
	rows, err := s.pool.Query(ctx, `SELECT version_id FROM goose_db_version WHERE is_applied AND version_id > 0 ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: migrations applied: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Ping implements store.Store: whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("store/postgres: ping: %w", err)
	}
	return nil
}

// Close stops the committers (groups being committed are finished first; callers still waiting
// to hand over their ops get ErrClosed) and closes the pool, waiting for the connections in use to
// be returned. It may be called more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		close(s.quit)
		s.committers.Wait()
		s.background.Wait()
		s.pool.Close()
	})
	return nil
}
