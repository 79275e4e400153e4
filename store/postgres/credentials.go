package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/store"
)

// The credentials of the registry: clients, subscription keys, signing keys and users. Each is
// created once (ErrConflict on a duplicate id) and revoked or retired, never changed otherwise; a
// second revocation keeps the time of the first.

// CreateClient implements store.Registry; ErrConflict when the client id exists.
func (s *Store) CreateClient(ctx context.Context, c identity.Client) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO clients (client_id, company_id, name, secret_hash, created_at, revoked_at)
VALUES ($1, $2, $3, $4, $5, $6)`, c.ClientID, c.CompanyID, c.Name, c.SecretHash, c.CreatedAt, c.RevokedAt)
	return created("client", c.ClientID, err)
}

const sqlClientColumns = `SELECT client_id, company_id, name, secret_hash, created_at, revoked_at FROM clients`

func scanClient(row pgx.Row) (identity.Client, error) {
	var c identity.Client
	err := row.Scan(&c.ClientID, &c.CompanyID, &c.Name, &c.SecretHash, &c.CreatedAt, &c.RevokedAt)
	c.CreatedAt, c.RevokedAt = c.CreatedAt.UTC(), utcPtr(c.RevokedAt)
	return c, err
}

// Client implements store.Registry; ErrNotFound when there is no such client.
func (s *Store) Client(ctx context.Context, clientID string) (identity.Client, error) {
	c, err := scanClient(s.pool.QueryRow(ctx, sqlClientColumns+` WHERE client_id = $1`, clientID))
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("store/postgres: client %q: %w", clientID, store.ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("store/postgres: client: %w", err)
	}
	return c, nil
}

// Clients implements store.Registry: every client, oldest first.
func (s *Store) Clients(ctx context.Context) ([]identity.Client, error) {
	rows, err := s.pool.Query(ctx, sqlClientColumns+` ORDER BY created_at, client_id COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: clients: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (identity.Client, error) { return scanClient(row) })
	if err != nil {
		return nil, fmt.Errorf("store/postgres: clients: %w", err)
	}
	return out, nil
}

// RevokeClient implements store.Registry; ErrNotFound when there is no such client.
func (s *Store) RevokeClient(ctx context.Context, clientID string, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE clients SET revoked_at = COALESCE(revoked_at, $1) WHERE client_id = $2`, at, clientID)
	return updated("client", clientID, tag, err)
}

// CreateSubscriptionKey implements store.Registry; ErrConflict when the key hash exists.
func (s *Store) CreateSubscriptionKey(ctx context.Context, k identity.SubscriptionKey) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO subscription_keys (key_hash, company_id, name, created_at, revoked_at)
VALUES ($1, $2, $3, $4, $5)`, k.KeyHash, k.CompanyID, k.Name, k.CreatedAt, k.RevokedAt)
	return created("subscription key", k.Name, err)
}

// SubscriptionKeys implements store.Registry: every subscription key, oldest first.
func (s *Store) SubscriptionKeys(ctx context.Context) ([]identity.SubscriptionKey, error) {
	rows, err := s.pool.Query(ctx, `SELECT key_hash, company_id, name, created_at, revoked_at
FROM subscription_keys ORDER BY created_at, key_hash COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: subscription keys: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (identity.SubscriptionKey, error) {
		var k identity.SubscriptionKey
		err := row.Scan(&k.KeyHash, &k.CompanyID, &k.Name, &k.CreatedAt, &k.RevokedAt)
		k.CreatedAt, k.RevokedAt = k.CreatedAt.UTC(), utcPtr(k.RevokedAt)
		return k, err
	})
	if err != nil {
		return nil, fmt.Errorf("store/postgres: subscription keys: %w", err)
	}
	return out, nil
}

// RevokeSubscriptionKey implements store.Registry; ErrNotFound when there is no such key.
func (s *Store) RevokeSubscriptionKey(ctx context.Context, keyHash string, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE subscription_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE key_hash = $2`, at, keyHash)
	return updated("subscription key", "", tag, err)
}

// AddSigningKey implements store.Registry; ErrConflict when the key id exists.
func (s *Store) AddSigningKey(ctx context.Context, k identity.SigningKey) error {
	jwk := k.JWK
	if jwk == nil {
		jwk = []byte{}
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO signing_keys (key_id, jwk, created_at, retired_at) VALUES ($1, $2, $3, $4)`,
		k.KeyID, jwk, k.CreatedAt, k.RetiredAt)
	return created("signing key", k.KeyID, err)
}

// SigningKeys implements store.Registry: every signing key, oldest first.
func (s *Store) SigningKeys(ctx context.Context) ([]identity.SigningKey, error) {
	rows, err := s.pool.Query(ctx, `SELECT key_id, jwk, created_at, retired_at FROM signing_keys
ORDER BY created_at, key_id COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: signing keys: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (identity.SigningKey, error) {
		var k identity.SigningKey
		err := row.Scan(&k.KeyID, &k.JWK, &k.CreatedAt, &k.RetiredAt)
		k.CreatedAt, k.RetiredAt = k.CreatedAt.UTC(), utcPtr(k.RetiredAt)
		return k, err
	})
	if err != nil {
		return nil, fmt.Errorf("store/postgres: signing keys: %w", err)
	}
	return out, nil
}

// RetireSigningKey implements store.Registry; ErrNotFound for an unknown key id.
func (s *Store) RetireSigningKey(ctx context.Context, keyID string, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE signing_keys SET retired_at = COALESCE(retired_at, $1) WHERE key_id = $2`, at, keyID)
	return updated("signing key", keyID, tag, err)
}

// ResealSigningKey implements store.Registry; ErrNotFound for an unknown key id.
func (s *Store) ResealSigningKey(ctx context.Context, keyID string, jwk []byte) error {
	tag, err := s.pool.Exec(ctx, `UPDATE signing_keys SET jwk = $1 WHERE key_id = $2`, jwk, keyID)
	return updated("signing key", keyID, tag, err)
}

// CreateUser implements store.Registry; ErrConflict when the username exists.
func (s *Store) CreateUser(ctx context.Context, u identity.User) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO users (username, company_id, password_hash, created_at, revoked_at)
VALUES ($1, $2, $3, $4, $5)`, u.Username, u.CompanyID, u.PasswordHash, u.CreatedAt, u.RevokedAt)
	return created("user", u.Username, err)
}

// Users implements store.Registry: every user, by username.
func (s *Store) Users(ctx context.Context) ([]identity.User, error) {
	rows, err := s.pool.Query(ctx, `SELECT username, company_id, password_hash, created_at, revoked_at FROM users
ORDER BY username COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: users: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (identity.User, error) {
		var u identity.User
		err := row.Scan(&u.Username, &u.CompanyID, &u.PasswordHash, &u.CreatedAt, &u.RevokedAt)
		u.CreatedAt, u.RevokedAt = u.CreatedAt.UTC(), utcPtr(u.RevokedAt)
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("store/postgres: users: %w", err)
	}
	return out, nil
}

// RevokeUser implements store.Registry; ErrNotFound for an unknown user.
func (s *Store) RevokeUser(ctx context.Context, username string, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE users SET revoked_at = COALESCE(revoked_at, $1) WHERE username = $2`, at, username)
	return updated("user", username, tag, err)
}
