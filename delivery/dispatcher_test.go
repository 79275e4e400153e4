package delivery

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/portlight/portlight/store"
)

// TestDeliverySignedAndVerifiable: a receiver verifies each delivery with the Standard Webhooks
// library and the channel's secret; after a rotation both the old and the new secret verify
// during the grace period.
func TestDeliverySignedAndVerifiable(t *testing.T) {
	f := newFixture(t, Options{})
	rc := newReceiver(t, nil)
	c := f.channel("NXT1", rc.URL+"/hook", nil)
	f.start()
	pub := f.notify("MSCU1234565", "NXT1", "NXT2")
	got := rc.waitFor(t, 1, 5*time.Second)[0]
	wh, err := standardwebhooks.NewWebhook(c.SigningSecret())
	if err != nil {
		t.Fatal(err)
	}
	if err := wh.Verify(got.body, got.header); err != nil {
		t.Errorf("the library does not verify the delivery: %v", err)
	}
	var env map[string]any
	if err := json.Unmarshal(got.body, &env); err != nil || env["receiverId"] != "NXT1" || env["publicReferenceId"] != pub {
		t.Errorf("delivered body %s", got.body)
	}
	ds := f.deliveries(c.ID)
	if len(ds) != 1 || got.header.Get("webhook-id") != ds[0].ID || got.header.Get("X-Api-Key") != "k-NXT1" ||
		got.header.Get("Content-Type") != "application/json" || got.header.Get("User-Agent") != UserAgent {
		t.Errorf("headers %v, deliveries %+v", got.header, ds)
	}
	stored, _ := f.st.Notifications(f.ctx, store.NotificationQuery{PublicReferenceID: pub, ReceiverID: "NXT1"})
	if len(stored) != 1 || string(stored[0].Message) != string(got.body) {
		t.Errorf("the body is not the stored notification")
	}

	rotated, err := f.m.RotateSecret(f.ctx, "NXT1", c.ID)
	if err != nil || rotated.SigningSecret() == c.SigningSecret() || rotated.PreviousSecretUntil().IsZero() {
		t.Fatalf("RotateSecret: %v", err)
	}
	f.notify("MSCU1234565", "NXT1")
	got = rc.waitFor(t, 2, 5*time.Second)[1]
	for name, secret := range map[string]string{"old": c.SigningSecret(), "new": rotated.SigningSecret()} {
		wh, _ := standardwebhooks.NewWebhook(secret)
		if err := wh.Verify(got.body, got.header); err != nil {
			t.Errorf("after rotation the %s secret does not verify: %v (signature %q)", name, err, got.header.Get("webhook-signature"))
		}
	}
	wrong, _ := standardwebhooks.NewWebhook(NewSigningSecret())
	if err := wrong.Verify(got.body, got.header); err == nil {
		t.Errorf("another secret verifies the delivery")
	}
}

// TestOrderPerContainer: with a receiver that answers slowly, randomly and sometimes with a 500,
// every container's notifications still arrive in the order they were committed, each at least
// once, and the containers go in parallel.
func TestOrderPerContainer(t *testing.T) {
	f := newFixture(t, Options{Concurrency: 8})
	var inFlight, most atomic.Int64
	rc := newReceiver(t, func(*http.Request, []byte) int {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(time.Duration(rand.IntN(15)) * time.Millisecond)
		if rand.IntN(6) == 0 {
			return 500
		}
		return 200
	})
	f.channel("NXT1", rc.URL, nil)
	f.start()
	const containers, each = 8, 6
	want := map[string][]string{}
	for i := range each {
		for c := range containers {
			eq := fmt.Sprintf("CONT%07d", c)
			want[eq] = append(want[eq], f.notify(eq, "NXT1"))
		}
		_ = i
	}
	rc.waitFor(t, containers*each, 20*time.Second)
	f.waitIdle(20 * time.Second) // repeats of a lost 2xx would arrive before this
	got := map[string][]string{}
	for _, r := range rc.received() {
		var env struct{ ID, PublicReferenceID string }
		json.Unmarshal(r.body, &env)
		// At least once: a repeat of the last one (a 2xx lost on the way) is allowed, nothing else.
		if l := got[env.ID]; len(l) > 0 && l[len(l)-1] == env.PublicReferenceID {
			continue
		}
		got[env.ID] = append(got[env.ID], env.PublicReferenceID)
	}
	for eq, w := range want {
		if !slices.Equal(got[eq], w) {
			t.Errorf("container %s arrived as %v, want %v", eq, got[eq], w)
		}
	}
	if most.Load() < 2 {
		t.Errorf("at most %d attempts were in flight at once: the containers did not go in parallel", most.Load())
	}
}

