// Package admin is what a port's operator does to the registry: companies with their identifiers,
// roles, addresses and terminals; their client applications, subscription keys, users and
// ingestion ids; the token signing keys. The `portlight admin` commands and the admin API both
// use it. Secrets are made here, shown once, and stored hashed.
package admin

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/internal/fault"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// Admin manages the registry of one deployment.
type Admin struct {
	reg store.Registry
	now func() time.Time
	// changed is called after every change, so that a node can reload its registry at once.
	changed func(ctx context.Context)
	// keySealer seals new signing keys (identity/keyseal.go); without one a new key is stored in
	// clear until the next node start seals it.
	keySealer identity.KeySealer
}

// New returns the registry's administration. changed, when not nil, is called after every
// change, so that a node can reload its registry at once; keySealer, when not nil, seals the
// signing keys it makes (docs/security.md).
func New(reg store.Registry, now func() time.Time, changed func(ctx context.Context), keySealer identity.KeySealer) *Admin {
	if changed == nil {
		changed = func(context.Context) {}
	}
	return &Admin{reg: reg, now: now, changed: changed, keySealer: keySealer}
}

// The admin's errors are the one vocabulary's (package fault), answered by the admin API like
// any other call's: ErrInvalid marks a request the operator must correct, ErrNotFound a missing
// record, ErrConflict a duplicate (the stores' own, passed on).
var (
	ErrInvalid  = fault.ErrInvalid
	ErrNotFound = fault.ErrNotFound
	ErrConflict = fault.ErrConflict
)

// invalid is a request the operator must correct (a 400 naming the request).
func invalid(format string, args ...any) error {
	return fault.FieldError("request", fmt.Sprintf(format, args...))
}

var (
	nxtEntityIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$`)
	portPattern        = regexp.MustCompile(`^[A-Z]{2}[A-Z2-9]{3}$`)
	terminalPattern    = regexp.MustCompile(`^[A-Za-z0-9]{1,16}$`)
)

func (a *Admin) done(ctx context.Context, err error) error {
	if err == nil {
		a.changed(ctx)
	}
	return err
}

// Companies lists every company.
func (a *Admin) Companies(ctx context.Context) ([]identity.Company, error) {
	return a.reg.Companies(ctx)
}

// Company returns one company.
func (a *Admin) Company(ctx context.Context, id string) (identity.Company, error) {
	cs, err := a.reg.Companies(ctx)
	if err != nil {
		return identity.Company{}, err
	}
	for _, c := range cs {
		if c.NxtEntityID == id {
			return c, nil
		}
	}
	return identity.Company{}, fmt.Errorf("company %s: %w", id, ErrNotFound)
}

// PutCompany creates or replaces a company. A new company gets an ingestion id when it has none;
// an existing one keeps its ingestion id and creation time unless the request names them.
func (a *Admin) PutCompany(ctx context.Context, c identity.Company) (identity.Company, error) {
	c.NxtEntityID, c.Name = strings.TrimSpace(c.NxtEntityID), strings.TrimSpace(c.Name)
	if !nxtEntityIDPattern.MatchString(c.NxtEntityID) {
		return c, invalid("nxtEntityId %q: 3 to 64 letters, digits, '.', '_' or '-'", c.NxtEntityID)
	}
	if c.Name == "" {
		return c, invalid("name is required")
	}
	if len(c.Roles) == 0 {
		return c, invalid("a company needs at least one role")
	}
	for _, r := range c.Roles {
		if !release.ValidRole(r) {
			return c, invalid("role %q is not one of ShippingAgent, TerminalOperator, ReleaseParty, TransportOperator, Customs", r)
		}
	}
	slices.Sort(c.Roles)
	c.Roles = slices.Compact(c.Roles)
	for _, addr := range c.Addresses {
		if addr.AddressTypeCode != "1" && addr.AddressTypeCode != "2" {
			return c, invalid("addressTypeCode %q: 1 (main) or 2 (billing)", addr.AddressTypeCode)
		}
	}
	old, err := a.Company(ctx, c.NxtEntityID)
	switch {
	case err == nil:
		if c.IngestionID == "" {
			c.IngestionID = old.IngestionID
		}
		c.CreatedAt = old.CreatedAt
	case errors.Is(err, ErrNotFound):
		if c.IngestionID == "" {
			c.IngestionID = uuid.NewString()
		}
		c.CreatedAt = a.now().UTC()
	default:
		return c, err
	}
	return c, a.done(ctx, a.reg.PutCompany(ctx, c))
}

// RotateIngestionID gives a company a new ingestion id; the old one stops working at once.
func (a *Admin) RotateIngestionID(ctx context.Context, companyID string) (string, error) {
	c, err := a.Company(ctx, companyID)
	if err != nil {
		return "", err
	}
	c.IngestionID = uuid.NewString()
	return c.IngestionID, a.done(ctx, a.reg.PutCompany(ctx, c))
}

// PutTerminal creates or replaces a terminal of a port, run by a Terminal Operator.
func (a *Admin) PutTerminal(ctx context.Context, t identity.Terminal) error {
	t.PortLoCode, t.Code = release.NormaliseCode(t.PortLoCode), strings.TrimSpace(t.Code)
	if !portPattern.MatchString(t.PortLoCode) {
		return invalid("portLoCode %q is not a UN/LOCODE", t.PortLoCode)
	}
	if !terminalPattern.MatchString(t.Code) {
		return invalid("terminalCode %q: 1 to 16 letters or digits", t.Code)
	}
	op, err := a.Company(ctx, t.OperatorID)
	if err != nil {
		return err
	}
	if !op.HasRole(release.RoleTerminalOperator) {
		return invalid("company %s is not a Terminal Operator", op.NxtEntityID)
	}
	return a.done(ctx, a.reg.PutTerminal(ctx, t))
}

// DeleteTerminal removes a terminal.
func (a *Admin) DeleteTerminal(ctx context.Context, port, code string) error {
	return a.done(ctx, a.reg.DeleteTerminal(ctx, release.NormaliseCode(port), code))
}

// Terminals lists every terminal.
func (a *Admin) Terminals(ctx context.Context) ([]identity.Terminal, error) {
	return a.reg.Terminals(ctx)
}
