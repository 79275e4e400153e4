package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portlight/portlight/store"
)

const sqlIdemColumns = `company_id, idem_key, fingerprint, public_reference_id, created_at, leased_until, status, header, body`

// ClaimIdempotencyKey implements store.Idempotency. Of concurrent claims of one key, from any
// node, the primary key lets one insert; the others wait for it, insert nothing, and find its
// lease running, so they do not take it over either.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, c store.IdempotentCall) (store.IdempotentCall, bool, error) {
	var got store.IdempotentCall
	var claimed bool
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM idempotency_keys WHERE company_id = $1 AND idem_key = $2 AND created_at < $3`,
			c.CompanyID, c.Key, c.CreatedAt.Add(-store.IdempotencyWindow)); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO idempotency_keys (`+sqlIdemColumns+`) VALUES ($1, $2, $3, $4, $5, $6, 0, NULL, NULL)
ON CONFLICT (company_id, idem_key) DO NOTHING`, c.CompanyID, c.Key, c.Fingerprint, c.PublicReferenceID, c.CreatedAt, c.LeasedUntil)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 1 {
			got, claimed = c, true
			got.Status, got.Header, got.Body = 0, nil, nil
			return nil
		}
		// Taken: over when its first call died unanswered and this is the same call.
		tag, err = tx.Exec(ctx, `UPDATE idempotency_keys SET leased_until = $1
WHERE company_id = $2 AND idem_key = $3 AND status = 0 AND leased_until < $4 AND fingerprint = $5`,
			c.LeasedUntil, c.CompanyID, c.Key, c.CreatedAt, c.Fingerprint)
		if err != nil {
			return err
		}
		claimed = tag.RowsAffected() == 1
		err = tx.QueryRow(ctx, `SELECT `+sqlIdemColumns+` FROM idempotency_keys WHERE company_id = $1 AND idem_key = $2`, c.CompanyID, c.Key).
			Scan(&got.CompanyID, &got.Key, &got.Fingerprint, &got.PublicReferenceID, &got.CreatedAt, &got.LeasedUntil, &got.Status, &got.Header, &got.Body)
		got.CreatedAt, got.LeasedUntil = got.CreatedAt.UTC(), got.LeasedUntil.UTC()
		return err
	})
	if err != nil {
		return store.IdempotentCall{}, false, fmt.Errorf("store/postgres: claim idempotency key: %w", err)
	}
	return got, claimed, nil
}

// AnswerIdempotencyKey implements store.Idempotency.
func (s *Store) AnswerIdempotencyKey(ctx context.Context, companyID, key string, status int, header, body []byte) error {
	if header == nil {
		header = []byte{}
	}
	if body == nil {
		body = []byte{}
	}
	tag, err := s.pool.Exec(ctx, `UPDATE idempotency_keys SET status = $1, header = $2, body = $3 WHERE company_id = $4 AND idem_key = $5`,
		status, header, body, companyID, key)
	if err != nil {
		return fmt.Errorf("store/postgres: answer idempotency key: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store/postgres: answer idempotency key: %w", store.ErrNotFound)
	}
	return nil
}

// ReleaseIdempotencyKey implements store.Idempotency.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, companyID, key string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM idempotency_keys WHERE company_id = $1 AND idem_key = $2 AND status = 0`, companyID, key); err != nil {
		return fmt.Errorf("store/postgres: release idempotency key: %w", err)
	}
	return nil
}

// PurgeIdempotencyKeys implements store.Idempotency.
func (s *Store) PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, before)
	if err != nil {
		return 0, fmt.Errorf("store/postgres: purge idempotency keys: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
