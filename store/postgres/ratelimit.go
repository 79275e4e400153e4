package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// sqlCountCalls adds every subscription's calls in one statement and returns the totals. The rows
// are sorted, so that two nodes flushing the same subscriptions lock their rows in one order.
const sqlCountCalls = `INSERT INTO call_counts (subscription, window_start, calls)
SELECT s, $1, n FROM unnest($2::text[], $3::bigint[]) AS u(s, n) ORDER BY s COLLATE "C"
ON CONFLICT (subscription, window_start) DO UPDATE SET calls = call_counts.calls + excluded.calls
RETURNING subscription, calls`

// CountCalls implements store.Registry. The nodes flush their counts a few times a second, so this
// is a handful of small writes per second per node; windows older than an hour are dropped on the
// way, in the same round trip.
func (s *Store) CountCalls(ctx context.Context, window time.Time, calls map[string]int) (map[string]int, error) {
	subs := make([]string, 0, len(calls))
	for sub := range calls {
		subs = append(subs, sub)
	}
	slices.Sort(subs)
	counts := make([]int64, len(subs))
	for i, sub := range subs {
		counts[i] = int64(calls[sub])
	}
	totals := make(map[string]int, len(calls))
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue(sqlCountCalls, window, subs, counts).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var sub string
			var total int64
			if err := rows.Scan(&sub, &total); err != nil {
				return err
			}
			totals[sub] = int(total)
		}
		return rows.Err()
	})
	b.Queue(`DELETE FROM call_counts WHERE window_start < $1`, window.Add(-time.Hour))
	b.Queue("COMMIT")
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: count calls: %w", err)
	}
	defer conn.Release()
	if err := conn.SendBatch(ctx, b).Close(); err != nil {
		rollback(conn)
		return nil, fmt.Errorf("store/postgres: count calls: %w", err)
	}
	return totals, nil
}
