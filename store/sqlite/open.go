// Package sqlite is the SQLite adapter of store.Store (modernc.org/sqlite, pure Go).
//
// Writes go through one writer goroutine that owns the only write connection and commits the
// commands it finds queued in one transaction (group commit, writer.go): the answer to each caller
// waits for its group's fsync, so a command is durable once Apply returns, and commands for one
// container are applied one after the other, each against the state the previous one left.
// Inside a group the writer only reads containers (most from a cache of the state its committed
// groups left them in, cache.go) and lets the core decide (applyop.go); the rights a group changed
// are kept in an overlay its later ops read through (overlay.go), an encoder goroutine turns the
// outcomes into rows meanwhile (encoder.go), and the rows are inserted with multi-row statements
// just before the commit (batch.go).
//
// Reads use a separate pool of read-only connections, which WAL mode lets run beside the writer.
//
// A bound LIMIT is written LIMIT (SELECT ?), never LIMIT ?: SQLite's planner looks at the value of
// a bare LIMIT parameter, so it marks the statement to be compiled again on every new binding, and
// every run of a prepared statement paid a full prepare (three times the cost of a short query).
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"runtime"
	"sync"
	"time"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/portlight/portlight/store"
	"github.com/portlight/portlight/store/internal/group"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrClosed is returned by Apply once the store is closed.
var ErrClosed = errors.New("store/sqlite: closed")

// Store is the SQLite database of the platform.
type Store struct {
	w *sql.DB // the writer: one connection, used by the writer goroutine and registry writes
	r *sql.DB // the readers: read-only connections

	ws   writeStmts // prepared once on w, bound to each write transaction
	wtx  writeTx    // the writer goroutine's transaction, reused
	enc  encoded    // the rows the encoder goroutine prepares for it
	read *sql.Stmt  // a container's facts and live rights, on r

	ccrmSeen *sql.Stmt // whether a CCRM use is recorded already, on r

	outbox outboxStmts // the webhook outbox's statements, on w, prepared at its first use

	path     string
	ckpt     *sql.DB       // the checkpointer's connection
	ckptDone chan struct{} // closed when the checkpointer stopped
	reqs     chan *request
	quit     chan struct{}
	stopped  chan struct{}
	once     sync.Once
	closeErr error

	restartTried time.Time // when the writer last tried a RESTART checkpoint (checkpoint.go)

	// Counted by the writer goroutine (read them after Close): how well group commit groups.
	groups, groupedOps int64
	// prefetchedContainers counts the containers the writer took from a prefetcher (prefetch.go).
	prefetchedContainers int64

	faults group.Faults // commit failures injected by the store suite (storetest.RunCommitFaults)
}

var _ store.Store = (*Store)(nil)

// pragmas hold for every connection: WAL lets readers run beside the writer; synchronous=FULL
// fsyncs the WAL at every commit, so a command answered after Apply returned survives a crash;
// busy_timeout makes a connection wait for a lock (another process, a checkpoint) instead of failing.
// journal_size_limit keeps the WAL file from staying at its high-water mark after a burst;
// temp_store=MEMORY keeps statement journals (which every multi-row INSERT of a group opens) and
// sorts in memory instead of spilling them to temporary files.
var pragmas = []string{"journal_mode(WAL)", "synchronous(FULL)", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()), "foreign_keys(1)",
	"journal_size_limit(67108864)", "temp_store(MEMORY)"}

// busyTimeout is how long a connection waits for a lock (pragmas); the writer's RESTART
// checkpoint shortens it for itself (checkpoint.go).
const busyTimeout = 10 * time.Second

// writerCacheKiB is the writer's page cache. SQLite's default (2 MiB) is smaller than the pages one
// group dirties in the indexes of rights, notifications and audit records under load: the writer
// then spilled dirty pages to the WAL in the middle of a group and read the same index pages back
// from the file group after group.
const writerCacheKiB = 32 << 10

