package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/store"
)

func testUsers(t *testing.T, w *world) {
	norm := func(u identity.User) identity.User {
		u.CreatedAt, u.RevokedAt = utc(u.CreatedAt), utcPtr(u.RevokedAt)
		return u
	}
	key := func(u identity.User) string { return u.Username }
	list := func() []identity.User {
		us, err := w.s.Users(w.ctx)
		noErr(t, "Users", err)
		return us
	}
	if us := list(); len(us) != 0 {
		t.Fatalf("a new store has %d users", len(us))
	}
	jan := identity.User{Username: "jan@forwarder.example", CompanyID: Forwarder.NxtEntityID, PasswordHash: "hash-jan", CreatedAt: base}
	els := identity.User{Username: "els@agent.example", CompanyID: Agent.NxtEntityID, PasswordHash: "hash-els", CreatedAt: base.Add(time.Second)}
	noErr(t, "CreateUser jan", w.s.CreateUser(w.ctx, jan))
	noErr(t, "CreateUser els", w.s.CreateUser(w.ctx, els))
	wantErr(t, "CreateUser with an existing username", w.s.CreateUser(w.ctx, identity.User{Username: jan.Username, CompanyID: "x", CreatedAt: base}), store.ErrConflict)
	sameList(t, "Users", list(), []identity.User{els, jan}, key, norm)
	noErr(t, "RevokeUser", w.s.RevokeUser(w.ctx, jan.Username, base.Add(time.Hour)))
	noErr(t, "RevokeUser again", w.s.RevokeUser(w.ctx, jan.Username, base.Add(2*time.Hour)))
	jan.RevokedAt = ptr(base.Add(time.Hour))
	sameList(t, "Users after a revocation", list(), []identity.User{els, jan}, key, norm)
	wantErr(t, "RevokeUser of an unknown user", w.s.RevokeUser(w.ctx, "nobody", base), store.ErrNotFound)
}

func testRetireSigningKey(t *testing.T, w *world) {
	k := identity.SigningKey{KeyID: "kid-1", JWK: []byte(`{"kty":"EC"}`), CreatedAt: base}
	noErr(t, "AddSigningKey", w.s.AddSigningKey(w.ctx, k))
	noErr(t, "RetireSigningKey", w.s.RetireSigningKey(w.ctx, k.KeyID, base.Add(time.Hour)))
	noErr(t, "RetireSigningKey again", w.s.RetireSigningKey(w.ctx, k.KeyID, base.Add(2*time.Hour)))
	keys, err := w.s.SigningKeys(w.ctx)
	noErr(t, "SigningKeys", err)
	if len(keys) != 1 || keys[0].RetiredAt == nil || !keys[0].RetiredAt.Equal(base.Add(time.Hour)) {
		t.Fatalf("retired key: %+v", keys)
	}
	wantErr(t, "RetireSigningKey of an unknown key", w.s.RetireSigningKey(w.ctx, "nope", base), store.ErrNotFound)
	// ResealSigningKey replaces the stored JWK (a key stored in clear, sealed at start-up) and
	// leaves the rest of the key as it was.
	sealed := []byte(`"aes256gcm:c2VhbGVk"`)
	noErr(t, "ResealSigningKey", w.s.ResealSigningKey(w.ctx, k.KeyID, sealed))
	keys, err = w.s.SigningKeys(w.ctx)
	noErr(t, "SigningKeys", err)
	if len(keys) != 1 || string(keys[0].JWK) != string(sealed) || keys[0].RetiredAt == nil || !keys[0].CreatedAt.Equal(base) {
		t.Fatalf("resealed key: %+v (jwk %s)", keys, keys[0].JWK)
	}
	wantErr(t, "ResealSigningKey of an unknown key", w.s.ResealSigningKey(w.ctx, "nope", sealed), store.ErrNotFound)
}

func testDeleteTerminal(t *testing.T, w *world) {
	quay := identity.Terminal{Code: Terminal.Code, Name: Terminal.Name, PortLoCode: Port, OperatorID: Operator.NxtEntityID}
	same := identity.Terminal{Code: Terminal.Code, Name: "elsewhere", PortLoCode: OtherPort, OperatorID: Operator.NxtEntityID}
	noErr(t, "PutTerminal", w.s.PutTerminal(w.ctx, quay))
	noErr(t, "PutTerminal other port", w.s.PutTerminal(w.ctx, same))
	noErr(t, "DeleteTerminal", w.s.DeleteTerminal(w.ctx, Port, Terminal.Code))
	ts, err := w.s.Terminals(w.ctx)
	noErr(t, "Terminals", err)
	if len(ts) != 1 || ts[0].PortLoCode != OtherPort {
		t.Fatalf("after DeleteTerminal: %+v", ts)
	}
	wantErr(t, "DeleteTerminal again", w.s.DeleteTerminal(w.ctx, Port, Terminal.Code), store.ErrNotFound)
}

// testCountCalls checks the shared rate-limit counters: per subscription and window, summed over
// concurrent callers (the nodes).
func testCountCalls(t *testing.T, w *world) {
	win := base.Truncate(time.Minute)
	got, err := w.s.CountCalls(w.ctx, win, map[string]int{"sub-a": 3, "sub-b": 1})
	noErr(t, "CountCalls", err)
	if got["sub-a"] != 3 || got["sub-b"] != 1 {
		t.Fatalf("first counts: %v", got)
	}
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := w.s.CountCalls(w.ctx, win, map[string]int{"sub-a": 5}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, err = w.s.CountCalls(w.ctx, win, map[string]int{"sub-a": 0, "sub-b": 0})
	noErr(t, "CountCalls", err)
	if got["sub-a"] != 53 || got["sub-b"] != 1 {
		t.Fatalf("after concurrent counts: %v, want sub-a 53, sub-b 1", got)
	}
	next, err := w.s.CountCalls(w.ctx, win.Add(time.Minute), map[string]int{"sub-a": 2})
	noErr(t, "CountCalls next window", err)
	if next["sub-a"] != 2 {
		t.Fatalf("a new window starts from zero: %v", next)
	}
}
