package identity

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/portlight/portlight/release"
)

// Source is where the directory loads the registry from (the store's Registry satisfies it).
type Source interface {
	Companies(ctx context.Context) ([]Company, error)
	Terminals(ctx context.Context) ([]Terminal, error)
	Clients(ctx context.Context) ([]Client, error)
	SubscriptionKeys(ctx context.Context) ([]SubscriptionKey, error)
	Users(ctx context.Context) ([]User, error)
}

// Directory is an in-memory snapshot of the registry, for the lookups every call makes (token's
// client, subscription key, ingestion id, the companies and terminals a command names). The
// registry is small and read on every call, so it is held in memory and reloaded: on a miss
// (a company or key created a moment ago by `portlight admin` in another process) and every
// RefreshEvery, so that a revocation takes effect within that time on every node.
type Directory struct {
	src          Source
	RefreshEvery time.Duration

	snap       atomic.Pointer[snapshot]
	mu         sync.Mutex
	lastReload time.Time
}

type snapshot struct {
	companies map[string]*Company
	byIdent   map[release.IdentificationType]map[string]*Company
	ingestion map[string]*Company
	terminals map[string]*Terminal // by port + "/" + code
	clients   map[string]Client
	keys      map[string]SubscriptionKey
	users     map[string]User
	loadedAt  time.Time
}

// NewDirectory loads the registry from src.
func NewDirectory(ctx context.Context, src Source) (*Directory, error) {
	d := &Directory{src: src, RefreshEvery: time.Second}
	return d, d.Reload(ctx)
}

// Reload replaces the snapshot with the registry as stored now.
func (d *Directory) Reload(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.reloadLocked(ctx)
}

func (d *Directory) reloadLocked(ctx context.Context) error {
	companies, err := d.src.Companies(ctx)
	if err != nil {
		return err
	}
	terminals, err := d.src.Terminals(ctx)
	if err != nil {
		return err
	}
	clients, err := d.src.Clients(ctx)
	if err != nil {
		return err
	}
	keys, err := d.src.SubscriptionKeys(ctx)
	if err != nil {
		return err
	}
	users, err := d.src.Users(ctx)
	if err != nil {
		return err
	}
	s := &snapshot{
		companies: map[string]*Company{}, byIdent: map[release.IdentificationType]map[string]*Company{},
		ingestion: map[string]*Company{}, terminals: map[string]*Terminal{},
		clients: map[string]Client{}, keys: map[string]SubscriptionKey{}, users: map[string]User{}, loadedAt: time.Now(),
	}
	for i := range companies {
		c := &companies[i]
		s.companies[c.NxtEntityID] = c
		if c.IngestionID != "" {
			s.ingestion[StoredIngestionID(c.IngestionID)] = c // stored hashed (secrets.go)
		}
		for _, t := range []release.IdentificationType{release.IDNxtEntityID, release.IDEori, release.IDDuns, release.IDTin, release.IDApcs} {
			if v := c.Identifier(t); v != "" {
				if s.byIdent[t] == nil {
					s.byIdent[t] = map[string]*Company{}
				}
				s.byIdent[t][NormaliseCode(v)] = c
			}
		}
	}
	for i := range terminals {
		t := &terminals[i]
		s.terminals[NormaliseCode(t.PortLoCode)+"/"+NormaliseCode(t.Code)] = t
	}
	for _, c := range clients {
		s.clients[c.ClientID] = c
	}
	for _, k := range keys {
		s.keys[k.KeyHash] = k
	}
	for _, u := range users {
		s.users[strings.ToLower(u.Username)] = u
	}
	d.snap.Store(s)
	d.lastReload = time.Now()
	return nil
}

// current returns the snapshot. When it is older than RefreshEvery, the first caller to notice
// reloads it while every other caller goes on with the one it has: a reload must never queue up
// the calls of a busy node behind it.
func (d *Directory) current(ctx context.Context) *snapshot {
	s := d.snap.Load()
	if time.Since(s.loadedAt) > d.RefreshEvery && d.mu.TryLock() {
		if time.Since(d.snap.Load().loadedAt) > d.RefreshEvery {
			_ = d.reloadLocked(ctx) // on failure the old snapshot serves; the next call tries again
		}
		d.mu.Unlock()
		s = d.snap.Load()
	}
	return s
}

