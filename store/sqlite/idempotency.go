package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/portlight/portlight/store"
)

const sqlIdemColumns = `company_id, idem_key, fingerprint, public_reference_id, created_at, leased_until, status, header, body`

// ClaimIdempotencyKey implements store.Idempotency, in one transaction on the writer connection:
// the one connection orders concurrent claims, so one of them at most gets the key.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, c store.IdempotentCall) (store.IdempotentCall, bool, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return store.IdempotentCall{}, false, fmt.Errorf("store/sqlite: claim idempotency key: %w", err)
	}
	defer tx.Rollback()
	got, claimed, err := claimIdempotencyKey(ctx, tx, c)
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		return store.IdempotentCall{}, false, fmt.Errorf("store/sqlite: claim idempotency key: %w", err)
	}
	return got, claimed, nil
}

func claimIdempotencyKey(ctx context.Context, tx *sql.Tx, c store.IdempotentCall) (store.IdempotentCall, bool, error) {
	expired := nanos(c.CreatedAt.Add(-store.IdempotencyWindow))
	if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE company_id = ? AND idem_key = ? AND created_at < ?`,
		c.CompanyID, c.Key, expired); err != nil {
		return c, false, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (`+sqlIdemColumns+`) VALUES (?, ?, ?, ?, ?, ?, 0, NULL, NULL)
ON CONFLICT (company_id, idem_key) DO NOTHING`,
		c.CompanyID, c.Key, c.Fingerprint, c.PublicReferenceID, nanos(c.CreatedAt), nanos(c.LeasedUntil))
	if err != nil {
		return c, false, err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		c.Status, c.Header, c.Body = 0, nil, nil
		return c, true, nil
	}
	// Taken: over when its first call died unanswered and this is the same call.
	res, err = tx.ExecContext(ctx, `UPDATE idempotency_keys SET leased_until = ?
WHERE company_id = ? AND idem_key = ? AND status = 0 AND leased_until < ? AND fingerprint = ?`,
		nanos(c.LeasedUntil), c.CompanyID, c.Key, nanos(c.CreatedAt), c.Fingerprint)
	if err != nil {
		return c, false, err
	}
	took, _ := res.RowsAffected()
	var got store.IdempotentCall
	var created, leased int64
	err = tx.QueryRowContext(ctx, `SELECT `+sqlIdemColumns+` FROM idempotency_keys WHERE company_id = ? AND idem_key = ?`, c.CompanyID, c.Key).
		Scan(&got.CompanyID, &got.Key, &got.Fingerprint, &got.PublicReferenceID, &created, &leased, &got.Status, &got.Header, &got.Body)
	got.CreatedAt, got.LeasedUntil = fromNanos(created), fromNanos(leased)
	return got, took == 1, err
}

// AnswerIdempotencyKey implements store.Idempotency.
func (s *Store) AnswerIdempotencyKey(ctx context.Context, companyID, key string, status int, header, body []byte) error {
	if header == nil {
		header = []byte{}
	}
	if body == nil {
		body = []byte{}
	}
	res, err := s.w.ExecContext(ctx, `UPDATE idempotency_keys SET status = ?, header = ?, body = ? WHERE company_id = ? AND idem_key = ?`,
		status, header, body, companyID, key)
	if err != nil {
		return fmt.Errorf("store/sqlite: answer idempotency key: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store/sqlite: answer idempotency key: %w", store.ErrNotFound)
	}
	return nil
}

// ReleaseIdempotencyKey implements store.Idempotency.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, companyID, key string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE company_id = ? AND idem_key = ? AND status = 0`, companyID, key); err != nil {
		return fmt.Errorf("store/sqlite: release idempotency key: %w", err)
	}
	return nil
}

// PurgeIdempotencyKeys implements store.Idempotency.
func (s *Store) PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`, nanos(before))
	if err != nil {
		return 0, fmt.Errorf("store/sqlite: purge idempotency keys: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
