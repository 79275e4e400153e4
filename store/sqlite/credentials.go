package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/store"
)

// The credentials of the registry: clients, subscription keys and signing keys. Each is created
// once (ErrConflict on a duplicate id) and revoked or retired, never changed otherwise.

// CreateClient implements store.Registry; ErrConflict when the client id exists.
func (s *Store) CreateClient(ctx context.Context, c identity.Client) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO clients (client_id, company_id, name, secret_hash, created_at, revoked_at)
VALUES (?, ?, ?, ?, ?, ?)`, c.ClientID, c.CompanyID, c.Name, c.SecretHash, nanos(c.CreatedAt), nullTime(c.RevokedAt))
	return created("client", c.ClientID, err)
}

const sqlClientColumns = `SELECT client_id, company_id, name, secret_hash, created_at, revoked_at FROM clients`

// Client implements store.Registry; ErrNotFound when there is no such client.
func (s *Store) Client(ctx context.Context, clientID string) (identity.Client, error) {
	c, err := scanClient(s.r.QueryRowContext(ctx, sqlClientColumns+` WHERE client_id = ?`, clientID))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("store/sqlite: client %q: %w", clientID, store.ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("store/sqlite: client: %w", err)
	}
	return c, nil
}

// Clients implements store.Registry: every client, oldest first.
func (s *Store) Clients(ctx context.Context) ([]identity.Client, error) {
	rows, err := s.r.QueryContext(ctx, sqlClientColumns+` ORDER BY created_at, client_id`)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: clients: %w", err)
	}
	defer rows.Close()
	var out []identity.Client
	for rows.Next() {
		c, err := scanClient(rows)
		if err != nil {
			return nil, fmt.Errorf("store/sqlite: clients: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store/sqlite: clients: %w", err)
	}
	return out, nil
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanClient(row scanner) (identity.Client, error) {
	var c identity.Client
	var createdAt int64
	var revokedAt sql.NullInt64
	err := row.Scan(&c.ClientID, &c.CompanyID, &c.Name, &c.SecretHash, &createdAt, &revokedAt)
	c.CreatedAt, c.RevokedAt = fromNanos(createdAt), fromNullNanos(revokedAt)
	return c, err
}

// RevokeClient implements store.Registry; ErrNotFound when there is no such client. A client
// revoked already keeps the time of its first revocation.
func (s *Store) RevokeClient(ctx context.Context, clientID string, at time.Time) error {
	res, err := s.w.ExecContext(ctx, `UPDATE clients SET revoked_at = COALESCE(revoked_at, ?) WHERE client_id = ?`, nanos(at), clientID)
	return updated("client", clientID, res, err)
}

// CreateSubscriptionKey implements store.Registry; ErrConflict when the key hash exists.
func (s *Store) CreateSubscriptionKey(ctx context.Context, k identity.SubscriptionKey) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO subscription_keys (key_hash, company_id, name, created_at, revoked_at)
VALUES (?, ?, ?, ?, ?)`, k.KeyHash, k.CompanyID, k.Name, nanos(k.CreatedAt), nullTime(k.RevokedAt))
	return created("subscription key", k.Name, err)
}

// SubscriptionKeys implements store.Registry: every subscription key, oldest first.
func (s *Store) SubscriptionKeys(ctx context.Context) ([]identity.SubscriptionKey, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT key_hash, company_id, name, created_at, revoked_at
FROM subscription_keys ORDER BY created_at, key_hash`)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: subscription keys: %w", err)
	}
	defer rows.Close()
	var out []identity.SubscriptionKey
	for rows.Next() {
		var k identity.SubscriptionKey
		var createdAt int64
		var revokedAt sql.NullInt64
		if err := rows.Scan(&k.KeyHash, &k.CompanyID, &k.Name, &createdAt, &revokedAt); err != nil {
			return nil, fmt.Errorf("store/sqlite: subscription keys: %w", err)
		}
		k.CreatedAt, k.RevokedAt = fromNanos(createdAt), fromNullNanos(revokedAt)
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store/sqlite: subscription keys: %w", err)
	}
	return out, nil
}

// RevokeSubscriptionKey implements store.Registry; ErrNotFound when there is no such key. A key
// revoked already keeps the time of its first revocation.
func (s *Store) RevokeSubscriptionKey(ctx context.Context, keyHash string, at time.Time) error {
	res, err := s.w.ExecContext(ctx, `UPDATE subscription_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE key_hash = ?`, nanos(at), keyHash)
	return updated("subscription key", "", res, err)
}

// AddSigningKey implements store.Registry; ErrConflict when the key id exists.
func (s *Store) AddSigningKey(ctx context.Context, k identity.SigningKey) error {
	jwk := k.JWK
	if jwk == nil {
		jwk = []byte{}
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO signing_keys (key_id, jwk, created_at, retired_at) VALUES (?, ?, ?, ?)`,
		k.KeyID, jwk, nanos(k.CreatedAt), nullTime(k.RetiredAt))
	return created("signing key", k.KeyID, err)
}

// SigningKeys implements store.Registry: every signing key, oldest first.
func (s *Store) SigningKeys(ctx context.Context) ([]identity.SigningKey, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT key_id, jwk, created_at, retired_at FROM signing_keys ORDER BY created_at, key_id`)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: signing keys: %w", err)
	}
	defer rows.Close()
	var out []identity.SigningKey
	for rows.Next() {
		var k identity.SigningKey
		var createdAt int64
		var retiredAt sql.NullInt64
		if err := rows.Scan(&k.KeyID, &k.JWK, &createdAt, &retiredAt); err != nil {
			return nil, fmt.Errorf("store/sqlite: signing keys: %w", err)
		}
		k.CreatedAt, k.RetiredAt = fromNanos(createdAt), fromNullNanos(retiredAt)
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store/sqlite: signing keys: %w", err)
	}
	return out, nil
}

// created maps the error of an insert: a duplicate id is store.ErrConflict.
func created(what, id string, err error) error {
	switch {
	case err == nil:
		return nil
	case isUniqueViolation(err):
		return fmt.Errorf("store/sqlite: %s %q exists: %w", what, id, store.ErrConflict)
	}
	return fmt.Errorf("store/sqlite: create %s: %w", what, err)
}

// updated maps the result of an update of one record: no row is store.ErrNotFound. Secrets
// (key hashes) are left out of the message: id is empty for them.
func updated(what, id string, res sql.Result, err error) error {
	if err != nil {
		return fmt.Errorf("store/sqlite: update %s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store/sqlite: update %s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("store/sqlite: %s %q: %w", what, id, store.ErrNotFound)
	}
	return nil
}
