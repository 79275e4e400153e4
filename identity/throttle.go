package identity

import (
	"context"
	"net/netip"
	"runtime"
	"sync"
	"time"
)

// Guard bounds what proving a secret may cost the node and how often a secret may be guessed
// (docs/security.md, "Limits"). Every password check runs Argon2id with 19 MiB: 100 parallel
// checks once took a node to 1.5 GB and another tenant's p99 from 8 ms to 3 s, and 300 wrong
// passwords in a row were followed by a right one that worked. So:
//
//   - at most Concurrency password checks run at once (half the cores); a check waits up to
//     MaxWait for a slot and is otherwise refused with a time to try again (the API's 429);
//   - every key (an address, a username) has a failure count: after Free failures each further
//     one locks the key for Base, doubling up to Max; a locked key is refused before any hash is
//     computed, even with the right secret; the caller clears a key on success where that is safe
//     (a username, not an address: service/auth.go).
//
// The counts live in this node's memory: with several nodes behind a load balancer an attacker
// gets each node's allowance (docs/security.md says so); the lock still doubles on every node.
type Guard struct {
	slots chan struct{}
	// MaxWait is how long a password check waits for a free slot before it is refused.
	MaxWait time.Duration

	mu    sync.Mutex
	fails map[string]*failures
	// MaxKeys bounds the memory of the failure counts; when full, expired counts are swept and
	// new keys are not counted until there is room again (locks already set stay).
	MaxKeys int
	// TrustedProxies are the load balancers whose X-Forwarded-For names the client (clientaddr.go).
	TrustedProxies []netip.Prefix
}

// Backoff is how a kind of key is locked after failures.
type Backoff struct {
	// Free is the number of failures allowed before the first lock.
	Free int
	// Base is the first lock; each further failure doubles it, up to Max.
	Base, Max time.Duration
}

// The back-off of each kind of key. A username is what a guesser aims at, so it
// locks soon; an address can carry many honest users behind one NAT or proxy, so it is allowed
// more before it locks, and for less long.
var (
	SubjectBackoff = Backoff{Free: 5, Base: time.Second, Max: 15 * time.Minute}
	AddressBackoff = Backoff{Free: 20, Base: time.Second, Max: 5 * time.Minute}
)

// Key is one throttled key and its back-off.
type Key struct {
	Name    string
	Backoff Backoff
}

// AddressKey is the key of a caller's network address.
func AddressKey(addr string) Key { return Key{Name: "addr:" + addr, Backoff: AddressBackoff} }

// SubjectKey is the key of what is being proved (kind "user": a username).
func SubjectKey(kind, name string) Key {
	return Key{Name: kind + ":" + name, Backoff: SubjectBackoff}
}

type failures struct {
	count int
	until time.Time // locked until
	last  time.Time
}

// NewGuard returns a guard that lets concurrency password checks run at once; 0 means half the
// cores (at least one). Measured on 2 cores with 100 parallel guessers (bench password-flood
// --spread): with both cores hashing another tenant's gate-check p99 was 657 ms, with one 57 ms
// (20 ms quiet); the hashing must leave cores to everything else.
func NewGuard(concurrency int) *Guard {
	if concurrency <= 0 {
		concurrency = max(1, runtime.NumCPU()/2)
	}
	return &Guard{slots: make(chan struct{}, concurrency), MaxWait: 250 * time.Millisecond,
		fails: map[string]*failures{}, MaxKeys: 100_000}
}

// Locked returns how long until every key may try again, or 0 when none is locked at now.
func (g *Guard) Locked(now time.Time, keys ...Key) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	var wait time.Duration
	for _, k := range keys {
		if f := g.fails[k.Name]; f != nil && f.until.After(now) {
			wait = max(wait, f.until.Sub(now))
		}
	}
	return wait
}

// Failed counts one failure of every key at now.
func (g *Guard) Failed(now time.Time, keys ...Key) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, k := range keys {
		f := g.fails[k.Name]
		if f == nil {
			if len(g.fails) >= g.MaxKeys {
				g.sweepLocked(now)
				if len(g.fails) >= g.MaxKeys {
					continue
				}
			}
			f = &failures{}
			g.fails[k.Name] = f
		}
		// A key quiet for longer than its longest lock starts over.
		if now.Sub(f.last) > k.Backoff.Max {
			f.count = 0
		}
		f.count++
		f.last = now
		if over := f.count - k.Backoff.Free; over > 0 {
			lock := k.Backoff.Base
			for i := 1; i < over && lock < k.Backoff.Max; i++ {
				lock *= 2
			}
			f.until = now.Add(min(lock, k.Backoff.Max))
		}
	}
}

// Succeeded clears the failures of the keys (the right secret was proved).
func (g *Guard) Succeeded(keys ...Key) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, k := range keys {
		delete(g.fails, k.Name)
	}
}

// sweepLocked forgets the counts that have run out: unlocked and quiet for the longest lock.
func (g *Guard) sweepLocked(now time.Time) {
	for name, f := range g.fails {
		if !f.until.After(now) && now.Sub(f.last) > max(SubjectBackoff.Max, AddressBackoff.Max) {
			delete(g.fails, name)
		}
	}
}

// Acquire takes a slot for one password check, waiting up to MaxWait (or until ctx ends). It
// returns the function that gives the slot back, or ok false when the node is busy hashing.
func (g *Guard) Acquire(ctx context.Context) (release func(), ok bool) {
	select {
	case g.slots <- struct{}{}:
		return g.release, true
	default:
	}
	t := time.NewTimer(g.MaxWait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return g.release, true
	case <-t.C:
		return nil, false
	case <-ctx.Done():
		return nil, false
	}
}

func (g *Guard) release() { <-g.slots }
