package delivery

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
	"github.com/portlight/portlight/store/sqlite"
)

// clock is a settable clock for the tests that run through a day of retries.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// fixture is a SQLite store with a channel manager and a dispatcher on it.
type fixture struct {
	t   *testing.T
	ctx context.Context
	st  *sqlite.Store
	m   *Manager
	d   *Dispatcher
	n   int
}

// newFixture opens a store and makes a dispatcher with opt (sandbox policy: receivers run on
// 127.0.0.1). It is not started: start() runs it for real, manual() lets the test drive rounds.
func newFixture(t *testing.T, opt Options) *fixture {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sealer, _ := NewSealer(make([]byte, 32))
	policy := Policy{AllowPrivate: true}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Retry == (Retry{}) {
		opt.Retry = Retry{First: 20 * time.Millisecond, Max: 200 * time.Millisecond, For: time.Hour}
	}
	if opt.Poll == 0 {
		opt.Poll = 50 * time.Millisecond
	}
	f := &fixture{t: t, ctx: context.Background(), st: st}
	f.d = NewDispatcher(st, sealer, NewHTTPClient(policy, 16), nil, opt)
	f.m = NewManager(st, sealer, policy, opt.Retry, opt.Now, f.d.ChannelsChanged)
	return f
}

func (f *fixture) start() {
	f.t.Helper()
	if err := f.d.Start(f.ctx); err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { f.d.Shutdown(context.Background()) })
}

// manual starts only the completer: the test calls step for each round.
func (f *fixture) manual() {
	if err := f.d.loadChannels(f.ctx); err != nil {
		f.t.Fatal(err)
	}
	go f.d.completer()
	f.t.Cleanup(func() { close(f.d.results); <-f.d.doneWriting })
}

// step runs one round (claiming on every channel) and waits until its attempts are recorded.
func (f *fixture) step() {
	f.d.round(f.ctx, true)
	f.d.pending.Wait()
}

// channel creates a channel of company for url.
func (f *fixture) channel(company, url string, auth *AuthSpec, types ...string) Channel {
	f.t.Helper()
	c, err := f.m.Create(f.ctx, company, Spec{Name: "test", URL: url, Types: types, Authentication: auth,
		Headers: map[string]string{"X-Api-Key": "k-" + company}})
	if err != nil {
		f.t.Fatalf("create channel: %v", err)
	}
	return c
}

// notify commits, as one command on container eq, one notification to each receiver, and returns
// its publicReferenceId.
func (f *fixture) notify(eq string, receivers ...string) string {
	f.t.Helper()
	f.n++
	pub := fmt.Sprintf("pub-%05d", f.n)
	now := f.d.opt.Now()
	var ns []release.Notification
	for _, r := range receivers {
		ns = append(ns, release.Notification{ReceiverID: r, Type: release.TypeReleaseLight, Event: "Test", EquipmentNumber: eq,
			PublicReferenceID: pub, Timestamp: now, Body: map[string]any{"n": f.n}})
	}
	_, err := f.st.Apply(f.ctx, store.Op{PortLoCode: "BEANR", EquipmentNumber: eq,
		Decide: func(*release.Container) release.Outcome { return release.Outcome{Notifications: ns} },
		Audit:  store.Audit{PublicReferenceID: pub, CompanyID: "test", Action: "Test", EquipmentNumber: eq, At: now}})
	if err != nil {
		f.t.Fatal(err)
	}
	f.d.Wake()
	return pub
}

// deliveries lists a channel's deliveries.
func (f *fixture) deliveries(channelID string) []store.Delivery {
	f.t.Helper()
	ds, err := f.st.Deliveries(f.ctx, store.DeliveryQuery{ChannelID: channelID, Limit: 10000})
	if err != nil {
		f.t.Fatal(err)
	}
	return ds
}

// received is one request a test receiver got.
type received struct {
	header http.Header
	body   []byte
	at     time.Time
}

// receiver is a test webhook receiver; handle decides each answer (nil: 204).
type receiver struct {
	*httptest.Server
	mu  sync.Mutex
	got []received
}

func newReceiver(t *testing.T, handle func(r *http.Request, body []byte) int) *receiver {
	rc := &receiver{}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		status := 204
		if handle != nil {
			status = handle(r, body)
		}
		if status >= 200 && status < 300 {
			g := received{header: r.Header.Clone(), body: body, at: time.Now()}
			rc.mu.Lock()
			rc.got = append(rc.got, g)
			rc.mu.Unlock()
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) received() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// waitFor waits until the receiver took n requests.
func (rc *receiver) waitFor(t *testing.T, n int, within time.Duration) []received {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if got := rc.received(); len(got) >= n {
			return got
		}
		time.Sleep(5 * time.Millisecond)
	}
	got := rc.received()
	t.Fatalf("the receiver got %d requests within %s, want %d", len(got), within, n)
	return nil
}