// TestSlowReceiverDoesNotDelayOthers: a receiver that takes a second per message, with a queue of
// them, does not slow down the delivery to another channel.
func TestSlowReceiverDoesNotDelayOthers(t *testing.T) {
	f := newFixture(t, Options{Concurrency: 4})
	slow := newReceiver(t, func(*http.Request, []byte) int { time.Sleep(time.Second); return 200 })
	fast := newReceiver(t, nil)
	f.channel("SLOW", slow.URL, nil)
	f.channel("FAST", fast.URL, nil)
	f.start()
	sent := map[string]time.Time{}
	for i := range 40 {
		eq := fmt.Sprintf("CONT%07d", i%10)
		pub := f.notify(eq, "SLOW", "FAST")
		sent[pub] = time.Now()
		time.Sleep(5 * time.Millisecond)
	}
	var worst time.Duration
	for _, r := range fast.waitFor(t, 40, 10*time.Second) {
		var env struct{ PublicReferenceID string }
		json.Unmarshal(r.body, &env)
		worst = max(worst, r.at.Sub(sent[env.PublicReferenceID]))
	}
	t.Logf("worst latency of the fast receiver beside a 1 s receiver: %s", worst)
	if worst > 900*time.Millisecond { // held back, it would wait for the 1 s receiver
		t.Errorf("the fast receiver waited up to %s: the slow one held it back", worst)
	}
	if n := len(slow.received()); n > 8 {
		t.Errorf("the slow receiver already has %d of 40 after the fast one got all: it was not slow?", n)
	}
}

// TestDeadLetterAfterADayAndReplay: a receiver that always fails is retried with back-off for 24
// hours (an injected clock), then the delivery is dead, the next of its container goes, and a
// replay delivers the dead one once the receiver works.
func TestDeadLetterAfterADayAndReplay(t *testing.T) {
	start := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	clk := &clock{t: start}
	f := newFixture(t, Options{Now: clk.Now, Retry: DefaultRetry, Jitter: func() float64 { return 0.5 }})
	var failing atomic.Bool
	failing.Store(true)
	rc := newReceiver(t, func(*http.Request, []byte) int {
		if failing.Load() {
			return 503
		}
		return 200
	})
	c := f.channel("NXT1", rc.URL, nil)
	f.manual()
	first := f.notify("MSCU1234565", "NXT1")
	second := f.notify("MSCU1234565", "NXT1")
	f.step()
	attempts := 1
	for {
		ds := f.deliveries(c.ID)
		head := ds[len(ds)-1] // the oldest: the first notification
		if head.Status != store.DeliveryPending {
			break
		}
		if head.NextAttemptAt.Sub(clk.Now()) > time.Hour || head.Attempts != attempts {
			t.Fatalf("attempt %d: next at %s (now %s), attempts %d", attempts, head.NextAttemptAt, clk.Now(), head.Attempts)
		}
		if len(rc.received()) > 0 || ds[0].Attempts != 0 {
			t.Fatalf("the second notification went before the first was settled")
		}
		clk.Set(head.NextAttemptAt)
		f.step()
		attempts++
		if attempts > 100 {
			t.Fatal("never dead")
		}
	}
	ds := f.deliveries(c.ID)
	dead := ds[1]
	if dead.Status != store.DeliveryDead || dead.Last.StatusCode != 503 || clk.Now().Sub(start) != 24*time.Hour {
		t.Fatalf("after %d attempts: %+v at +%s", attempts, dead, clk.Now().Sub(start))
	}
	t.Logf("dead after %d attempts over %s", dead.Attempts, clk.Now().Sub(start))
	if dead.Attempts < 35 || dead.Attempts > 50 {
		t.Errorf("%d attempts in a day, want back-off up to an hour (about 44)", dead.Attempts)
	}
	// The next of the container goes once the first is dead: it was dispatched a day ago, so it
	// gets one attempt and is dead too, unless the receiver works.
	failing.Store(false)
	f.step()
	if got := rc.received(); len(got) != 1 || !jsonHas(got[0].body, second) {
		t.Fatalf("after the dead letter the receiver got %d, want the second notification", len(got))
	}
	if _, err := f.m.Replay(f.ctx, "NXT2", c.ID, dead.ID); err == nil {
		t.Errorf("another company replayed the dead letter")
	}
	if _, err := f.m.Replay(f.ctx, "NXT1", c.ID, dead.ID); err != nil {
		t.Fatal(err)
	}
	f.step()
	if got := rc.received(); len(got) != 2 || !jsonHas(got[1].body, first) || got[1].header.Get("webhook-id") != dead.ID {
		t.Errorf("replay: the receiver got %d", len(got))
	}
}

func jsonHas(body []byte, pub string) bool {
	var env struct{ PublicReferenceID string }
	return json.Unmarshal(body, &env) == nil && env.PublicReferenceID == pub
}

