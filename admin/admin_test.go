package admin

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store/sqlite"
)

func newAdmin(t *testing.T) *Admin {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return New(st, func() time.Time { return time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC) }, nil, nil)
}

func TestCompaniesAndTerminals(t *testing.T) {
	ctx := context.Background()
	a := newAdmin(t)
	for _, bad := range []identity.Company{
		{NxtEntityID: "x", Name: "Short id", Roles: []release.Role{release.RoleReleaseParty}},
		{NxtEntityID: "NXT1", Roles: []release.Role{release.RoleReleaseParty}},
		{NxtEntityID: "NXT1", Name: "No role"},
		{NxtEntityID: "NXT1", Name: "Bad role", Roles: []release.Role{"Pilot"}},
		{NxtEntityID: "NXT1", Name: "Bad address", Roles: []release.Role{release.RoleReleaseParty}, Addresses: []identity.Address{{AddressTypeCode: "3"}}},
	} {
		if _, err := a.PutCompany(ctx, bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v accepted: %v", bad, err)
		}
	}
	c, err := a.PutCompany(ctx, identity.Company{NxtEntityID: "NXT1", Name: "Terminal One", Roles: []release.Role{release.RoleTerminalOperator, release.RoleTerminalOperator}})
	if err != nil || c.IngestionID == "" || len(c.Roles) != 1 {
		t.Fatalf("put company: %+v %v", c, err)
	}
	again, err := a.PutCompany(ctx, identity.Company{NxtEntityID: "NXT1", Name: "Terminal One NV", Roles: []release.Role{release.RoleTerminalOperator}})
	// The ingestion id is shown once; stored, it is a hash (identity/secrets.go).
	if err != nil || again.IngestionID != identity.HashIngestionID(c.IngestionID) || !again.CreatedAt.Equal(c.CreatedAt) {
		t.Fatalf("a replace must keep the ingestion id and creation time: %+v", again)
	}
	rotated, err := a.RotateIngestionID(ctx, "NXT1")
	if err != nil || rotated == c.IngestionID {
		t.Fatalf("rotate ingestion id: %v", err)
	}
	if err := a.PutTerminal(ctx, identity.Terminal{Code: "0100", PortLoCode: "beanr", OperatorID: "NXT1"}); err != nil {
		t.Fatal(err)
	}
	_, _ = a.PutCompany(ctx, identity.Company{NxtEntityID: "NXT2", Name: "Forwarder", Roles: []release.Role{release.RoleReleaseParty}})
	if err := a.PutTerminal(ctx, identity.Terminal{Code: "0200", PortLoCode: "BEANR", OperatorID: "NXT2"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("a terminal run by a forwarder: %v", err)
	}
	if err := a.PutTerminal(ctx, identity.Terminal{Code: "0200", PortLoCode: "Antwerp", OperatorID: "NXT1"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("a terminal in port Antwerp: %v", err)
	}
	if err := a.DeleteTerminal(ctx, "BEANR", "0100"); err != nil {
		t.Fatal(err)
	}
	if err := a.DeleteTerminal(ctx, "BEANR", "0100"); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
}

func TestCredentialsShownOnceStoredHashed(t *testing.T) {
	ctx := context.Background()
	a := newAdmin(t)
	if _, err := a.CreateClient(ctx, "NOBODY", "x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("client of an unknown company: %v", err)
	}
	_, _ = a.PutCompany(ctx, identity.Company{NxtEntityID: "NXT2", Name: "Forwarder", Roles: []release.Role{release.RoleReleaseParty}})
	c, err := a.CreateClient(ctx, "NXT2", "ERP")
	if err != nil || !identity.SecretMatches(c.ClientSecret, c.SecretHash) {
		t.Fatalf("client: %v", err)
	}
	k, err := a.CreateSubscriptionKey(ctx, "NXT2", "prod")
	if err != nil || !identity.SecretMatches(k.SubscriptionKey, k.KeyHash) {
		t.Fatalf("key: %v", err)
	}
	keys, _ := a.SubscriptionKeys(ctx, "NXT2")
	if len(keys) != 1 || keys[0].KeyID != k.KeyID {
		t.Fatalf("keys: %+v", keys)
	}
	if err := a.RevokeSubscriptionKey(ctx, k.KeyID); err != nil {
		t.Fatal(err)
	}
	if err := a.RevokeClient(ctx, c.ClientID); err != nil {
		t.Fatal(err)
	}
	u, err := a.CreateUser(ctx, "NXT2", "jan@fwd.example", "")
	if err != nil || u.Password == "" {
		t.Fatalf("user with a made password: %+v %v", u, err)
	}
	if ok, _ := identity.PasswordMatches(u.Password, u.PasswordHash); !ok {
		t.Fatal("the shown password does not match the stored hash")
	}
	if _, err := a.CreateUser(ctx, "NXT2", "els@fwd.example", "short"); !errors.Is(err, ErrInvalid) {
		t.Errorf("a short password: %v", err)
	}
	if err := a.RevokeUser(ctx, "jan@fwd.example"); err != nil {
		t.Fatal(err)
	}
}

func TestSigningKeyRotation(t *testing.T) {
	ctx := context.Background()
	a := newAdmin(t)
	first, err := a.RotateSigningKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.RetireSigningKey(ctx, first.KeyID); !errors.Is(err, ErrInvalid) {
		t.Fatalf("retiring the only key: %v", err)
	}
	if _, err := a.RotateSigningKey(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.RetireSigningKey(ctx, first.KeyID); err != nil {
		t.Fatal(err)
	}
}