// refresh reloads unless another reload happened within minGap (misses must not hammer the db).
func (d *Directory) refresh(ctx context.Context, minGap time.Duration) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if time.Since(d.lastReload) < minGap {
		return false
	}
	return d.reloadLocked(ctx) == nil
}

// lookup runs find on the snapshot, and once more on a fresh one when it found nothing.
func lookup[T any](ctx context.Context, d *Directory, find func(*snapshot) (T, bool)) (T, bool) {
	v, ok := find(d.current(ctx))
	if !ok && d.refresh(ctx, 200*time.Millisecond) {
		v, ok = find(d.snap.Load())
	}
	return v, ok
}

// Company returns the company with this NxtEntityId.
func (d *Directory) Company(ctx context.Context, id string) (*Company, bool) {
	return lookup(ctx, d, func(s *snapshot) (*Company, bool) { c, ok := s.companies[id]; return c, ok })
}

// ByIngestionID returns the company an ingestion id belongs to.
func (d *Directory) ByIngestionID(ctx context.Context, id string) (*Company, bool) {
	h := HashIngestionID(id)
	return lookup(ctx, d, func(s *snapshot) (*Company, bool) { c, ok := s.ingestion[h]; return c, ok })
}

// Resolve finds the company a request names by {identificationType, identificationCode}
// (the type matched case-insensitively) and returns it as a party, or nil.
func (d *Directory) Resolve(ctx context.Context, typ, code string) *release.Party {
	t, ok := release.ParseIdentificationType(typ)
	if !ok || code == "" {
		return nil
	}
	c, ok := lookup(ctx, d, func(s *snapshot) (*Company, bool) { c, ok := s.byIdent[t][NormaliseCode(code)]; return c, ok })
	if !ok {
		return nil
	}
	p := c.Party()
	return &p
}

// Terminal returns a terminal of a port with its operator, or nil.
func (d *Directory) Terminal(ctx context.Context, port, code string) *release.Terminal {
	type found struct {
		t  *Terminal
		op *Company
	}
	f, ok := lookup(ctx, d, func(s *snapshot) (found, bool) {
		t, ok := s.terminals[NormaliseCode(port)+"/"+NormaliseCode(code)]
		if !ok {
			return found{}, false
		}
		op, ok := s.companies[t.OperatorID]
		return found{t, op}, ok
	})
	if !ok {
		return nil
	}
	return &release.Terminal{Code: f.t.Code, Name: f.t.Name, Operator: f.op.Party()}
}

// Client returns an active (not revoked) client.
func (d *Directory) Client(ctx context.Context, id string) (Client, bool) {
	return lookup(ctx, d, func(s *snapshot) (Client, bool) { c, ok := s.clients[id]; return c, ok && c.RevokedAt == nil })
}

// User returns an active (not revoked) user; usernames match case-insensitively.
func (d *Directory) User(ctx context.Context, username string) (User, bool) {
	name := strings.ToLower(strings.TrimSpace(username))
	return lookup(ctx, d, func(s *snapshot) (User, bool) { u, ok := s.users[name]; return u, ok && u.RevokedAt == nil })
}

// SubscriptionKey returns the active subscription a presented key belongs to.
func (d *Directory) SubscriptionKey(ctx context.Context, key string) (SubscriptionKey, bool) {
	h := HashSecret(key)
	return lookup(ctx, d, func(s *snapshot) (SubscriptionKey, bool) { k, ok := s.keys[h]; return k, ok && k.RevokedAt == nil })
}

// Companies returns every company (for the registry search).
func (d *Directory) Companies(ctx context.Context) []*Company {
	s := d.current(ctx)
	out := make([]*Company, 0, len(s.companies))
	for _, c := range s.companies {
		out = append(out, c)
	}
	return out
}
