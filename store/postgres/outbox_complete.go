package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portlight/portlight/store"
)

// The statements of CompleteDeliveries. A delivery that leaves its queue (delivered or dead) makes
// the next pending one of the queue its head, in the same statement: the outer UPDATE does not see
// the CTE's change, so it skips the ended delivery by its id.
const (
	sqlRecordAttempt = `INSERT INTO delivery_attempts (delivery_id, at, status_code, latency, error)
SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM deliveries WHERE delivery_id = $1)`
	sqlUnblockNext = `
UPDATE deliveries SET blocked = false WHERE delivery_id = (
    SELECT d.delivery_id FROM deliveries d JOIN ended e ON d.channel_id = e.channel_id AND d.ordering_key = e.ordering_key
    WHERE d.status = 0 AND d.delivery_id <> $1 ORDER BY d.seq LIMIT 1) AND blocked`
	sqlDelivered = `WITH ended AS (UPDATE deliveries SET status = 1, attempts = attempts + 1, delivered_at = $2,
    last_attempt_at = $2, last_status_code = $3, last_latency = $4, last_error = $5, leased_by = '', leased_until = NULL
WHERE delivery_id = $1 AND status = 0 RETURNING channel_id, ordering_key)` + sqlUnblockNext
	sqlDead = `WITH ended AS (UPDATE deliveries SET status = 2, attempts = attempts + 1,
    last_attempt_at = $2, last_status_code = $3, last_latency = $4, last_error = $5, leased_by = '', leased_until = NULL
WHERE delivery_id = $1 AND status = 0 AND leased_by = $6 RETURNING channel_id, ordering_key)` + sqlUnblockNext
	sqlRetry = `UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = $6,
    last_attempt_at = $2, last_status_code = $3, last_latency = $4, last_error = $5, leased_by = '', leased_until = NULL
WHERE delivery_id = $1 AND status = 0 AND leased_by = $7`
	sqlRelease = `UPDATE deliveries SET leased_by = '', leased_until = NULL WHERE delivery_id = $1 AND status = 0 AND leased_by = $2`
)

// CompleteDeliveries implements store.Outbox: one transaction that locks the queues whose head may
// change, then runs every outcome's statements in one pipelined batch.
func (s *Store) CompleteDeliveries(ctx context.Context, results []store.DeliveryResult) error {
	if len(results) == 0 {
		return nil
	}
	// One order of the row locks for every completion, whatever order the attempts ended in.
	rs := slices.Clone(results)
	slices.SortFunc(rs, func(a, b store.DeliveryResult) int { return strings.Compare(a.ID, b.ID) })
	queues, err := s.endingQueues(ctx, rs)
	if err != nil {
		return err
	}
	b := &pgx.Batch{}
	for _, r := range rs {
		a := r.Attempt
		// Failed attempts are logged; the one that delivers is the delivery's last attempt.
		if r.Outcome == store.OutcomeRetry || r.Outcome == store.OutcomeDead {
			b.Queue(sqlRecordAttempt, r.ID, a.At, a.StatusCode, int64(a.Latency), a.Error)
		}
		switch r.Outcome {
		case store.OutcomeDelivered:
			b.Queue(sqlDelivered, r.ID, a.At, a.StatusCode, int64(a.Latency), a.Error)
		case store.OutcomeDead:
			b.Queue(sqlDead, r.ID, a.At, a.StatusCode, int64(a.Latency), a.Error, r.Node)
		case store.OutcomeRetry:
			b.Queue(sqlRetry, r.ID, a.At, a.StatusCode, int64(a.Latency), a.Error, r.NextAttemptAt, r.Node)
		case store.OutcomeReleased:
			b.Queue(sqlRelease, r.ID, r.Node)
		default:
			return fmt.Errorf("store/postgres: complete delivery %s: unknown outcome %d", r.ID, r.Outcome)
		}
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockQueues(ctx, tx, queues); err != nil {
			return err
		}
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return fmt.Errorf("store/postgres: complete deliveries: %w", err)
	}
	return nil
}

// endingQueues returns the queues of the results that may end their delivery (delivered, dead):
// their heads may change.
func (s *Store) endingQueues(ctx context.Context, rs []store.DeliveryResult) ([]queue, error) {
	var ids []string
	for _, r := range rs {
		if r.Outcome == store.OutcomeDelivered || r.Outcome == store.OutcomeDead {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	rows, _ := s.pool.Query(ctx, `SELECT channel_id, ordering_key FROM deliveries WHERE delivery_id = ANY($1)`, ids)
	qs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (queue, error) {
		var q queue
		return q, row.Scan(&q.channel, &q.key)
	})
	if err != nil {
		return nil, fmt.Errorf("store/postgres: complete deliveries: %w", err)
	}
	return qs, nil
}

// ReleaseLeases implements store.Outbox.
func (s *Store) ReleaseLeases(ctx context.Context, node string) (int, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE deliveries SET leased_by = '', leased_until = NULL WHERE status = 0 AND leased_by = $1`, node)
	if err != nil {
		return 0, fmt.Errorf("store/postgres: release leases: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// RetryNow implements store.Outbox.
func (s *Store) RetryNow(ctx context.Context, channelID string, now time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE deliveries SET next_attempt_at = $2
WHERE channel_id = $1 AND status = 0 AND NOT blocked AND attempts > 0 AND next_attempt_at > $2
    AND (leased_until IS NULL OR leased_until <= $2)`, channelID, now)
	if err != nil {
		return 0, fmt.Errorf("store/postgres: retry now: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
