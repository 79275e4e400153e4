package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/store"
)

// Registry writes are rare and short: they use the writer connection directly, where they queue
// behind (or ahead of) the writer goroutine's group transactions, never beside them.

const sqlPutCompany = `INSERT INTO companies (nxt_entity_id, name, eori, tin, apcs, duns, scac, external_id,
    roles, addresses, ingestion_id, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
		return fmt.Errorf("store/sqlite: put company: %w", err)
	}
	addresses, err := json.Marshal(c.Addresses)
	if err != nil {
		return fmt.Errorf("store/sqlite: put company: %w", err)
	}
	var ingestionID any
	if c.IngestionID != "" {
		ingestionID = identity.StoredIngestionID(c.IngestionID) // a bearer secret: stored hashed
	}
	_, err = s.w.ExecContext(ctx, sqlPutCompany, c.NxtEntityID, c.Name, c.Eori, c.Tin, c.Apcs, c.Duns, c.Scac,
		c.ExternalID, string(roles), string(addresses), ingestionID, nanos(c.CreatedAt))
	if isUniqueViolation(err) {
		return fmt.Errorf("store/sqlite: the ingestion id of company %s belongs to another company: %w", c.NxtEntityID, store.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store/sqlite: put company: %w", err)
	}
	return nil
}

const sqlCompanies = `SELECT nxt_entity_id, name, eori, tin, apcs, duns, scac, external_id, roles, addresses,
    COALESCE(ingestion_id, ''), created_at FROM companies ORDER BY nxt_entity_id`

// Companies implements store.Registry: every company, by NxtEntityID.
func (s *Store) Companies(ctx context.Context) ([]identity.Company, error) {
	rows, err := s.r.QueryContext(ctx, sqlCompanies)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: companies: %w", err)
	}
	defer rows.Close()
	var out []identity.Company
	for rows.Next() {
		var c identity.Company
		var roles, addresses string
		var createdAt int64
		if err := rows.Scan(&c.NxtEntityID, &c.Name, &c.Eori, &c.Tin, &c.Apcs, &c.Duns, &c.Scac, &c.ExternalID,
			&roles, &addresses, &c.IngestionID, &createdAt); err != nil {
			return nil, fmt.Errorf("store/sqlite: companies: %w", err)
		}
		if err := json.Unmarshal([]byte(roles), &c.Roles); err != nil {
			return nil, fmt.Errorf("store/sqlite: company %s roles: %w", c.NxtEntityID, err)
		}
		if err := json.Unmarshal([]byte(addresses), &c.Addresses); err != nil {
			return nil, fmt.Errorf("store/sqlite: company %s addresses: %w", c.NxtEntityID, err)
		}
		c.CreatedAt = fromNanos(createdAt)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store/sqlite: companies: %w", err)
	}
	return out, nil
}

const sqlPutTerminal = `INSERT INTO terminals (port_lo_code, code, name, operator_id) VALUES (?, ?, ?, ?)
ON CONFLICT (port_lo_code, code) DO UPDATE SET name = excluded.name, operator_id = excluded.operator_id`

// PutTerminal implements store.Registry: it creates or replaces the terminal (a code is unique
// within its port).
func (s *Store) PutTerminal(ctx context.Context, t identity.Terminal) error {
	if _, err := s.w.ExecContext(ctx, sqlPutTerminal, t.PortLoCode, t.Code, t.Name, t.OperatorID); err != nil {
		return fmt.Errorf("store/sqlite: put terminal: %w", err)
	}
	return nil
}

// Terminals implements store.Registry: every terminal, by port and code.
func (s *Store) Terminals(ctx context.Context) ([]identity.Terminal, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT port_lo_code, code, name, operator_id FROM terminals ORDER BY port_lo_code, code`)
	if err != nil {
		return nil, fmt.Errorf("store/sqlite: terminals: %w", err)
	}
	defer rows.Close()
	var out []identity.Terminal
	for rows.Next() {
		var t identity.Terminal
		if err := rows.Scan(&t.PortLoCode, &t.Code, &t.Name, &t.OperatorID); err != nil {
			return nil, fmt.Errorf("store/sqlite: terminals: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store/sqlite: terminals: %w", err)
	}
	return out, nil
}
