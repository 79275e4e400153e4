package storetest

import (
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// The registry methods promise no order: lists are sorted here before they are compared, and
// times are compared in UTC (a store may read them back in another *time.Location).

func utc(t time.Time) time.Time { return t.UTC() }

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func ptr(t time.Time) *time.Time { return &t }

// sameList fails the test unless got, sorted by key and normalised, equals want.
func sameList[T any](t *testing.T, what string, got, want []T, key func(T) string, norm func(T) T) {
	t.Helper()
	got, want = slices.Clone(got), slices.Clone(want)
	for _, l := range [][]T{got, want} {
		for i := range l {
			l[i] = norm(l[i])
		}
		slices.SortFunc(l, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want %v", what, err, target)
	}
}

func noErr(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func testCompanies(t *testing.T, w *world) {
	// Ingestion ids are bearer secrets: a store keeps them hashed (identity.StoredIngestionID),
	// never in clear, and a hash stored again stays that hash.
	norm := func(c identity.Company) identity.Company {
		c.CreatedAt, c.IngestionID = utc(c.CreatedAt), identity.StoredIngestionID(c.IngestionID)
		return c
	}
	key := func(c identity.Company) string { return c.NxtEntityID }
	list := func() []identity.Company {
		cs, err := w.s.Companies(w.ctx)
		noErr(t, "Companies", err)
		for _, c := range cs {
			if c.IngestionID != "" && !identity.IngestionIDHashed(c.IngestionID) {
				t.Fatalf("company %s: ingestion id stored in clear: %q", c.NxtEntityID, c.IngestionID)
			}
		}
		return cs
	}
	if cs := list(); len(cs) != 0 {
		t.Fatalf("a new store has %d companies", len(cs))
	}
	agent := identity.Company{
		NxtEntityID: Agent.NxtEntityID, Name: Agent.Name, Eori: Agent.Eori, Tin: Agent.Tin, Apcs: "APCS1", Duns: "123456789",
		Scac: "OLAG", ExternalID: "ext-agent", Roles: []release.Role{release.RoleShippingAgent, release.RoleReleaseParty},
		Addresses: []identity.Address{
			{AddressTypeCode: "1", Street: "Kaai 1742", PostalCode: "2030", City: "Antwerpen", Country: "BE", ContactEmail: "ops@example.com"},
			{AddressTypeCode: "2", City: "Antwerpen", Country: "BE"},
		},
		IngestionID: "ing-agent", CreatedAt: base,
	}
	operator := identity.Company{NxtEntityID: Operator.NxtEntityID, Name: Operator.Name, Roles: Operator.Roles,
		IngestionID: "ing-operator", CreatedAt: base.Add(time.Second)}
	// Companies without an ingestion id do not conflict with one another.
	fwd := identity.Company{NxtEntityID: Forwarder.NxtEntityID, Name: Forwarder.Name, Roles: Forwarder.Roles, CreatedAt: base}
	haulier := identity.Company{NxtEntityID: Haulier.NxtEntityID, Name: Haulier.Name, Roles: Haulier.Roles, CreatedAt: base}
	for _, c := range []identity.Company{agent, operator, fwd, haulier} {
		noErr(t, "PutCompany "+c.NxtEntityID, w.s.PutCompany(w.ctx, c))
	}
	sameList(t, "Companies", list(), []identity.Company{agent, operator, fwd, haulier}, key, norm)

	// Put replaces by NxtEntityID, keeping its own ingestion id or changing it.
	agent.Name, agent.Roles, agent.Addresses = "Ocean Line Agency NV", []release.Role{release.RoleShippingAgent}, nil
	noErr(t, "PutCompany (replace)", w.s.PutCompany(w.ctx, agent))
	sameList(t, "Companies after a replace", list(), []identity.Company{agent, operator, fwd, haulier}, key, norm)

	// An ingestion id belongs to one company.
	intruder := identity.Company{NxtEntityID: "intruder-0001", Name: "Intruder", IngestionID: agent.IngestionID, CreatedAt: base}
	wantErr(t, "PutCompany with another company's ingestion id", w.s.PutCompany(w.ctx, intruder), store.ErrConflict)
	fwd.IngestionID = operator.IngestionID
	wantErr(t, "PutCompany taking another company's ingestion id", w.s.PutCompany(w.ctx, fwd), store.ErrConflict)
	fwd.IngestionID = ""
	sameList(t, "Companies after conflicts", list(), []identity.Company{agent, operator, fwd, haulier}, key, norm)

	// Once released, the ingestion id can be taken.
	agent.IngestionID = "ing-agent-2"
	noErr(t, "PutCompany (new ingestion id)", w.s.PutCompany(w.ctx, agent))
	intruder.IngestionID = "ing-agent"
	noErr(t, "PutCompany (freed ingestion id)", w.s.PutCompany(w.ctx, intruder))
	sameList(t, "Companies at the end", list(), []identity.Company{agent, operator, fwd, haulier, intruder}, key, norm)
}

func testTerminals(t *testing.T, w *world) {
	key := func(x identity.Terminal) string { return x.PortLoCode + "/" + x.Code }
	norm := func(x identity.Terminal) identity.Terminal { return x }
	list := func() []identity.Terminal {
		ts, err := w.s.Terminals(w.ctx)
		noErr(t, "Terminals", err)
		return ts
	}
	if ts := list(); len(ts) != 0 {
		t.Fatalf("a new store has %d terminals", len(ts))
	}
	quay := identity.Terminal{Code: Terminal.Code, Name: Terminal.Name, PortLoCode: Port, OperatorID: Operator.NxtEntityID}
	dock := identity.Terminal{Code: "913", Name: "Dock 913", PortLoCode: Port, OperatorID: Operator.NxtEntityID}
	// A terminal code is unique within its port only.
	other := identity.Terminal{Code: Terminal.Code, Name: "Maasvlakte", PortLoCode: OtherPort, OperatorID: "operator-0002"}
	for _, x := range []identity.Terminal{quay, dock, other} {
		noErr(t, "PutTerminal "+key(x), w.s.PutTerminal(w.ctx, x))
	}
	sameList(t, "Terminals", list(), []identity.Terminal{quay, dock, other}, key, norm)
	quay.Name, quay.OperatorID = "Quay 1742 (north)", "operator-0003"
	noErr(t, "PutTerminal (replace)", w.s.PutTerminal(w.ctx, quay))
	sameList(t, "Terminals after a replace", list(), []identity.Terminal{quay, dock, other}, key, norm)
}

func testClients(t *testing.T, w *world) {
	norm := func(c identity.Client) identity.Client {
		c.CreatedAt, c.RevokedAt = utc(c.CreatedAt), utcPtr(c.RevokedAt)
		return c
	}
	key := func(c identity.Client) string { return c.ClientID }
	list := func() []identity.Client {
		cs, err := w.s.Clients(w.ctx)
		noErr(t, "Clients", err)
		return cs
	}
	get := func(id string) identity.Client {
		c, err := w.s.Client(w.ctx, id)
		noErr(t, "Client "+id, err)
		return c
	}
	if cs := list(); len(cs) != 0 {
		t.Fatalf("a new store has %d clients", len(cs))
	}
	a := identity.Client{ClientID: "client-a", CompanyID: Agent.NxtEntityID, Name: "TOS link", SecretHash: "hash-a", CreatedAt: base}
	b := identity.Client{ClientID: "client-b", CompanyID: Forwarder.NxtEntityID, Name: "ERP", SecretHash: "hash-b",
		CreatedAt: base.Add(time.Second), RevokedAt: ptr(base.Add(time.Minute))}
	noErr(t, "CreateClient a", w.s.CreateClient(w.ctx, a))
	noErr(t, "CreateClient b", w.s.CreateClient(w.ctx, b))
	wantErr(t, "CreateClient with an existing id", w.s.CreateClient(w.ctx, identity.Client{ClientID: a.ClientID, CompanyID: "x", CreatedAt: base}), store.ErrConflict)
	if got := norm(get(a.ClientID)); !reflect.DeepEqual(got, norm(a)) {
		t.Fatalf("Client: got %+v, want %+v", got, a)
	}
	_, err := w.s.Client(w.ctx, "nobody")
	wantErr(t, "Client of an unknown id", err, store.ErrNotFound)
	sameList(t, "Clients", list(), []identity.Client{a, b}, key, norm)

	noErr(t, "RevokeClient", w.s.RevokeClient(w.ctx, a.ClientID, base.Add(time.Hour)))
	a.RevokedAt = ptr(base.Add(time.Hour))
	if got := norm(get(a.ClientID)); !reflect.DeepEqual(got, norm(a)) {
		t.Fatalf("Client after RevokeClient: got %+v, want %+v", got, a)
	}
	// A second revocation keeps the time of the first.
	noErr(t, "RevokeClient again", w.s.RevokeClient(w.ctx, a.ClientID, base.Add(2*time.Hour)))
	sameList(t, "Clients after revocations", list(), []identity.Client{a, b}, key, norm)
	wantErr(t, "RevokeClient of an unknown id", w.s.RevokeClient(w.ctx, "nobody", base), store.ErrNotFound)
}

func testSubscriptionKeys(t *testing.T, w *world) {
	norm := func(k identity.SubscriptionKey) identity.SubscriptionKey {
		k.CreatedAt, k.RevokedAt = utc(k.CreatedAt), utcPtr(k.RevokedAt)
		return k
	}
	key := func(k identity.SubscriptionKey) string { return k.KeyHash }
	list := func() []identity.SubscriptionKey {
		ks, err := w.s.SubscriptionKeys(w.ctx)
		noErr(t, "SubscriptionKeys", err)
		return ks
	}
	if ks := list(); len(ks) != 0 {
		t.Fatalf("a new store has %d subscription keys", len(ks))
	}
	k1 := identity.SubscriptionKey{KeyHash: "sha256-1", CompanyID: Agent.NxtEntityID, Name: "primary", CreatedAt: base}
	k2 := identity.SubscriptionKey{KeyHash: "sha256-2", CompanyID: Agent.NxtEntityID, Name: "secondary", CreatedAt: base.Add(time.Second)}
	noErr(t, "CreateSubscriptionKey 1", w.s.CreateSubscriptionKey(w.ctx, k1))
	noErr(t, "CreateSubscriptionKey 2", w.s.CreateSubscriptionKey(w.ctx, k2))
	wantErr(t, "CreateSubscriptionKey with an existing hash", w.s.CreateSubscriptionKey(w.ctx, k1), store.ErrConflict)
	sameList(t, "SubscriptionKeys", list(), []identity.SubscriptionKey{k1, k2}, key, norm)

	noErr(t, "RevokeSubscriptionKey", w.s.RevokeSubscriptionKey(w.ctx, k2.KeyHash, base.Add(time.Hour)))
	noErr(t, "RevokeSubscriptionKey again", w.s.RevokeSubscriptionKey(w.ctx, k2.KeyHash, base.Add(2*time.Hour)))
	k2.RevokedAt = ptr(base.Add(time.Hour))
	sameList(t, "SubscriptionKeys after revocations", list(), []identity.SubscriptionKey{k1, k2}, key, norm)
	wantErr(t, "RevokeSubscriptionKey of an unknown hash", w.s.RevokeSubscriptionKey(w.ctx, "sha256-0", base), store.ErrNotFound)
}

func testSigningKeys(t *testing.T, w *world) {
	norm := func(k identity.SigningKey) identity.SigningKey {
		k.CreatedAt, k.RetiredAt = utc(k.CreatedAt), utcPtr(k.RetiredAt)
		return k
	}
	key := func(k identity.SigningKey) string { return k.KeyID }
	list := func() []identity.SigningKey {
		ks, err := w.s.SigningKeys(w.ctx)
		noErr(t, "SigningKeys", err)
		return ks
	}
	if ks := list(); len(ks) != 0 {
		t.Fatalf("a new store has %d signing keys", len(ks))
	}
	jwk := func(kid string) []byte {
		return fmt.Appendf(nil, `{"kty":"EC","crv":"P-256","kid":%q,"x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","d":"jpsQnnGQmL-YBIffH1136cLYxiaK8W4c5qV_MiZGZ0c"}`, kid)
	}
	old := identity.SigningKey{KeyID: "kid-1", JWK: jwk("kid-1"), CreatedAt: base, RetiredAt: ptr(base.Add(24 * time.Hour))}
	cur := identity.SigningKey{KeyID: "kid-2", JWK: jwk("kid-2"), CreatedAt: base.Add(24 * time.Hour)}
	noErr(t, "AddSigningKey 1", w.s.AddSigningKey(w.ctx, old))
	noErr(t, "AddSigningKey 2", w.s.AddSigningKey(w.ctx, cur))
	wantErr(t, "AddSigningKey with an existing kid", w.s.AddSigningKey(w.ctx, identity.SigningKey{KeyID: "kid-2", JWK: jwk("x"), CreatedAt: base}), store.ErrConflict)
	sameList(t, "SigningKeys", list(), []identity.SigningKey{old, cur}, key, norm)
}
