package sqlite

import (
	"context"
	"fmt"
	"time"
)

const sqlCountCalls = `INSERT INTO call_counts (subscription, window_start, calls) VALUES (?, ?, ?)
ON CONFLICT (subscription, window_start) DO UPDATE SET calls = calls + excluded.calls
RETURNING calls`

// CountCalls implements store.Registry. The nodes flush their counts a few times a second, so
// this is a handful of small writes per second at most; windows older than an hour are dropped
// on the way.
func (s *Store) CountCalls(ctx context.Context, window time.Time, calls map[string]int) (map[string]int, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: count calls: %w", err)
	}
	defer tx.Rollback()
	totals := make(map[string]int, len(calls))
	for sub, n := range calls {
		var total int
		if err := tx.QueryRowContext(ctx, sqlCountCalls, sub, nanos(window), n).Scan(&total); err != nil {
			return nil, fmt.Errorf("store/sqlite: count calls: %w", err)
		}
		totals[sub] = total
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM call_counts WHERE window_start < ?`, nanos(window.Add(-time.Hour))); err != nil {
		return nil, fmt.Errorf("store/sqlite: count calls: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store/sqlite: count calls: %w", err)
	}
	return totals, nil
}
