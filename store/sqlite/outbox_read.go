package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/portlight/portlight/store"
)

// recentAttempts is how many attempts Deliveries shows per delivery.
const recentAttempts = 10

const sqlDeliveryColumns = `SELECT d.delivery_id, d.channel_id, d.seq, d.status, d.attempts, d.created_at, d.expires_at,
    d.next_attempt_at, d.leased_by, d.leased_until, d.delivered_at,
    d.last_attempt_at, d.last_status_code, d.last_latency, d.last_error,
    n.receiver_id, n.type, n.event, n.equipment_number, n.release_id, n.public_reference_id,
    n.external_reference_id, n.stored_on
FROM deliveries d JOIN notifications n ON n.seq = d.seq`

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Deliveries implements store.Outbox.
func (s *Store) Deliveries(ctx context.Context, q store.DeliveryQuery) ([]store.Delivery, error) {
	var b strings.Builder
	b.WriteString(sqlDeliveryColumns + ` WHERE d.channel_id = ?`)
	args := []any{q.ChannelID}
	if q.Status != nil {
		// Literal statuses, so that the partial indexes serve them.
		fmt.Fprintf(&b, ` AND d.status = %d`, int(*q.Status))
	}
	if q.BeforeSeq > 0 {
		b.WriteString(` AND d.seq < ?`)
		args = append(args, q.BeforeSeq)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	b.WriteString(` ORDER BY d.seq DESC LIMIT (SELECT ?)`)
	args = append(args, limit)
	out, err := scanDeliveries(ctx, s.r, b.String(), args...)
	if err != nil {
		return nil, err
	}
	for i := range out {
		d := &out[i]
		if d.Recent, err = s.attempts(ctx, s.r, d.ID); err != nil {
			return nil, err
		}
		// The attempt that delivered is not in the log: it is the delivery's last attempt.
		if d.Status == store.DeliveryDelivered && !d.Last.At.IsZero() {
			d.Recent = append([]store.DeliveryAttempt{d.Last}, d.Recent...)
			if len(d.Recent) > recentAttempts {
				d.Recent = d.Recent[:recentAttempts]
			}
		}
	}
	return out, nil
}

func scanDeliveries(ctx context.Context, db querier, query string, args ...any) ([]store.Delivery, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: deliveries: %w", err)
	}
	defer rows.Close()
	var out []store.Delivery
	for rows.Next() {
		var d store.Delivery
		var created, expires, next, leasedUntil, deliveredAt, lastAt, lastLatency, storedOn int64
		var ext sql.NullString
		n := &d.Notification
		if err := rows.Scan(&d.ID, &d.ChannelID, &d.Seq, &d.Status, &d.Attempts, &created, &expires, &next,
			&d.LeasedBy, &leasedUntil, &deliveredAt, &lastAt, &d.Last.StatusCode, &lastLatency, &d.Last.Error,
			&n.ReceiverID, &n.Type, &n.Event, &n.EquipmentNumber, &n.ReleaseID, &n.PublicReferenceID, &ext, &storedOn); err != nil {
			return nil, fmt.Errorf("store/sqlite: deliveries: %w", err)
		}
		d.CreatedAt, d.ExpiresAt, d.NextAttemptAt = fromNanos(created), fromNanos(expires), fromNanos(next)
		d.LeasedUntil, d.DeliveredAt = fromNanos(leasedUntil), fromNanos(deliveredAt)
		d.Last.At, d.Last.Latency = fromNanos(lastAt), time.Duration(lastLatency)
		n.Seq, n.ExternalReferenceID, n.StoredOn = d.Seq, fromNullString(ext), fromNanos(storedOn)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store/sqlite: deliveries: %w", err)
	}
	return out, nil
}

