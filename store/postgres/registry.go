package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/store"
)

// Registry writes are rare and short: each is one statement, in a transaction of its own.

const sqlPutCompany = `INSERT INTO companies (nxt_entity_id, name, eori, tin, apcs, duns, scac, external_id,
    roles, addresses, ingestion_id, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (nxt_entity_id) DO UPDATE SET
    name = excluded.name, eori = excluded.eori, tin = excluded.tin, apcs = excluded.apcs,
    duns = excluded.duns, scac = excluded.scac, external_id = excluded.external_id,
    roles = excluded.roles, addresses = excluded.addresses, ingestion_id = excluded.ingestion_id,
    created_at = excluded.created_at`

// PutCompany implements store.Registry: it creates or replaces the company; ErrConflict when its
// ingestion id belongs to another company.
func (s *Store) PutCompany(ctx context.Context, c identity.Company) error {
	roles, err := json.Marshal(c.Roles)
	if err != nil {
		return fmt.Errorf("store/postgres: put company: %w", err)
	}
	addresses, err := json.Marshal(c.Addresses)
	if err != nil {
		return fmt.Errorf("store/postgres: put company: %w", err)
	}
	var ingestionID *string
	if c.IngestionID != "" {
		h := identity.StoredIngestionID(c.IngestionID) // a bearer secret: stored hashed
		ingestionID = &h
	}
	_, err = s.pool.Exec(ctx, sqlPutCompany, c.NxtEntityID, c.Name, c.Eori, c.Tin, c.Apcs, c.Duns, c.Scac,
		c.ExternalID, string(roles), string(addresses), ingestionID, c.CreatedAt)
	if isUniqueViolation(err) {
		return fmt.Errorf("store/postgres: the ingestion id of company %s belongs to another company: %w", c.NxtEntityID, store.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store/postgres: put company: %w", err)
	}
	return nil
}

// Companies implements store.Registry: every company, by NxtEntityID.
func (s *Store) Companies(ctx context.Context) ([]identity.Company, error) {
	rows, err := s.pool.Query(ctx, `SELECT nxt_entity_id, name, eori, tin, apcs, duns, scac, external_id, roles,
    addresses, COALESCE(ingestion_id, ''), created_at FROM companies ORDER BY nxt_entity_id COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: companies: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (identity.Company, error) {
		var c identity.Company
		var roles, addresses string
		if err := row.Scan(&c.NxtEntityID, &c.Name, &c.Eori, &c.Tin, &c.Apcs, &c.Duns, &c.Scac, &c.ExternalID,
			&roles, &addresses, &c.IngestionID, &c.CreatedAt); err != nil {
			return c, err
		}
		c.CreatedAt = c.CreatedAt.UTC()
		if err := json.Unmarshal([]byte(roles), &c.Roles); err != nil {
			return c, fmt.Errorf("company %s roles: %w", c.NxtEntityID, err)
		}
		if err := json.Unmarshal([]byte(addresses), &c.Addresses); err != nil {
			return c, fmt.Errorf("company %s addresses: %w", c.NxtEntityID, err)
		}
		return c, nil
	})
	if err != nil {
		return nil, fmt.Errorf("store/postgres: companies: %w", err)
	}
	return out, nil
}

// PutTerminal implements store.Registry: it creates or replaces the terminal (a code is unique
// within its port).
func (s *Store) PutTerminal(ctx context.Context, t identity.Terminal) error {
	if _, err := s.pool.Exec(ctx, `INSERT INTO terminals (port_lo_code, code, name, operator_id) VALUES ($1, $2, $3, $4)
ON CONFLICT (port_lo_code, code) DO UPDATE SET name = excluded.name, operator_id = excluded.operator_id`,
		t.PortLoCode, t.Code, t.Name, t.OperatorID); err != nil {
		return fmt.Errorf("store/postgres: put terminal: %w", err)
	}
	return nil
}

// Terminals implements store.Registry: every terminal, by port and code.
func (s *Store) Terminals(ctx context.Context) ([]identity.Terminal, error) {
	rows, err := s.pool.Query(ctx, `SELECT port_lo_code, code, name, operator_id FROM terminals
ORDER BY port_lo_code COLLATE "C", code COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("store/postgres: terminals: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (identity.Terminal, error) {
		var t identity.Terminal
		err := row.Scan(&t.PortLoCode, &t.Code, &t.Name, &t.OperatorID)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("store/postgres: terminals: %w", err)
	}
	return out, nil
}

// DeleteTerminal implements store.Registry.
func (s *Store) DeleteTerminal(ctx context.Context, portLoCode, code string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM terminals WHERE port_lo_code = $1 AND code = $2`, portLoCode, code)
	return updated("terminal", portLoCode+"/"+code, tag, err)
}

// isUniqueViolation reports whether err is PostgreSQL refusing a duplicate key (23505).
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}

// created maps the error of an insert: a duplicate id is store.ErrConflict.
func created(what, id string, err error) error {
	switch {
	case err == nil:
		return nil
	case isUniqueViolation(err):
		return fmt.Errorf("store/postgres: %s %q exists: %w", what, id, store.ErrConflict)
	}
	return fmt.Errorf("store/postgres: create %s: %w", what, err)
}

// updated maps the result of an update of one record: no row is store.ErrNotFound. Secrets (key
// hashes) are left out of the message: id is empty for them.
func updated(what, id string, tag pgconn.CommandTag, err error) error {
	if err != nil {
		return fmt.Errorf("store/postgres: update %s: %w", what, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store/postgres: %s %q: %w", what, id, store.ErrNotFound)
	}
	return nil
}

// utcPtr is t in UTC, or nil.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
