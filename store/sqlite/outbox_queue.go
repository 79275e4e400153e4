package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/portlight/portlight/store"
	"github.com/portlight/portlight/store/internal/group"
)

// The delivery queue. The dispatcher's frequent writes (dispatch, claim, complete) are handed to
// the writer goroutine and run inside its next group transaction (inWriter): they share the group's
// commit and fsync with the commands instead of queueing for the writer connection with fsyncs of
// their own, and nothing else writes while they read, so a claim reads and leases atomically. The
// rare ones (replay, release, retry now) are short transactions on the writer connection.
// The literal 0s in the statements (status = 0, NOT blocked) are on purpose: SQLite uses a partial
// index only when the query repeats its WHERE terms, which a bound parameter would not.

// inWriter runs fn in the writer goroutine's next group transaction and returns once that is
// committed. fn may run more than once (when its group fails, or its commit is uncertain, each
// request is tried again alone: group.Commit): it must start from scratch each time.
func (s *Store) inWriter(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.outbox.prepare(ctx, s.w); err != nil {
		return err
	}
	return s.do(ctx, &request{Request: group.Make(nil), fn: fn})
}

// DispatchNotifications implements store.Outbox. The notifications waiting are in outbox_pending,
// which a trigger fills in the command's transaction (migration 00005).
func (s *Store) DispatchNotifications(ctx context.Context, r store.DispatchRequest) (store.Dispatched, error) {
	var out store.Dispatched
	if r.Limit <= 0 {
		return store.Dispatched{Deliveries: map[string]int{}}, nil
	}
	err := s.inWriter(ctx, func(ctx context.Context, tx *sql.Tx) error {
		out = store.Dispatched{Deliveries: map[string]int{}}
		return s.dispatchTx(ctx, tx, r, &out)
	})
	if err != nil {
		return store.Dispatched{Deliveries: map[string]int{}}, err
	}
	return out, nil
}

