package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/portlight/portlight/identity"
)

// CreateUser implements store.Registry; ErrConflict when the username exists.
func (s *Store) CreateUser(ctx context.Context, u identity.User) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO users (username, company_id, password_hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?)`,
		u.Username, u.CompanyID, u.PasswordHash, nanos(u.CreatedAt), nullTime(u.RevokedAt))
	return created("user", u.Username, err)
}

// Users implements store.Registry: every user, by username.
func (s *Store) Users(ctx context.Context) ([]identity.User, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT username, company_id, password_hash, created_at, revoked_at FROM users ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: users: %w", err)
	}
	defer rows.Close()
	var out []identity.User
	for rows.Next() {
		var u identity.User
		var createdAt int64
		var revokedAt sql.NullInt64
		if err := rows.Scan(&u.Username, &u.CompanyID, &u.PasswordHash, &createdAt, &revokedAt); err != nil {
			return nil, fmt.Errorf("store/sqlite: users: %w", err)
		}
		u.CreatedAt, u.RevokedAt = fromNanos(createdAt), fromNullNanos(revokedAt)
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store/sqlite: users: %w", err)
	}
	return out, nil
}

// RevokeUser implements store.Registry; a user revoked already keeps its first revocation time.
func (s *Store) RevokeUser(ctx context.Context, username string, at time.Time) error {
	res, err := s.w.ExecContext(ctx, `UPDATE users SET revoked_at = COALESCE(revoked_at, ?) WHERE username = ?`, nanos(at), username)
	return updated("user", username, res, err)
}

// RetireSigningKey implements store.Registry; a key retired already keeps its first retirement time.
func (s *Store) RetireSigningKey(ctx context.Context, keyID string, at time.Time) error {
	res, err := s.w.ExecContext(ctx, `UPDATE signing_keys SET retired_at = COALESCE(retired_at, ?) WHERE key_id = ?`, nanos(at), keyID)
	return updated("signing key", keyID, res, err)
}

// ResealSigningKey implements store.Registry.
func (s *Store) ResealSigningKey(ctx context.Context, keyID string, jwk []byte) error {
	res, err := s.w.ExecContext(ctx, `UPDATE signing_keys SET jwk = ? WHERE key_id = ?`, jwk, keyID)
	return updated("signing key", keyID, res, err)
}

// DeleteTerminal implements store.Registry.
func (s *Store) DeleteTerminal(ctx context.Context, portLoCode, code string) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM terminals WHERE port_lo_code = ? AND code = ?`, portLoCode, code)
	return updated("terminal", portLoCode+"/"+code, res, err)
}