// dsn builds the modernc DSN of the database file at path. The writer begins its transactions
// IMMEDIATE so that it takes the write lock before it reads the state it decides on; readers are
// query-only, so no read path can ever write by mistake.
//
// Checkpoints are not the writer's: see checkpoint.go.
func dsn(path string, writer bool) string {
	q := url.Values{"_pragma": append([]string(nil), pragmas...)}
	if writer {
		q.Set("_txlock", "immediate")
		q.Add("_pragma", "wal_autocheckpoint(0)") // see checkpoint.go
		q.Add("_pragma", fmt.Sprintf("cache_size(%d)", -writerCacheKiB))
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating it and its directory if needed) the database file at path, brings its
// schema up to date and starts the writer goroutine. Close releases it.
func Open(ctx context.Context, path string) (*Store, error) {
	if err := privateFile(path); err != nil { // filemode.go
		return nil, err
	}
	s := &Store{
		path:    path,
		reqs:    make(chan *request),
		quit:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	var err error
	if s.w, err = sql.Open("sqlite", dsn(path, true)); err != nil {
		return nil, fmt.Errorf("store/sqlite: open: %w", err)
	}
	// One connection that never expires: the writer's prepared statements stay bound to it.
	s.w.SetMaxOpenConns(1)
	s.w.SetMaxIdleConns(1)
	s.w.SetConnMaxLifetime(0)
	if err := migrate(ctx, s.w); err != nil {
		s.w.Close()
		return nil, err
	}
	if s.r, err = sql.Open("sqlite", dsn(path, false)); err != nil {
		s.w.Close()
		return nil, fmt.Errorf("store/sqlite: open readers: %w", err)
	}
	readers := max(4, 2*runtime.GOMAXPROCS(0))
	s.r.SetMaxOpenConns(readers)
	s.r.SetMaxIdleConns(readers)
	if err := s.prepare(ctx); err != nil {
		s.r.Close()
		s.w.Close()
		return nil, err
	}
	encode := make(chan encodeItem, 1024)
	s.wtx = writeTx{ws: &s.ws, encode: encode, cache: newContainerCache(cacheContainers)}
	if s.ckpt, err = sql.Open("sqlite", "file:"+path+"?"+url.Values{"_pragma": {"busy_timeout(10000)"}}.Encode()); err != nil {
		s.r.Close()
		s.w.Close()
		return nil, fmt.Errorf("store/sqlite: open checkpointer: %w", err)
	}
	s.ckpt.SetMaxOpenConns(1)
	s.ckptDone = make(chan struct{})
	go checkpointer(s.ckpt, s.quit, s.ckptDone)
	go encoder(encode, &s.enc)
	go s.run()
	return s, nil
}

// migrate applies the embedded migrations that the database has not seen yet.
func migrate(ctx context.Context, db *sql.DB) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("store/sqlite: migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys)
	if err != nil {
		return fmt.Errorf("store/sqlite: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store/sqlite: migrate: %w", err)
	}
	return nil
}

// prepare prepares the statements of the write path (on the writer) and of the reads on the
// request path: the container, and the CCRM use check.
func (s *Store) prepare(ctx context.Context) error {
	var err error
	if s.ws, err = prepareWriteStmts(ctx, s.w); err != nil {
		return err
	}
	if s.read, err = s.r.PrepareContext(ctx, sqlContainer); err != nil {
		s.ws.close()
		return fmt.Errorf("store/sqlite: prepare: %w", err)
	}
	if s.ccrmSeen, err = s.r.PrepareContext(ctx, sqlCCRMUseSeen); err != nil {
		s.read.Close()
		s.ws.close()
		return fmt.Errorf("store/sqlite: prepare: %w", err)
	}
	return nil
}

// Close stops the writer goroutine (a group being committed is finished first; callers still
// waiting to hand over their ops get ErrClosed) and closes the database. It may be called more
// than once.
func (s *Store) Close() error {
	s.once.Do(func() {
		close(s.quit)
		<-s.stopped
		<-s.ckptDone
		close(s.wtx.encode)
		s.ws.close()
		s.read.Close()
		s.ccrmSeen.Close()
		s.outbox.close()
		// The writer closes last: the last connection to close checkpoints the whole WAL.
		s.closeErr = errors.Join(s.r.Close(), s.ckpt.Close(), s.w.Close())
	})
	return s.closeErr
}