// dispatchTx is DispatchNotifications inside the writer's transaction.
func (s *Store) dispatchTx(ctx context.Context, tx *sql.Tx, r store.DispatchRequest, out *store.Dispatched) error {
	rows, err := tx.StmtContext(ctx, s.outbox.undispatched).QueryContext(ctx, r.Limit)
	if err != nil {
		return fmt.Errorf("store/sqlite: dispatch: %w", err)
	}
	var ns []store.StoredNotification
	for rows.Next() {
		var n store.StoredNotification
		if err := rows.Scan(&n.Seq, &n.ReceiverID, &n.Type, &n.EquipmentNumber); err != nil {
			rows.Close()
			return fmt.Errorf("store/sqlite: dispatch: %w", err)
		}
		ns = append(ns, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store/sqlite: dispatch: %w", err)
	}
	if len(ns) == 0 {
		return nil
	}
	receivers, err := json.Marshal(store.Receivers(ns))
	if err != nil {
		return fmt.Errorf("store/sqlite: dispatch: %w", err)
	}
	channels, err := scanChannels(tx.StmtContext(ctx, s.outbox.channels).QueryContext(ctx, string(receivers)))
	if err != nil {
		return err
	}
	byCompany := map[string][]*store.Channel{}
	for i := range channels {
		byCompany[channels[i].CompanyID] = append(byCompany[channels[i].CompanyID], &channels[i])
	}
	if len(byCompany) > 0 {
		if err := s.fanOut(ctx, tx, r, ns, byCompany, out.Deliveries); err != nil {
			return err
		}
	}
	// Inside this transaction nothing else writes: the pending notifications up to the last one
	// read are exactly those read.
	if _, err := tx.StmtContext(ctx, s.outbox.markDispatched).ExecContext(ctx, ns[len(ns)-1].Seq); err != nil {
		return fmt.Errorf("store/sqlite: dispatch: %w", err)
	}
	out.Notifications = len(ns)
	return nil
}

// fanOut inserts the deliveries of ns for the channels that want them, each blocked when its
// queue already holds a pending delivery.
func (s *Store) fanOut(ctx context.Context, tx *sql.Tx, r store.DispatchRequest, ns []store.StoredNotification,
	byCompany map[string][]*store.Channel, counts map[string]int) error {
	pending, insert := tx.StmtContext(ctx, s.outbox.pending), tx.StmtContext(ctx, s.outbox.insert)
	type queue struct{ channel, key string }
	queued := map[queue]bool{} // queues this batch added to: everything after their first is blocked
	now, expires := nanos(r.Now), nanos(r.ExpiresAt)
	for i := range ns {
		n := &ns[i]
		for _, c := range byCompany[n.ReceiverID] {
			if !c.Wants(n) {
				continue
			}
			q := queue{c.ID, store.OrderingKey(n)}
			blocked := queued[q]
			if !blocked {
				if err := pending.QueryRowContext(ctx, q.channel, q.key).Scan(&blocked); err != nil {
					return fmt.Errorf("store/sqlite: dispatch: %w", err)
				}
				queued[q] = true
			}
			if _, err := insert.ExecContext(ctx, store.NewDeliveryID(), c.ID, n.Seq, q.key, blocked, now, expires, now); err != nil {
				return fmt.Errorf("store/sqlite: dispatch: %w", err)
			}
			counts[c.ID]++
		}
	}
	return nil
}

const sqlClaim = `SELECT d.delivery_id, d.seq, d.attempts, d.created_at, d.expires_at, d.next_attempt_at,
    d.last_attempt_at, d.last_status_code, d.last_latency, d.last_error,
    n.receiver_id, n.type, n.event, n.equipment_number, n.release_id, n.public_reference_id,
    n.external_reference_id, n.stored_on, n.message
FROM deliveries d JOIN notifications n ON n.seq = d.seq
WHERE d.channel_id = ? AND d.status = 0 AND NOT d.blocked AND d.next_attempt_at <= ? AND d.leased_until <= ?
ORDER BY d.next_attempt_at, d.seq LIMIT (SELECT ?)`

// ClaimDeliveries implements store.Outbox.
func (s *Store) ClaimDeliveries(ctx context.Context, r store.ClaimRequest) ([]store.Delivery, error) {
	ids := make([]string, 0, len(r.Limits))
	for id, n := range r.Limits {
		if n > 0 {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	slices.Sort(ids)
	var out []store.Delivery
	err := s.inWriter(ctx, func(ctx context.Context, tx *sql.Tx) (err error) {
		out, err = s.claimTx(ctx, tx, r, ids)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// claimTx is ClaimDeliveries inside the writer's transaction.
func (s *Store) claimTx(ctx context.Context, tx *sql.Tx, r store.ClaimRequest, ids []string) ([]store.Delivery, error) {
	sel, lease := tx.StmtContext(ctx, s.outbox.claim), tx.StmtContext(ctx, s.outbox.lease)
	now := nanos(r.Now)
	var out []store.Delivery
	for _, channelID := range ids {
		first := len(out)
		rows, err := sel.QueryContext(ctx, channelID, now, now, r.Limits[channelID])
		if err != nil {
			return nil, fmt.Errorf("store/sqlite: claim: %w", err)
		}
		for rows.Next() {
			d := store.Delivery{ChannelID: channelID, Status: store.DeliveryPending, LeasedBy: r.Node, LeasedUntil: r.LeaseUntil}
			var created, expires, next, lastAt, lastLatency, storedOn int64
			var ext sql.NullString
			n := &d.Notification
			if err := rows.Scan(&d.ID, &d.Seq, &d.Attempts, &created, &expires, &next, &lastAt, &d.Last.StatusCode,
				&lastLatency, &d.Last.Error, &n.ReceiverID, &n.Type, &n.Event, &n.EquipmentNumber, &n.ReleaseID,
				&n.PublicReferenceID, &ext, &storedOn, &n.Message); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store/sqlite: claim: %w", err)
			}
			d.CreatedAt, d.ExpiresAt, d.NextAttemptAt = fromNanos(created), fromNanos(expires), fromNanos(next)
			d.Last.At, d.Last.Latency = fromNanos(lastAt), timeDuration(lastLatency)
			n.Seq, n.ExternalReferenceID, n.StoredOn = d.Seq, fromNullString(ext), fromNanos(storedOn)
			out = append(out, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store/sqlite: claim: %w", err)
		}
		if len(out) == first {
			continue
		}
		ids := make([]string, 0, len(out)-first)
		for _, d := range out[first:] {
			ids = append(ids, d.ID)
		}
		batch, err := json.Marshal(ids)
		if err != nil {
			return nil, fmt.Errorf("store/sqlite: claim: %w", err)
		}
		if _, err := lease.ExecContext(ctx, r.Node, nanos(r.LeaseUntil), string(batch)); err != nil {
			return nil, fmt.Errorf("store/sqlite: claim: %w", err)
		}
	}
	return out, nil
}

// The statements of CompleteDeliveries.
const (
	sqlRecordAttempt = `INSERT INTO delivery_attempts (delivery_id, at, status_code, latency, error)
SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM deliveries WHERE delivery_id = ?)`
	// sqlDelivered records the deliveries of a JSON array of [id, at, status code, latency, error]
	// as delivered, in one statement (most outcomes are), answering their queues.
	sqlDelivered = `UPDATE deliveries SET status = 1, attempts = attempts + 1, delivered_at = j.at,
    last_attempt_at = j.at, last_status_code = j.code, last_latency = j.latency, last_error = j.error,
    leased_by = '', leased_until = 0
FROM (SELECT value ->> 0 AS id, value ->> 1 AS at, value ->> 2 AS code, value ->> 3 AS latency,
    value ->> 4 AS error FROM json_each(?)) AS j
WHERE deliveries.delivery_id = j.id AND deliveries.status = 0 RETURNING channel_id, ordering_key`
	sqlDead = `UPDATE deliveries SET status = 2, attempts = attempts + 1,
    last_attempt_at = ?, last_status_code = ?, last_latency = ?, last_error = ?, leased_by = '', leased_until = 0
WHERE delivery_id = ? AND status = 0 AND leased_by = ? RETURNING channel_id, ordering_key`
	sqlRetry = `UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ?,
    last_attempt_at = ?, last_status_code = ?, last_latency = ?, last_error = ?, leased_by = '', leased_until = 0
WHERE delivery_id = ? AND status = 0 AND leased_by = ?`
	sqlRelease = `UPDATE deliveries SET leased_by = '', leased_until = 0 WHERE delivery_id = ? AND status = 0 AND leased_by = ?`
	// sqlUnblockNext makes the first pending delivery of each queue of a JSON array of [channel,
	// ordering key] its head.
	sqlUnblockNext = `UPDATE deliveries SET blocked = 0 WHERE blocked AND delivery_id IN (
    SELECT (SELECT d.delivery_id FROM deliveries d WHERE d.channel_id = q.value ->> 0
        AND d.ordering_key = q.value ->> 1 AND d.status = 0 ORDER BY d.seq LIMIT 1)
    FROM json_each(?) AS q)`
)

// CompleteDeliveries implements store.Outbox.
func (s *Store) CompleteDeliveries(ctx context.Context, results []store.DeliveryResult) error {
	if len(results) == 0 {
		return nil
	}
	return s.inWriter(ctx, func(ctx context.Context, tx *sql.Tx) error { return s.completeTx(ctx, tx, results) })
}

// completeTx is CompleteDeliveries inside the writer's transaction: the delivered ones in one
// statement, the others one by one, then the next delivery of every queue that one left made its
// head (only a queue's head is ever claimed, so no two outcomes of a call share a queue).
func (s *Store) completeTx(ctx context.Context, tx *sql.Tx, results []store.DeliveryResult) error {
	o := &s.outbox
	var delivered [][5]any
	var ended [][2]string // the queues a delivery left
	endedRow := func(row interface{ Scan(...any) error }) error {
		var q [2]string
		switch err := row.Scan(&q[0], &q[1]); err {
		case nil:
			ended = append(ended, q)
		case sql.ErrNoRows:
			// not pending any more, or no longer ours: nothing changes
		default:
			return err
		}
		return nil
	}
	for _, r := range results {
		a := r.Attempt
		var err error
		switch r.Outcome {
		case store.OutcomeDelivered:
			// The attempt that delivers is the delivery's last attempt, not logged apart.
			delivered = append(delivered, [5]any{r.ID, nanos(a.At), a.StatusCode, int64(a.Latency), a.Error})
		case store.OutcomeDead, store.OutcomeRetry:
			// Failed attempts are logged.
			if _, err = tx.StmtContext(ctx, o.record).ExecContext(ctx, r.ID, nanos(a.At), a.StatusCode, int64(a.Latency), a.Error, r.ID); err != nil {
				return fmt.Errorf("store/sqlite: record attempt: %w", err)
			}
			if r.Outcome == store.OutcomeDead {
				err = endedRow(tx.StmtContext(ctx, o.dead).QueryRowContext(ctx, nanos(a.At), a.StatusCode, int64(a.Latency), a.Error, r.ID, r.Node))
			} else {
				_, err = tx.StmtContext(ctx, o.retry).ExecContext(ctx, nanos(r.NextAttemptAt), nanos(a.At), a.StatusCode, int64(a.Latency), a.Error, r.ID, r.Node)
			}
		case store.OutcomeReleased:
			_, err = tx.StmtContext(ctx, o.release).ExecContext(ctx, r.ID, r.Node)
		default:
			err = fmt.Errorf("unknown outcome %d", r.Outcome)
		}
		if err != nil {
			return fmt.Errorf("store/sqlite: complete delivery %s: %w", r.ID, err)
		}
	}
	if len(delivered) > 0 {
		batch, err := json.Marshal(delivered)
		if err != nil {
			return fmt.Errorf("store/sqlite: complete deliveries: %w", err)
		}
		rows, err := tx.StmtContext(ctx, o.delivered).QueryContext(ctx, string(batch))
		if err != nil {
			return fmt.Errorf("store/sqlite: complete deliveries: %w", err)
		}
		for rows.Next() {
			if err := endedRow(rows); err != nil {
				rows.Close()
				return fmt.Errorf("store/sqlite: complete deliveries: %w", err)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store/sqlite: complete deliveries: %w", err)
		}
	}
	if len(ended) > 0 {
		queues, err := json.Marshal(ended)
		if err != nil {
			return fmt.Errorf("store/sqlite: complete deliveries: %w", err)
		}
		if _, err := tx.StmtContext(ctx, o.unblock).ExecContext(ctx, string(queues)); err != nil {
			return fmt.Errorf("store/sqlite: complete deliveries: unblock the next: %w", err)
		}
	}
	return nil
}

// ReleaseLeases implements store.Outbox.
func (s *Store) ReleaseLeases(ctx context.Context, node string) (int, error) {
	res, err := s.w.ExecContext(ctx, `UPDATE deliveries SET leased_by = '', leased_until = 0 WHERE status = 0 AND leased_by = ?`, node)
	if err != nil {
		return 0, fmt.Errorf("store/sqlite: release leases: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// RetryNow implements store.Outbox.
func (s *Store) RetryNow(ctx context.Context, channelID string, now time.Time) (int, error) {
	t := nanos(now)
	res, err := s.w.ExecContext(ctx, `UPDATE deliveries SET next_attempt_at = ?
WHERE channel_id = ? AND status = 0 AND NOT blocked AND attempts > 0 AND next_attempt_at > ? AND leased_until <= ?`,
		t, channelID, t, t)
	if err != nil {
		return 0, fmt.Errorf("store/sqlite: retry now: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func timeDuration(n int64) time.Duration { return time.Duration(n) }
