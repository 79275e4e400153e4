package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

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

// Deliveries implements store.Outbox.
func (s *Store) Deliveries(ctx context.Context, q store.DeliveryQuery) ([]store.Delivery, error) {
	var b strings.Builder
	b.WriteString(sqlDeliveryColumns + ` WHERE d.channel_id = $1`)
	args := []any{q.ChannelID}
	if q.Status != nil {
		// Literal statuses, so that the partial indexes serve them.
		fmt.Fprintf(&b, ` AND d.status = %d`, int(*q.Status))
	}
	if q.BeforeSeq > 0 {
		args = append(args, q.BeforeSeq)
		b.WriteString(` AND d.seq < $` + strconv.Itoa(len(args)))
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	args = append(args, limit)
	b.WriteString(` ORDER BY d.seq DESC LIMIT $` + strconv.Itoa(len(args)))
	out, err := queryDeliveries(ctx, s.pool, b.String(), args...)
	if err != nil || len(out) == 0 {
		return out, err
	}
	return out, s.recentAttempts(ctx, out)
}

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func queryDeliveries(ctx context.Context, db querier, query string, args ...any) ([]store.Delivery, error) {
	rows, _ := db.Query(ctx, query, args...)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Delivery, error) {
		var d store.Delivery
		var leasedUntil, deliveredAt, lastAt *time.Time
		var lastLatency int64
		n := &d.Notification
		if err := row.Scan(&d.ID, &d.ChannelID, &d.Seq, &d.Status, &d.Attempts, &d.CreatedAt, &d.ExpiresAt,
			&d.NextAttemptAt, &d.LeasedBy, &leasedUntil, &deliveredAt, &lastAt, &d.Last.StatusCode, &lastLatency,
			&d.Last.Error, &n.ReceiverID, &n.Type, &n.Event, &n.EquipmentNumber, &n.ReleaseID, &n.PublicReferenceID,
			&n.ExternalReferenceID, &n.StoredOn); err != nil {
			return d, err
		}
		d.CreatedAt, d.ExpiresAt, d.NextAttemptAt = d.CreatedAt.UTC(), d.ExpiresAt.UTC(), d.NextAttemptAt.UTC()
		d.LeasedUntil, d.DeliveredAt = utcOrZero(leasedUntil), utcOrZero(deliveredAt)
		d.Last.At, d.Last.Latency = utcOrZero(lastAt), time.Duration(lastLatency)
		n.Seq, n.StoredOn = d.Seq, n.StoredOn.UTC()
		return d, nil
	})
	if err != nil {
		return nil, fmt.Errorf("store/postgres: deliveries: %w", err)
	}
	return out, nil
}

