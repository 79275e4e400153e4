package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/portlight/portlight/store"
)

const sqlNotificationColumns = `SELECT seq, receiver_id, type, event, equipment_number, release_id,
    public_reference_id, external_reference_id, stored_on, message FROM notifications`

// Notifications implements store.Store: the notifications matching q, in the order they were
// stored (seq), which is also the order AfterSeq pages in.
func (s *Store) Notifications(ctx context.Context, q store.NotificationQuery) ([]store.StoredNotification, error) {
	query, args := notificationsSQL(q)
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: notifications: %w", err)
	}
	defer rows.Close()
	var out []store.StoredNotification
	for rows.Next() {
		var n store.StoredNotification
		var ext sql.NullString
		var storedOn int64
		if err := rows.Scan(&n.Seq, &n.ReceiverID, &n.Type, &n.Event, &n.EquipmentNumber, &n.ReleaseID,
			&n.PublicReferenceID, &ext, &storedOn, &n.Message); err != nil {
			return nil, fmt.Errorf("store/sqlite: notifications: %w", err)
		}
		n.ExternalReferenceID = fromNullString(ext)
		n.StoredOn = fromNanos(storedOn)
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store/sqlite: notifications: %w", err)
	}
	return out, nil
}

// notificationsSQL is the query of q. A publicReferenceId names a handful of notifications: its
// index is the one to take, and the unary + keeps SQLite from taking the receiver's index
// (receiver, stored_on) instead, which would read the receiver's whole week.
func notificationsSQL(q store.NotificationQuery) (string, []any) {
	var b strings.Builder
	b.WriteString(sqlNotificationColumns)
	args := make([]any, 0, 9)
	plus := ""
	if q.PublicReferenceID != "" {
		plus = "+"
	}
	where := func(cond string, arg any) {
		if len(args) == 0 {
			b.WriteString(" WHERE ")
		} else {
			b.WriteString(" AND ")
		}
		b.WriteString(cond)
		args = append(args, arg)
	}
	for _, f := range []struct{ col, val string }{
		{plus + "receiver_id", q.ReceiverID}, {"event", q.Event}, {"equipment_number", q.EquipmentNumber},
		{"public_reference_id", q.PublicReferenceID}, {"release_id", q.ReleaseID},
	} {
		if f.val != "" {
			where(f.col+" = ?", f.val)
		}
	}
	if !q.From.IsZero() {
		where(plus+"stored_on >= ?", nanos(q.From))
	}
	if !q.To.IsZero() {
		where(plus+"stored_on < ?", nanos(q.To))
	}
	if q.AfterSeq > 0 {
		where(plus+"seq > ?", q.AfterSeq)
	}
	b.WriteString(" ORDER BY seq")
	if q.Limit > 0 {
		b.WriteString(" LIMIT (SELECT ?)")
		args = append(args, q.Limit)
	}
	return b.String(), args
}

const sqlNotificationReceivers = `SELECT DISTINCT receiver_id FROM notifications
WHERE public_reference_id = ? ORDER BY receiver_id`

// NotificationReceivers implements store.Store: the companies notified under publicReferenceID,
// sorted.
func (s *Store) NotificationReceivers(ctx context.Context, publicReferenceID string) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, sqlNotificationReceivers, publicReferenceID)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: notification receivers: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store/sqlite: notification receivers: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store/sqlite: notification receivers: %w", err)
	}
	return out, nil
}

// NotificationHorizon implements store.Store. One writer commits the seqs in order, so every seq up
// to the highest stored is readable.
func (s *Store) NotificationHorizon(ctx context.Context) (int64, error) {
	var seq int64
	if err := s.r.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM notifications`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("store/sqlite: notification horizon: %w", err)
	}
	return seq, nil
}

// sqlNotificationHeads reads a range of the primary key: what was stored since the reader's last
// look, whoever it was for (a receiver filter would make SQLite walk a receiver index instead).
const sqlNotificationHeads = `SELECT seq, receiver_id, equipment_number FROM notifications
WHERE seq > ? ORDER BY seq LIMIT ?`

// NotificationHeads implements store.Store.
func (s *Store) NotificationHeads(ctx context.Context, afterSeq int64, limit int) ([]store.NotificationHead, error) {
	rows, err := s.r.QueryContext(ctx, sqlNotificationHeads, afterSeq, limit)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: notification heads: %w", err)
	}
	defer rows.Close()
	var out []store.NotificationHead
	for rows.Next() {
		var n store.NotificationHead
		if err := rows.Scan(&n.Seq, &n.ReceiverID, &n.EquipmentNumber); err != nil {
			return nil, fmt.Errorf("store/sqlite: notification heads: %w", err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store/sqlite: notification heads: %w", err)
	}
	return out, nil
}