// tokenServer is an OAuth 2.0 token endpoint that issues numbered tokens.
type tokenServer struct {
	*httptest.Server
	mu     sync.Mutex
	issued []string
	forms  []string
}

func newTokenServer(t *testing.T) *tokenServer {
	ts := &tokenServer{}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		user, pass, _ := r.BasicAuth()
		ts.mu.Lock()
		tok := fmt.Sprintf("token-%d", len(ts.issued)+1)
		ts.issued = append(ts.issued, tok)
		ts.forms = append(ts.forms, fmt.Sprintf("%s %s:%s %s %s %s", r.PostForm.Get("grant_type"), user, pass,
			r.PostForm.Get("username"), r.PostForm.Get("password"), r.PostForm.Get("scope")))
		ts.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":3600}`, tok)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func (ts *tokenServer) latest() (string, int) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if len(ts.issued) == 0 {
		return "", 0
	}
	return ts.issued[len(ts.issued)-1], len(ts.issued)
}

// TestTokenFetchedCachedAndRefreshedOn401: the receiver answers 401 until it gets a token;
// Portlight fetches one, reuses it, and when the receiver stops accepting it (401) fetches a new
// one and sends again within the same attempt.
func TestTokenFetchedCachedAndRefreshedOn401(t *testing.T) {
	for _, grant := range []string{AuthOAuth2ClientCredentials, AuthOAuth2Password} {
		t.Run(grant, func(t *testing.T) {
			f := newFixture(t, Options{})
			ts := newTokenServer(t)
			rc := newReceiver(t, func(r *http.Request, _ []byte) int {
				latest, _ := ts.latest()
				if latest == "" || r.Header.Get("Authorization") != "Bearer "+latest {
					return 401
				}
				return 200
			})
			auth := &AuthSpec{Type: grant, TokenEndpoint: ts.URL + "/connect/token", ClientID: "portlight", ClientSecret: "s3cret",
				Scopes: []string{"hooks"}, Username: "pl-user", Password: "pl-pass"}
			c := f.channel("NXT1", rc.URL, auth)
			f.manual()
			f.notify("MSCU1234565", "NXT1")
			f.notify("MSCU1234565", "NXT1")
			f.step()
			f.step()
			if got := len(rc.received()); got != 2 {
				t.Fatalf("delivered %d, want 2", got)
			}
			if _, n := ts.latest(); n != 1 {
				t.Errorf("fetched %d tokens for two deliveries, want 1 (cached)", n)
			}
			// The receiver revokes the token early: the next delivery is refused once, then sent
			// with a new token, as one attempt.
			ts.mu.Lock()
			ts.issued = append(ts.issued, "revoked-by-receiver")
			ts.mu.Unlock()
			f.notify("MSCU1234565", "NXT1")
			f.step()
			if got := len(rc.received()); got != 3 {
				t.Fatalf("after the token was refused, delivered %d, want 3", got)
			}
			for _, d := range f.deliveries(c.ID) {
				if d.Status != store.DeliveryDelivered || d.Attempts != 1 {
					t.Errorf("delivery %+v", d)
				}
			}
			ts.mu.Lock()
			defer ts.mu.Unlock()
			want := "client_credentials portlight:s3cret   hooks"
			if grant == AuthOAuth2Password {
				want = "password portlight:s3cret pl-user pl-pass hooks"
			}
			if len(ts.forms) != 2 || ts.forms[0] != want {
				t.Errorf("token requests %q, want twice %q", ts.forms, want)
			}
		})
	}
}

// TestLateAnswerIsNotSentAgain: a receiver that takes longer than the poll interval many times
// over gets each message once.
func TestLateAnswerIsNotSentAgain(t *testing.T) {
	f := newFixture(t, Options{Timeout: 5 * time.Second, Poll: 20 * time.Millisecond})
	rc, sentOnce := slowCountingReceiver(t, 1500*time.Millisecond)
	f.channel("NXT1", rc.URL, nil)
	f.start()
	for i := range 3 {
		f.notify(fmt.Sprintf("CONT%07d", i), "NXT1")
	}
	rc.waitFor(t, 3, 10*time.Second)
	f.waitIdle(10 * time.Second)
	sentOnce()
}