// attempts returns the latest attempts of a delivery, the latest first.
func (s *Store) attempts(ctx context.Context, db querier, deliveryID string) ([]store.DeliveryAttempt, error) {
	rows, err := db.QueryContext(ctx, `SELECT at, status_code, latency, error FROM delivery_attempts
WHERE delivery_id = ? ORDER BY at DESC, rowid DESC LIMIT (SELECT ?)`, deliveryID, recentAttempts)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: delivery attempts: %w", err)
	}
	defer rows.Close()
	var out []store.DeliveryAttempt
	for rows.Next() {
		var a store.DeliveryAttempt
		var at, latency int64
		if err := rows.Scan(&at, &a.StatusCode, &latency, &a.Error); err != nil {
			return nil, fmt.Errorf("store/sqlite: delivery attempts: %w", err)
		}
		a.At, a.Latency = fromNanos(at), time.Duration(latency)
		out = append(out, a)
	}
	return out, rows.Err()
}

// ReplayDelivery implements store.Outbox.
func (s *Store) ReplayDelivery(ctx context.Context, channelID, deliveryID string, now, expiresAt time.Time) (store.Delivery, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return store.Delivery{}, fmt.Errorf("store/sqlite: replay: %w", err)
	}
	defer tx.Rollback()
	var status store.DeliveryStatus
	var key string
	err = tx.QueryRowContext(ctx, `SELECT status, ordering_key FROM deliveries WHERE delivery_id = ? AND channel_id = ?`,
		deliveryID, channelID).Scan(&status, &key)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Delivery{}, fmt.Errorf("store/sqlite: delivery %q: %w", deliveryID, store.ErrNotFound)
	}
	if err != nil {
		return store.Delivery{}, fmt.Errorf("store/sqlite: replay: %w", err)
	}
	if status != store.DeliveryDead {
		return store.Delivery{}, fmt.Errorf("store/sqlite: delivery %q is %s, not dead: %w", deliveryID, status, store.ErrConflict)
	}
	// Behind whatever of its queue is pending: blocked while there is any, the head otherwise.
	if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = 0, next_attempt_at = ?, expires_at = ?,
    leased_by = '', leased_until = 0,
    blocked = EXISTS (SELECT 1 FROM deliveries WHERE channel_id = ? AND ordering_key = ? AND status = 0)
WHERE delivery_id = ?`, nanos(now), nanos(expiresAt), channelID, key, deliveryID); err != nil {
		return store.Delivery{}, fmt.Errorf("store/sqlite: replay: %w", err)
	}
	ds, err := scanDeliveries(ctx, tx, sqlDeliveryColumns+` WHERE d.delivery_id = ?`, deliveryID)
	if err != nil {
		return store.Delivery{}, err
	}
	if err := tx.Commit(); err != nil {
		return store.Delivery{}, fmt.Errorf("store/sqlite: replay: %w", err)
	}
	return ds[0], nil
}

// OutboxStats implements store.Outbox.
func (s *Store) OutboxStats(ctx context.Context) (store.OutboxStats, error) {
	var st store.OutboxStats
	err := s.r.QueryRowContext(ctx, `SELECT
    (SELECT count(*) FROM outbox_pending),
    (SELECT count(*) FROM deliveries WHERE status = 0),
    (SELECT count(*) FROM deliveries WHERE status = 2)`).Scan(&st.Undispatched, &st.Pending, &st.Dead)
	if err != nil {
		return st, fmt.Errorf("store/sqlite: outbox stats: %w", err)
	}
	return st, nil
}

// pruneBatch bounds one pruning transaction, so that it never holds the writer long.
const pruneBatch = 5000

// PruneDeliveries implements store.Outbox, in transactions of at most pruneBatch deliveries.
func (s *Store) PruneDeliveries(ctx context.Context, before time.Time) (int, error) {
	total := 0
	for {
		res, err := s.w.ExecContext(ctx, `DELETE FROM deliveries WHERE delivery_id IN (SELECT delivery_id FROM deliveries
WHERE status <> 0 AND created_at < ? LIMIT (SELECT ?))`, nanos(before), pruneBatch)
		if err != nil {
			return total, fmt.Errorf("store/sqlite: prune deliveries: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, fmt.Errorf("store/sqlite: prune deliveries: %w", err)
		}
		total += int(n)
		if n < pruneBatch {
			return total, nil
		}
	}
}
