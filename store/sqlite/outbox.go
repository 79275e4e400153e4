package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/portlight/portlight/store"
)

// The outbox (store.Outbox): notification channels here, dispatching and claiming in
// outbox_queue.go, the deliveries list and housekeeping in outbox_read.go. Its writes are short
// transactions on the writer connection, like the registry's: they queue between the writer
// goroutine's groups.

var _ store.Outbox = (*Store)(nil)

// CreateChannel implements store.Outbox; ErrConflict when the channel id exists.
func (s *Store) CreateChannel(ctx context.Context, c store.Channel) error {
	types, auth, err := store.ChannelColumns(c)
	if err != nil {
		return fmt.Errorf("store/sqlite: %w", err)
	}
	_, err = s.w.ExecContext(ctx, `INSERT INTO notification_channels (channel_id, company_id, name, url, types, auth,
    sealed, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.CompanyID, c.Name, c.URL, types, auth, c.Sealed, nanos(c.CreatedAt), nanos(c.UpdatedAt))
	return created("notification channel", c.ID, err)
}

// UpdateChannel implements store.Outbox.
func (s *Store) UpdateChannel(ctx context.Context, c store.Channel) error {
	types, auth, err := store.ChannelColumns(c)
	if err != nil {
		return fmt.Errorf("store/sqlite: %w", err)
	}
	res, err := s.w.ExecContext(ctx, `UPDATE notification_channels SET name = ?, url = ?, types = ?, auth = ?, sealed = ?,
    updated_at = ? WHERE channel_id = ? AND company_id = ?`,
		c.Name, c.URL, types, auth, c.Sealed, nanos(c.UpdatedAt), c.ID, c.CompanyID)
	return updated("notification channel", c.ID, res, err)
}

// DeleteChannel implements store.Outbox: the channel's deliveries and their attempts go with it
// (ON DELETE CASCADE).
func (s *Store) DeleteChannel(ctx context.Context, companyID, channelID string) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM notification_channels WHERE channel_id = ? AND company_id = ?`, channelID, companyID)
	return updated("notification channel", channelID, res, err)
}

const sqlChannelColumns = `SELECT channel_id, company_id, name, url, types, auth, sealed, created_at, updated_at
FROM notification_channels`

// Channel implements store.Outbox.
func (s *Store) Channel(ctx context.Context, companyID, channelID string) (store.Channel, error) {
	q, args := sqlChannelColumns+` WHERE channel_id = ?`, []any{channelID}
	if companyID != "" {
		q, args = q+` AND company_id = ?`, append(args, companyID)
	}
	c, err := scanChannel(s.r.QueryRowContext(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("store/sqlite: notification channel %q: %w", channelID, store.ErrNotFound)
	}
	return c, err
}

// Channels implements store.Outbox.
func (s *Store) Channels(ctx context.Context, companyID string) ([]store.Channel, error) {
	q, args := sqlChannelColumns, []any{}
	if companyID != "" {
		q, args = q+` WHERE company_id = ?`, append(args, companyID)
	}
	return scanChannels(s.r.QueryContext(ctx, q+` ORDER BY company_id, created_at, channel_id`, args...))
}

// scanChannels reads the channels rows holds.
func scanChannels(rows *sql.Rows, err error) ([]store.Channel, error) {
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: notification channels: %w", err)
	}
	defer rows.Close()
	var out []store.Channel
	for rows.Next() {
		c, err := scanChannel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store/sqlite: notification channels: %w", err)
	}
	return out, nil
}

func scanChannel(row interface{ Scan(...any) error }) (store.Channel, error) {
	var c store.Channel
	var types, auth string
	var createdAt, updatedAt int64
	if err := row.Scan(&c.ID, &c.CompanyID, &c.Name, &c.URL, &types, &auth, &c.Sealed, &createdAt, &updatedAt); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return c, err
		}
		return c, fmt.Errorf("store/sqlite: notification channel: %w", err)
	}
	if err := store.SetChannelColumns(&c, types, auth); err != nil {
		return c, fmt.Errorf("store/sqlite: %w", err)
	}
	c.CreatedAt, c.UpdatedAt = fromNanos(createdAt), fromNanos(updatedAt)
	return c, nil
}
