package postgres

import (
	"cmp"
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portlight/portlight/store"
)

// The delivery queue, shared by every node. Three kinds of work run concurrently, from any node:
//   - dispatching (turning notifications into deliveries) runs one at a time: it locks the one row
//     of outbox_cursor for its whole transaction, and takes the notifications after the cursor up
//     to the seq horizon (notifications.go), in seq order;
//   - claiming leases ready queue heads with FOR UPDATE SKIP LOCKED: two claims never take the
//     same delivery, and neither waits for the other;
//   - every change of which delivery heads a queue (dispatching into a queue, a delivery leaving
//     it delivered or dead, a replay) holds the queue's advisory lock until its transaction ends,
//     so that a dispatch that finds the head pending (and blocks the new delivery) and an outcome
//     that ends the head (and unblocks the next) never both miss each other: the one that comes
//     second sees what the first committed.
// The literal 0s in the statements (status = 0, NOT blocked) are on purpose: the partial indexes
// serve a query only when it repeats their WHERE terms.

// queueLockSpace is the first key of the queue locks (pg_advisory_xact_lock(int4, int4)); the
// second is a hash of the channel and the ordering key. Two queues sharing a hash only wait for
// each other.
const queueLockSpace = 0x506c7401 // "Plt\1"

// sqlLockQueues takes the advisory locks of the queues $2 (hashes), in ascending order: every
// transaction that locks several queues locks them in that order, so none waits for another in a
// cycle. (A subquery with ORDER BY is not flattened, so the locks are taken in its order.)
const sqlLockQueues = `SELECT count(pg_advisory_xact_lock($1, k)) FROM (SELECT k FROM unnest($2::int4[]) AS u(k) ORDER BY k) AS q`

// queueHash is the second key of a queue's lock.
func queueHash(channelID, key string) int32 {
	h := fnv.New32a()
	h.Write([]byte(channelID))
	h.Write([]byte{0})
	h.Write([]byte(key))
	return int32(h.Sum32())
}

// queue is a channel's queue of one ordering key.
type queue struct{ channel, key string }

// lockQueues takes the locks of qs in tx. Queues of a notification without a container hold one
// delivery only and need none.
func lockQueues(ctx context.Context, tx pgx.Tx, qs []queue) error {
	var hashes []int32
	for _, q := range qs {
		if !strings.HasPrefix(q.key, store.OwnQueuePrefix) {
			hashes = append(hashes, queueHash(q.channel, q.key))
		}
	}
	if len(hashes) == 0 {
		return nil
	}
	slices.Sort(hashes)
	hashes = slices.Compact(hashes)
	if _, err := tx.Exec(ctx, sqlLockQueues, queueLockSpace, hashes); err != nil {
		return fmt.Errorf("lock queues: %w", err)
	}
	return nil
}

// DispatchNotifications implements store.Outbox.
func (s *Store) DispatchNotifications(ctx context.Context, r store.DispatchRequest) (store.Dispatched, error) {
	var out store.Dispatched
	if r.Limit <= 0 {
		return store.Dispatched{Deliveries: map[string]int{}}, nil
	}
	h, err := s.horizon(ctx)
	if err != nil {
		return store.Dispatched{Deliveries: map[string]int{}}, fmt.Errorf("store/postgres: dispatch: %w", err)
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		out = store.Dispatched{Deliveries: map[string]int{}}
		return dispatchTx(ctx, tx, r, h, &out)
	})
	if err != nil {
		return store.Dispatched{Deliveries: map[string]int{}}, fmt.Errorf("store/postgres: dispatch: %w", err)
	}
	return out, nil
}