// TestShutdownReleasesWhatIsInFlight: an attempt still running when the shutdown time is up is
// cancelled and its lease given back, without counting it as an attempt; what finishes in time
// is recorded.
func TestShutdownReleasesWhatIsInFlight(t *testing.T) {
	f := newFixture(t, Options{Timeout: 30 * time.Second})
	release := make(chan struct{})
	defer close(release)
	stuck := newReceiver(t, func(r *http.Request, _ []byte) int {
		select {
		case <-release:
		case <-r.Context().Done():
		}
		return 200
	})
	quick := newReceiver(t, nil)
	cs := f.channel("STUCK", stuck.URL, nil)
	cq := f.channel("QUICK", quick.URL, nil)
	if err := f.d.Start(f.ctx); err != nil {
		t.Fatal(err)
	}
	f.notify("MSCU1234565", "STUCK", "QUICK")
	quick.waitFor(t, 1, 5*time.Second)
	time.Sleep(100 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	began := time.Now()
	f.d.Shutdown(ctx)
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("Shutdown took %s", took)
	}
	d := f.deliveries(cs.ID)[0]
	if d.Status != store.DeliveryPending || d.LeasedBy != "" || d.Attempts != 0 {
		t.Errorf("the stuck delivery after shutdown: %+v", d)
	}
	if d := f.deliveries(cq.ID)[0]; d.Status != store.DeliveryDelivered {
		t.Errorf("the quick delivery after shutdown: %+v", d)
	}
}

// TestRestartTakesBackItsLeases: a node that crashed holding leases delivers them as soon as it
// starts again under the same node id, without waiting for the leases to run out.
func TestRestartTakesBackItsLeases(t *testing.T) {
	f := newFixture(t, Options{Node: "node-a"})
	rc := newReceiver(t, nil)
	c := f.channel("NXT1", rc.URL, nil)
	f.notify("MSCU1234565", "NXT1")
	now := time.Now()
	if _, err := f.st.DispatchNotifications(f.ctx, store.DispatchRequest{Now: now, ExpiresAt: now.Add(time.Hour), Limit: 10}); err != nil {
		t.Fatal(err)
	}
	claimed, err := f.st.ClaimDeliveries(f.ctx, store.ClaimRequest{Node: "node-a", Now: now, LeaseUntil: now.Add(time.Hour),
		Limits: map[string]int{c.ID: 1}})
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v", err)
	}
	f.start() // the "restarted" node
	rc.waitFor(t, 1, 3*time.Second)
}

// TestShutdownOfADispatcherNeverStarted returns at once (a node that failed to start).
func TestShutdownOfADispatcherNeverStarted(t *testing.T) {
	f := newFixture(t, Options{})
	done := make(chan struct{})
	go func() { f.d.Shutdown(context.Background()); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Shutdown of a dispatcher never started hangs")
	}
}

// TestClaimedAheadPastItsLeaseIsGivenBack: behind a receiver slower than its traffic, deliveries
// claimed ahead that waited for a slot until their lease got too short are given back unsent and
// claimed again: every one is delivered, each sent once, each with one attempt.
func TestClaimedAheadPastItsLeaseIsGivenBack(t *testing.T) {
	// A lease of 5 × 400 ms + 15 s: an attempt may start at most 1.6 s after the claim, and the
	// receiver takes 150 ms an attempt, one at a time: the last of 16 wait past that. (With a
	// timeout of 200 ms, a loaded machine let an attempt of 150 ms time out and be sent again.)
	f := newFixture(t, Options{Timeout: 400 * time.Millisecond, Concurrency: 1, Poll: 20 * time.Millisecond})
	rc, sentOnce := slowCountingReceiver(t, 150*time.Millisecond)
	c := f.channel("NXT1", rc.URL, nil)
	const n = 16
	for i := range n {
		f.notify(fmt.Sprintf("CONT%07d", i), "NXT1")
	}
	f.start()
	rc.waitFor(t, n, 20*time.Second)
	f.waitIdle(20 * time.Second)
	sentOnce()
	for _, d := range f.deliveries(c.ID) {
		if d.Status != store.DeliveryDelivered || d.Attempts != 1 {
			t.Errorf("delivery %s: status %v after %d attempts", d.ID, d.Status, d.Attempts)
		}
	}
	var given dto.Metric
	if err := f.d.metrics.GivenBack.Write(&given); err != nil || given.GetCounter().GetValue() == 0 {
		t.Error("no delivery was given back: the test did not wait past a lease")
	}
}

// slowCountingReceiver answers 200 after delay and counts the messages it gets by webhook-id;
// sentOnce fails the test for any message it got more than once.
func slowCountingReceiver(t *testing.T, delay time.Duration) (rc *receiver, sentOnce func()) {
	var calls sync.Map
	rc = newReceiver(t, func(r *http.Request, _ []byte) int {
		n, _ := calls.LoadOrStore(r.Header.Get("webhook-id"), new(atomic.Int32))
		n.(*atomic.Int32).Add(1)
		time.Sleep(delay)
		return 200
	})
	return rc, func() {
		t.Helper()
		calls.Range(func(id, n any) bool {
			if got := n.(*atomic.Int32).Load(); got != 1 {
				t.Errorf("delivery %s was sent %d times", id, got)
			}
			return true
		})
	}
}
