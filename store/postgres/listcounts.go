package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// foldEvery is how often a node folds the rights-list counts (migration 00004): the rows a key
// gathers meanwhile are what a list's size sums, a few thousand at most at full speed.
const foldEvery = time.Second

// foldLockKey is the transaction advisory lock (leaderLockSpace, foldLockKey) a fold holds: when
// another node is folding, this one skips its turn instead of waiting for it.
const foldLockKey = 0x666f6c64 // "fold"

// sqlFoldListCounts replaces the rows of each key that has more than one by their sum. Rows a
// write adds meanwhile are not in the DELETE's snapshot and stay; a row another fold deleted first
// is skipped: a key's sum is the same before and after, whoever folds at the same time.
const sqlFoldListCounts = `WITH keys AS (
    SELECT company_id, port_lo_code, kind FROM rights_list_counts GROUP BY 1, 2, 3 HAVING count(*) > 1
), gone AS (
    DELETE FROM rights_list_counts c USING keys k
    WHERE c.company_id = k.company_id AND c.port_lo_code = k.port_lo_code AND c.kind = k.kind
    RETURNING c.company_id, c.port_lo_code, c.kind, c.n
)
INSERT INTO rights_list_counts (company_id, port_lo_code, kind, n)
SELECT company_id, port_lo_code, kind, sum(n) FROM gone GROUP BY 1, 2, 3`

// vacuumEvery is how many folds a node makes between two VACUUMs of the counts table. Each fold
// leaves the rows it replaced dead, thousands a second at full speed: left to autovacuum (a minute
// apart at best, never when it is off) the table grew to hundreds of megabytes, which every fold
// and every list's size then read.
const vacuumEvery = 30

// foldListCounts folds the rights-list counts once, unless another node is at it; it tells
// whether it did.
func (s *Store) foldListCounts(ctx context.Context) (folded bool, err error) {
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1, $2)`, leaderLockSpace, foldLockKey).Scan(&folded); err != nil {
			return fmt.Errorf("store/postgres: fold list counts: %w", err)
		}
		if !folded {
			return nil
		}
		if _, err := tx.Exec(ctx, sqlFoldListCounts); err != nil {
			return fmt.Errorf("store/postgres: fold list counts: %w", err)
		}
		return nil
	})
	return folded, err
}

// vacuumListCounts vacuums the counts table (outside any transaction, as VACUUM must be).
func (s *Store) vacuumListCounts(ctx context.Context) error {
	if _, err := s.pool.Exec(ctx, `VACUUM rights_list_counts`); err != nil {
		return fmt.Errorf("store/postgres: vacuum list counts: %w", err)
	}
	return nil
}

// folder folds the rights-list counts every foldEvery, and vacuums their table after every
// vacuumEvery folds of its own, until quit is closed.
func (s *Store) folder() {
	defer s.background.Done()
	t := time.NewTicker(foldEvery)
	defer t.Stop()
	folds := 0
	for {
		select {
		case <-s.quit:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		folded, err := s.foldListCounts(ctx)
		if err != nil {
			slog.Warn("rights-list counts", "err", err)
		}
		if folded {
			if folds++; folds%vacuumEvery == 0 {
				if err := s.vacuumListCounts(ctx); err != nil {
					slog.Warn("rights-list counts", "err", err)
				}
			}
		}
		cancel()
	}
}