// dispatchTx is DispatchNotifications in its transaction, for the notifications up to horizon h.
func dispatchTx(ctx context.Context, tx pgx.Tx, r store.DispatchRequest, h int64, out *store.Dispatched) error {
	var cursor int64
	if err := tx.QueryRow(ctx, `SELECT dispatched_seq FROM outbox_cursor FOR UPDATE`).Scan(&cursor); err != nil {
		return err
	}
	if cursor >= h {
		return nil
	}
	rows, _ := tx.Query(ctx, `SELECT seq, receiver_id, type, equipment_number FROM notifications
WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3`, cursor, h, r.Limit)
	ns, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.StoredNotification, error) {
		var n store.StoredNotification
		return n, row.Scan(&n.Seq, &n.ReceiverID, &n.Type, &n.EquipmentNumber)
	})
	if err != nil {
		return err
	}
	// Every seq up to h is committed or never will be: when fewer than the limit came, the
	// cursor moves to h, over the gaps of transactions that rolled back.
	next := h
	if len(ns) == r.Limit {
		next = ns[len(ns)-1].Seq
	}
	if len(ns) > 0 {
		if err := fanOut(ctx, tx, r, ns, out.Deliveries); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE outbox_cursor SET dispatched_seq = $1`, next); err != nil {
		return err
	}
	out.Notifications = len(ns)
	return nil
}

// fanOut inserts the deliveries of ns for the channels that want them, each blocked when its
// queue already holds a pending delivery.
func fanOut(ctx context.Context, tx pgx.Tx, r store.DispatchRequest, ns []store.StoredNotification, counts map[string]int) error {
	// FOR KEY SHARE: a channel deleted meanwhile waits for this transaction (its deliveries would
	// otherwise point at nothing).
	channels, err := queryChannels(ctx, tx, sqlChannelColumns+` WHERE company_id = ANY($1) ORDER BY channel_id FOR KEY SHARE`,
		store.Receivers(ns))
	if err != nil || len(channels) == 0 {
		return err
	}
	byCompany := map[string][]*store.Channel{}
	for i := range channels {
		byCompany[channels[i].CompanyID] = append(byCompany[channels[i].CompanyID], &channels[i])
	}
	var ids, chans, keys []string
	var seqs []int64
	var queues []queue
	seen := map[queue]bool{}
	for i := range ns {
		n := &ns[i]
		for _, c := range byCompany[n.ReceiverID] {
			if !c.Wants(n) {
				continue
			}
			q := queue{c.ID, store.OrderingKey(n)}
			if !seen[q] {
				seen[q] = true
				queues = append(queues, q)
			}
			ids, chans, keys, seqs = append(ids, store.NewDeliveryID()), append(chans, q.channel), append(keys, q.key), append(seqs, n.Seq)
			counts[c.ID]++
		}
	}
	if len(ids) == 0 {
		return nil
	}
	if err := lockQueues(ctx, tx, queues); err != nil {
		return err
	}
	// Under the queues' locks: which of them hold a pending delivery already.
	qc, qk := make([]string, len(queues)), make([]string, len(queues))
	for i, q := range queues {
		qc[i], qk[i] = q.channel, q.key
	}
	rows, _ := tx.Query(ctx, `SELECT DISTINCT d.channel_id, d.ordering_key
FROM unnest($1::text[], $2::text[]) AS q(channel_id, ordering_key)
JOIN deliveries d ON d.channel_id = q.channel_id AND d.ordering_key = q.ordering_key AND d.status = 0`, qc, qk)
	busy, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (queue, error) {
		var q queue
		return q, row.Scan(&q.channel, &q.key)
	})
	if err != nil {
		return err
	}
	headed := make(map[queue]bool, len(queues)) // queues whose head is pending or made by this batch
	for _, q := range busy {
		headed[q] = true
	}
	blocked := make([]bool, len(ids))
	for i := range ids {
		q := queue{chans[i], keys[i]}
		blocked[i] = headed[q]
		headed[q] = true
	}
	_, err = tx.Exec(ctx, `INSERT INTO deliveries (delivery_id, channel_id, seq, ordering_key, status, blocked,
    created_at, expires_at, next_attempt_at)
SELECT id, c, seq, k, 0, b, $6, $7, $6 FROM unnest($1::text[], $2::text[], $3::int8[], $4::text[], $5::bool[]) AS u(id, c, seq, k, b)`,
		ids, chans, seqs, keys, blocked, r.Now, r.ExpiresAt)
	return err
}

// sqlClaim leases to $4 until $5 up to $3 ready deliveries of channel $1 at $2, with their
// notification.
const sqlClaim = `WITH ready AS (
    SELECT delivery_id FROM deliveries
    WHERE channel_id = $1 AND status = 0 AND NOT blocked AND next_attempt_at <= $2
        AND (leased_until IS NULL OR leased_until <= $2)
    ORDER BY next_attempt_at, seq LIMIT $3
    FOR UPDATE SKIP LOCKED)
UPDATE deliveries d SET leased_by = $4, leased_until = $5
FROM ready, notifications n
WHERE d.delivery_id = ready.delivery_id AND n.seq = d.seq
RETURNING d.delivery_id, d.seq, d.attempts, d.created_at, d.expires_at, d.next_attempt_at,
    d.last_attempt_at, d.last_status_code, d.last_latency, d.last_error,
    n.receiver_id, n.type, n.event, n.equipment_number, n.release_id, n.public_reference_id,
    n.external_reference_id, n.stored_on, n.message`

// ClaimDeliveries implements store.Outbox: one statement per channel, pipelined.
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
	b := &pgx.Batch{}
	for _, channelID := range ids {
		b.Queue(sqlClaim, channelID, r.Now, r.Limits[channelID], r.Node, r.LeaseUntil).Query(func(rows pgx.Rows) error {
			first := len(out)
			for rows.Next() {
				d := store.Delivery{ChannelID: channelID, Status: store.DeliveryPending, LeasedBy: r.Node, LeasedUntil: r.LeaseUntil}
				var lastAt *time.Time
				var lastLatency int64
				n := &d.Notification
				if err := rows.Scan(&d.ID, &d.Seq, &d.Attempts, &d.CreatedAt, &d.ExpiresAt, &d.NextAttemptAt, &lastAt,
					&d.Last.StatusCode, &lastLatency, &d.Last.Error, &n.ReceiverID, &n.Type, &n.Event, &n.EquipmentNumber,
					&n.ReleaseID, &n.PublicReferenceID, &n.ExternalReferenceID, &n.StoredOn, &n.Message); err != nil {
					return err
				}
				d.CreatedAt, d.ExpiresAt, d.NextAttemptAt = d.CreatedAt.UTC(), d.ExpiresAt.UTC(), d.NextAttemptAt.UTC()
				d.Last.At, d.Last.Latency = utcOrZero(lastAt), time.Duration(lastLatency)
				n.Seq, n.StoredOn = d.Seq, n.StoredOn.UTC()
				out = append(out, d)
			}
			if err := rows.Err(); err != nil {
				return err
			}
			// RETURNING keeps no order: due the longest first, then in seq order.
			slices.SortFunc(out[first:], func(a, b store.Delivery) int {
				return cmp.Or(a.NextAttemptAt.Compare(b.NextAttemptAt), cmp.Compare(a.Seq, b.Seq))
			})
			return nil
		})
	}
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, fmt.Errorf("store/postgres: claim: %w", err)
	}
	return out, nil
}

// utcOrZero is *t in UTC, or the zero time for NULL.
func utcOrZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}
