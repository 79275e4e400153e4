package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portlight/portlight/store"
)

// Seqs and concurrent writers.
//
// Notification seqs come from notification_seq when the rows are inserted, but the transactions
// that take them commit in their own order: a writer may take seq 5, another seq 6 and commit
// first. A reader that returned 6 then would page on "after 6" and never see 5. So every writer
// announces, before it takes a seq, the lowest seq it may take, and readers only return seqs below
// every announced one.
//
// The announcements are shared advisory locks held until the end of the writer's transaction (so a
// writer that crashes or rolls back withdraws its announcement at once), keyed by the announced
// seq plus seqLockBase: sqlAnnounceSeqs takes one at last_value+1 of the sequence, before the
// INSERT takes its seqs, which can only be higher. A reader (horizon) reads the last seq taken, H,
// then the lowest announcement, M, in pg_locks, and returns seqs up to min(H, M-1), in a later
// statement (a later snapshot) than both:
//   - a seq s <= H was taken before H was read, so its writer announced (at most s) before that:
//     if it has not committed by the time pg_locks is read, M <= s and s is held back;
//   - if it has committed by then, its rows are visible to the reader's next statement (a
//     transaction is visible before its locks are released).
//
// Seqs above H were not taken yet when H was read, and are held back whoever takes them. The cost
// is one extra statement in the writer's last batch, and a short delay for readers while a write
// is committing.

// seqLockBase keeps the announcement locks apart from every other advisory lock (goose's, the
// leadership locks): announcement keys are seqLockBase + seq, and nothing else uses keys that
// high.
const seqLockBase = int64(1) << 62

// sqlAnnounceSeqs announces the lowest seq this transaction may take (see above). The sequence
// keeps CACHE 1 (migrations), so last_value is the last seq any session took.
var sqlAnnounceSeqs = `SELECT pg_advisory_xact_lock_shared(` + strconv.FormatInt(seqLockBase, 10) +
	` + CASE WHEN is_called THEN last_value + 1 ELSE last_value END) FROM notification_seq`

// sqlLastSeq is H, the last seq taken (0 before the first).
const sqlLastSeq = `SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM notification_seq`

// sqlLowestAnnounced is M, the lowest announced seq in this database, or NULL. A bigint advisory
// lock key shows in pg_locks as classid (high 32 bits) and objid (low 32 bits) with objsubid 1.
var sqlLowestAnnounced = `SELECT min(((classid::bigint << 32) | objid::bigint) - ` + strconv.FormatInt(seqLockBase, 10) + `)
FROM pg_locks
WHERE locktype = 'advisory' AND objsubid = 1 AND classid >= ` + strconv.FormatInt(seqLockBase>>32, 10) + `
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`

// horizon returns the highest seq a reader may return now: every seq up to it is committed or will
// never be (see above). The two statements are pipelined, H strictly before M.
func (s *Store) horizon(ctx context.Context) (int64, error) {
	b := &pgx.Batch{}
	var h int64
	var m *int64
	b.Queue(sqlLastSeq).QueryRow(func(row pgx.Row) error { return row.Scan(&h) })
	b.Queue(sqlLowestAnnounced).QueryRow(func(row pgx.Row) error { return row.Scan(&m) })
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return 0, err
	}
	if m != nil && *m-1 < h {
		h = *m - 1
	}
	return h, nil
}

const sqlNotificationColumns = `SELECT seq, receiver_id, type, event, equipment_number, release_id,
    public_reference_id, external_reference_id, stored_on, message FROM notifications WHERE seq <= $1`

// Notifications implements store.Store: the notifications matching q, in seq order, among those
// below the horizon (so that paging with AfterSeq never skips one).
func (s *Store) Notifications(ctx context.Context, q store.NotificationQuery) ([]store.StoredNotification, error) {
	h, err := s.horizon(ctx)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: notifications: %w", err)
	}
	var b strings.Builder
	b.WriteString(sqlNotificationColumns)
	args := make([]any, 1, 10)
	args[0] = h
	where := func(cond string, arg any) {
		args = append(args, arg)
		b.WriteString(" AND " + cond + " $" + strconv.Itoa(len(args)))
	}
	for _, f := range []struct{ col, val string }{
		{"receiver_id", q.ReceiverID}, {"event", q.Event}, {"equipment_number", q.EquipmentNumber},
		{"public_reference_id", q.PublicReferenceID}, {"release_id", q.ReleaseID},
	} {
		if f.val != "" {
			where(f.col+" =", f.val)
		}
	}
	if !q.From.IsZero() {
		where("stored_on >=", q.From)
	}
	if !q.To.IsZero() {
		where("stored_on <", q.To)
	}
	if q.AfterSeq > 0 {
		where("seq >", q.AfterSeq)
	}
	b.WriteString(" ORDER BY seq")
	if q.Limit > 0 {
		args = append(args, q.Limit)
		b.WriteString(" LIMIT $" + strconv.Itoa(len(args)))
	}
	rows, err := s.pool.Query(ctx, b.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: notifications: %w", err)
	}
	defer rows.Close()
	var out []store.StoredNotification
	for rows.Next() {
		var n store.StoredNotification
		var storedOn time.Time
		if err := rows.Scan(&n.Seq, &n.ReceiverID, &n.Type, &n.Event, &n.EquipmentNumber, &n.ReleaseID,
			&n.PublicReferenceID, &n.ExternalReferenceID, &storedOn, &n.Message); err != nil {
			return nil, fmt.Errorf("store/postgres: notifications: %w", err)
		}
		n.StoredOn = storedOn.UTC()
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store/postgres: notifications: %w", err)
	}
	return out, nil
}

// NotificationReceivers implements store.Store: the companies notified under publicReferenceID,
// sorted.
func (s *Store) NotificationReceivers(ctx context.Context, publicReferenceID string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT receiver_id FROM notifications
WHERE public_reference_id = $1 GROUP BY receiver_id ORDER BY receiver_id COLLATE "C"`, publicReferenceID)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: notification receivers: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("store/postgres: notification receivers: %w", err)
	}
	return out, nil
}

// NotificationHorizon implements store.Store: the horizon of concurrent writers (see above).
func (s *Store) NotificationHorizon(ctx context.Context) (int64, error) {
	h, err := s.horizon(ctx)
	if err != nil {
		return 0, fmt.Errorf("store/postgres: notification horizon: %w", err)
	}
	return h, nil
}

// NotificationHeads implements store.Store: a range of the primary key, below the horizon.
func (s *Store) NotificationHeads(ctx context.Context, afterSeq int64, limit int) ([]store.NotificationHead, error) {
	h, err := s.horizon(ctx)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: notification heads: %w", err)
	}
	if h <= afterSeq {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT seq, receiver_id, equipment_number FROM notifications
WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3`, afterSeq, h, limit)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: notification heads: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.NotificationHead, error) {
		var n store.NotificationHead
		err := row.Scan(&n.Seq, &n.ReceiverID, &n.EquipmentNumber)
		return n, err
	})
	if err != nil {
		return nil, fmt.Errorf("store/postgres: notification heads: %w", err)
	}
	return out, nil
}
