package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/portlight/portlight/store"
)

// The outbox (store.Outbox), shared by every node of the database: notification channels here,
// dispatching and claiming in outbox_queue.go, outcomes in outbox_complete.go, the deliveries list
// and housekeeping in outbox_read.go.

var _ store.Outbox = (*Store)(nil)

// CreateChannel implements store.Outbox; ErrConflict when the channel id exists.
func (s *Store) CreateChannel(ctx context.Context, c store.Channel) error {
	types, auth, err := store.ChannelColumns(c)
	if err != nil {
		return fmt.Errorf("store/postgres: %w", err)
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO notification_channels (channel_id, company_id, name, url, types, auth,
    sealed, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		c.ID, c.CompanyID, c.Name, c.URL, types, auth, c.Sealed, c.CreatedAt, c.UpdatedAt)
	return created("notification channel", c.ID, err)
}

// UpdateChannel implements store.Outbox.
func (s *Store) UpdateChannel(ctx context.Context, c store.Channel) error {
	types, auth, err := store.ChannelColumns(c)
	if err != nil {
		return fmt.Errorf("store/postgres: %w", err)
	}
	tag, err := s.pool.Exec(ctx, `UPDATE notification_channels SET name = $1, url = $2, types = $3, auth = $4,
    sealed = $5, updated_at = $6 WHERE channel_id = $7 AND company_id = $8`,
		c.Name, c.URL, types, auth, c.Sealed, c.UpdatedAt, c.ID, c.CompanyID)
	return updated("notification channel", c.ID, tag, err)
}

// DeleteChannel implements store.Outbox: the channel's deliveries and their attempts go with it
// (ON DELETE CASCADE).
func (s *Store) DeleteChannel(ctx context.Context, companyID, channelID string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM notification_channels WHERE channel_id = $1 AND company_id = $2`, channelID, companyID)
	return updated("notification channel", channelID, tag, err)
}

const sqlChannelColumns = `SELECT channel_id, company_id, name, url, types, auth, sealed, created_at, updated_at
FROM notification_channels`

// Channel implements store.Outbox.
func (s *Store) Channel(ctx context.Context, companyID, channelID string) (store.Channel, error) {
	q, args := sqlChannelColumns+` WHERE channel_id = $1`, []any{channelID}
	if companyID != "" {
		q, args = q+` AND company_id = $2`, append(args, companyID)
	}
	rows, _ := s.pool.Query(ctx, q, args...)
	c, err := pgx.CollectExactlyOneRow(rows, scanChannel)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("store/postgres: notification channel %q: %w", channelID, store.ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("store/postgres: notification channel: %w", err)
	}
	return c, nil
}

// Channels implements store.Outbox.
func (s *Store) Channels(ctx context.Context, companyID string) ([]store.Channel, error) {
	q, args := sqlChannelColumns, []any{}
	if companyID != "" {
		q, args = q+` WHERE company_id = $1`, append(args, companyID)
	}
	return queryChannels(ctx, s.pool, q+` ORDER BY company_id COLLATE "C", created_at, channel_id COLLATE "C"`, args...)
}

// queryChannels runs a query of sqlChannelColumns.
func queryChannels(ctx context.Context, db interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}, q string, args ...any) ([]store.Channel, error) {
	rows, _ := db.Query(ctx, q, args...)
	out, err := pgx.CollectRows(rows, scanChannel)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: notification channels: %w", err)
	}
	return out, nil
}

func scanChannel(row pgx.CollectableRow) (store.Channel, error) {
	var c store.Channel
	var types, auth string
	if err := row.Scan(&c.ID, &c.CompanyID, &c.Name, &c.URL, &types, &auth, &c.Sealed, &c.CreatedAt, &c.UpdatedAt); err != nil {
		return c, err
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, store.SetChannelColumns(&c, types, auth)
}