// recentAttempts fills the Recent attempts of ds, the latest first, in one query.
func (s *Store) recentAttempts(ctx context.Context, ds []store.Delivery) error {
	ids := make([]string, len(ds))
	at := make(map[string]*store.Delivery, len(ds))
	for i := range ds {
		ids[i], at[ds[i].ID] = ds[i].ID, &ds[i]
	}
	rows, err := s.pool.Query(ctx, `SELECT delivery_id, at, status_code, latency, error FROM (
    SELECT *, row_number() OVER (PARTITION BY delivery_id ORDER BY at DESC, id DESC) AS nth
    FROM delivery_attempts WHERE delivery_id = ANY($1)) AS a
WHERE nth <= $2 ORDER BY delivery_id, nth`, ids, recentAttempts)
	if err != nil {
		return fmt.Errorf("store/postgres: delivery attempts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var a store.DeliveryAttempt
		var latency int64
		if err := rows.Scan(&id, &a.At, &a.StatusCode, &latency, &a.Error); err != nil {
			return fmt.Errorf("store/postgres: delivery attempts: %w", err)
		}
		a.At, a.Latency = a.At.UTC(), time.Duration(latency)
		d := at[id]
		d.Recent = append(d.Recent, a)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store/postgres: delivery attempts: %w", err)
	}
	for i := range ds {
		d := &ds[i]
		// The attempt that delivered is not in the log: it is the delivery's last attempt.
		if d.Status == store.DeliveryDelivered && !d.Last.At.IsZero() {
			d.Recent = append([]store.DeliveryAttempt{d.Last}, d.Recent...)
			if len(d.Recent) > recentAttempts {
				d.Recent = d.Recent[:recentAttempts]
			}
		}
	}
	return nil
}

// ReplayDelivery implements store.Outbox, under the lock of the delivery's queue (it may become
// the queue's head).
func (s *Store) ReplayDelivery(ctx context.Context, channelID, deliveryID string, now, expiresAt time.Time) (store.Delivery, error) {
	var key string
	err := s.pool.QueryRow(ctx, `SELECT ordering_key FROM deliveries WHERE delivery_id = $1 AND channel_id = $2`,
		deliveryID, channelID).Scan(&key)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Delivery{}, fmt.Errorf("store/postgres: delivery %q: %w", deliveryID, store.ErrNotFound)
	}
	if err != nil {
		return store.Delivery{}, fmt.Errorf("store/postgres: replay: %w", err)
	}
	var out store.Delivery
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockQueues(ctx, tx, []queue{{channelID, key}}); err != nil {
			return err
		}
		var status store.DeliveryStatus
		err := tx.QueryRow(ctx, `SELECT status FROM deliveries WHERE delivery_id = $1 AND channel_id = $2 FOR UPDATE`,
			deliveryID, channelID).Scan(&status)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("delivery %q: %w", deliveryID, store.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if status != store.DeliveryDead {
			return fmt.Errorf("delivery %q is %s, not dead: %w", deliveryID, status, store.ErrConflict)
		}
		// Behind whatever of its queue is pending: blocked while there is any, the head otherwise.
		if _, err := tx.Exec(ctx, `UPDATE deliveries SET status = 0, next_attempt_at = $2, expires_at = $3,
    leased_by = '', leased_until = NULL,
    blocked = EXISTS (SELECT 1 FROM deliveries WHERE channel_id = $4 AND ordering_key = $5 AND status = 0)
WHERE delivery_id = $1`, deliveryID, now, expiresAt, channelID, key); err != nil {
			return err
		}
		ds, err := queryDeliveries(ctx, tx, sqlDeliveryColumns+` WHERE d.delivery_id = $1`, deliveryID)
		if err != nil {
			return err
		}
		out = ds[0]
		return nil
	})
	if err != nil {
		return store.Delivery{}, fmt.Errorf("store/postgres: replay: %w", err)
	}
	return out, nil
}

// OutboxStats implements store.Outbox. Undispatched counts the notifications after the dispatch
// cursor, committed or not yet.
func (s *Store) OutboxStats(ctx context.Context) (store.OutboxStats, error) {
	var st store.OutboxStats
	err := s.pool.QueryRow(ctx, `SELECT
    (SELECT count(*) FROM notifications WHERE seq > (SELECT dispatched_seq FROM outbox_cursor)),
    (SELECT count(*) FROM deliveries WHERE status = 0),
    (SELECT count(*) FROM deliveries WHERE status = 2)`).Scan(&st.Undispatched, &st.Pending, &st.Dead)
	if err != nil {
		return st, fmt.Errorf("store/postgres: outbox stats: %w", err)
	}
	return st, nil
}

// pruneBatch bounds one pruning statement, so that it never holds many row locks long.
const pruneBatch = 5000

// PruneDeliveries implements store.Outbox, in statements of at most pruneBatch deliveries.
func (s *Store) PruneDeliveries(ctx context.Context, before time.Time) (int, error) {
	total := 0
	for {
		tag, err := s.pool.Exec(ctx, `DELETE FROM deliveries WHERE delivery_id IN (SELECT delivery_id FROM deliveries
WHERE status <> 0 AND created_at < $1 LIMIT $2)`, before, pruneBatch)
		if err != nil {
			return total, fmt.Errorf("store/postgres: prune deliveries: %w", err)
		}
		n := int(tag.RowsAffected())
		total += n
		if n < pruneBatch {
			return total, nil
		}
	}
}
