package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/portlight/portlight/client"
)

// hook is a webhook receiver on 127.0.0.1 (the sandbox lets webhooks reach loopback). Its
// answer decides what each request gets; every request answered 2xx is recorded.
type hook struct {
	*httptest.Server
	answer func(r *http.Request) int
	mu     sync.Mutex
	got    []delivered
	calls  atomic.Int64
}

// delivered is one webhook request a receiver took.
type delivered struct {
	id     string // webhook-id
	header http.Header
	body   []byte
	env    client.Envelope
	at     time.Time
}

func newHook(t *testing.T, answer func(r *http.Request) int) *hook {
	h := &hook{answer: answer}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.calls.Add(1)
		status := http.StatusNoContent
		if h.answer != nil {
			status = h.answer(r)
		}
		if status/100 == 2 {
			d := delivered{id: r.Header.Get("webhook-id"), header: r.Header.Clone(), body: body, at: time.Now()}
			if err := json.Unmarshal(body, &d.env); err != nil {
				t.Errorf("a webhook body is not a notification: %s", body)
			}
			h.mu.Lock()
			h.got = append(h.got, d)
			h.mu.Unlock()
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hook) received() []delivered {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.got)
}

// channel is a created notification channel.
type channel struct {
	ChannelID string `json:"channelId"`
	Secret    string `json:"secret"`
}

// createChannel creates a channel for the company of c.
func createChannel(t *testing.T, c *client.Client, body map[string]any) channel {
	t.Helper()
	resp, err := c.Do(bg(), http.MethodPost, "/certified-pickup/v1/notification-channels", nil, body, "")
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != http.StatusCreated {
		t.Fatalf("create channel: HTTP %d %s", resp.Status, resp.Body)
	}
	var ch channel
	if err := json.Unmarshal(resp.Body, &ch); err != nil || ch.ChannelID == "" || !strings.HasPrefix(ch.Secret, "whsec_") {
		t.Fatalf("create channel answered %s", resp.Body)
	}
	return ch
}

// pullAll returns, in order, the messages a company pulls for the given containers.
func pullAll(t *testing.T, c *client.Client, containers []string) []string {
	t.Helper()
	var out []string
	for _, eq := range containers {
		items, _, err := c.Notifications(bg(), url.Values{"equipmentNumber": {eq}})
		if err != nil {
			t.Fatalf("pull %s: %v", eq, err)
		}
		for _, it := range items {
			out = append(out, it.Message)
		}
	}
	return out
}

// byContainer groups messages per container (the envelope's id), keeping their order; a message
// repeated right after itself (at least once: a redelivery) counts once.
func byContainer(t *testing.T, messages []string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, m := range messages {
		var env client.Envelope
		if err := json.Unmarshal([]byte(m), &env); err != nil {
			t.Fatalf("not a notification: %s", m)
		}
		if l := out[env.ID]; len(l) > 0 && l[len(l)-1] == m {
			continue
		}
		out[env.ID] = append(out[env.ID], m)
	}
	return out
}

// TestWebhookDelivery is the end-to-end test of webhooks: four companies with a receiver each,
// one healthy, one slow (2 s an answer), one failing with 500s and then recovering, one answering
// 401 until it gets a token from its own token endpoint. Every notification arrives at the right
// receiver, in order per container, signed, and none at another company's; the healthy
// receiver's latency is not affected by the others.
func TestWebhookDelivery(t *testing.T) {
	n := startNode(t, t.TempDir(), "--rate-limit", "0")

	healthy := newHook(t, nil)
	slow := newHook(t, func(*http.Request) int { time.Sleep(2 * time.Second); return http.StatusOK })
	var failures atomic.Int64
	failing := newHook(t, func(*http.Request) int {
		if failures.Add(1) <= 6 {
			return http.StatusInternalServerError
		}
		return http.StatusAccepted
	})
	// The token receiver's tokens are good for four calls: it then answers 401, and Portlight must
	// fetch a new token and send again.
	var tokenMu sync.Mutex
	issued := map[string]int{} // token → calls it is still good for
	var tokenCalls atomic.Int64
	tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		id, secret, _ := r.BasicAuth()
		if id == "" {
			id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
		}
		if r.PostForm.Get("grant_type") != "client_credentials" || id != "portlight" || secret != "receiver-s3cret" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		tok := fmt.Sprintf("tok-%d", tokenCalls.Add(1))
		tokenMu.Lock()
		issued[tok] = 4
		tokenMu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":3600}`, tok)
	}))
	defer tokens.Close()
	var refused atomic.Int64
	authed := newHook(t, func(r *http.Request) int {
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		tokenMu.Lock()
		ok := issued[tok] > 0
		issued[tok]--
		tokenMu.Unlock()
		if !ok {
			refused.Add(1)
			return http.StatusUnauthorized
		}
		return http.StatusOK
	})

	sa1, to1, rp1, tr1 := n.party(t, SA1), n.party(t, TO1), n.party(t, RP1), n.party(t, TR1)
	chans := map[string]channel{
		SA1: createChannel(t, sa1, map[string]any{"name": "healthy", "url": healthy.URL + "/hook", "headers": map[string]string{"X-Receiver": "healthy"}}),
		TO1: createChannel(t, to1, map[string]any{"name": "slow", "url": slow.URL, "types": []string{"ReleaseLight", "ReleaseRight", "TerminalEvent"}}),
		RP1: createChannel(t, rp1, map[string]any{"name": "failing then recovering", "url": failing.URL}),
		TR1: createChannel(t, tr1, map[string]any{"name": "needs a token", "url": authed.URL, "authentication": map[string]any{
			"type": "OAuth2ClientCredentials", "tokenEndpoint": tokens.URL + "/oauth/token", "clientId": "portlight",
			"clientSecret": "receiver-s3cret", "scopes": []string{"notifications"}}}),
	}
	hooks := map[string]*hook{SA1: healthy, TO1: slow, RP1: failing, TR1: authed}

	// Each container walks from the release to the haulier: SA1 is told of every step it takes
	// part in, the slow terminal operator of the release, the forwarder and the haulier of the
	// hops of the right. SA2's releases to RP2 at the other terminal concern none of the
	// receivers' companies but SA2 and RP2, who have no channel.
	var containers, others []string
	answered := map[string]time.Time{} // SA1's commands: publicReferenceId → 202 received
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 6 {
		eq, other := newContainer(t), newContainer(t)
		containers, others = append(containers, eq), append(others, other)
		wg.Go(func() {
			key := func(action, from, to string) map[string]any {
				return rightBody(action, eq, "BL1", "R1", "0100", ref(from), ref(to))
			}
			r, _, err := sa1.Ingest(bg(), ingestBody("Release", eq, "BL1", "R1", "0100", map[string]any{"releaseTo": ref(RP1)}), "")
			if err != nil {
				t.Errorf("release: %v", err)
				return
			}
			mu.Lock()
			answered[r.PublicReferenceID] = time.Now()
			mu.Unlock()
			for _, s := range []struct {
				c        *client.Client
				action   string
				from, to string
			}{{rp1, "Accept", SA1, RP1}, {rp1, "Transfer", RP1, TR1}, {tr1, "Accept", RP1, TR1}} {
				r, _, err := s.c.ReleaseRight(bg(), "BEANR", eq, key(s.action, s.from, s.to), "")
				if err != nil {
					t.Errorf("%s: %v", s.action, err)
					return
				}
				if s.from == SA1 || s.to == SA1 {
					mu.Lock()
					answered[r.PublicReferenceID] = time.Now()
					mu.Unlock()
				}
			}
			if _, _, err := n.party(t, SA2).Ingest(bg(), ingestBody("Release", other, "BL2", "R2", "01700", map[string]any{"releaseTo": ref(RP2)}), ""); err != nil {
				t.Errorf("release by SA2: %v", err)
			}
		})
	}
	wg.Wait()

	// What each company pulls is what its receiver must get: the same messages, byte for byte,
	// in the same order per container.
	want := map[string]map[string][]string{}
	total := 0
	for id := range hooks {
		want[id] = byContainer(t, pullAll(t, n.party(t, id), append(slices.Clone(containers), others...)))
		for _, l := range want[id] {
			total += len(l)
		}
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		done := true
		for id, h := range hooks {
			count := 0
			for _, l := range byContainer(t, messagesOf(h.received())) {
				count += len(l)
			}
			wantCount := 0
			for _, l := range want[id] {
				wantCount += len(l)
			}
			if count < wantCount {
				done = false
			}
		}
		if done || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Anything extra would have been sent by the time the dispatcher has nothing left to do.
	waitIdle(t, n, 60*time.Second)
	for id, h := range hooks {
		got := h.received()
		wh, _ := standardwebhooks.NewWebhook(chans[id].Secret)
		for _, d := range got {
			if d.env.ReceiverID != id {
				t.Errorf("%s's receiver got a notification for %s: %s", id, d.env.ReceiverID, d.body)
			}
			if err := wh.Verify(d.body, d.header); err != nil {
				t.Errorf("%s: signature does not verify: %v", id, err)
			}
		}
		gotBy := byContainer(t, messagesOf(got))
		for eq, msgs := range want[id] {
			if !slices.Equal(gotBy[eq], msgs) {
				t.Errorf("%s's receiver got for %s (in this order):\n%s\nwant:\n%s", id, eq, strings.Join(gotBy[eq], "\n"), strings.Join(msgs, "\n"))
			}
		}
		for eq := range gotBy {
			if _, ok := want[id][eq]; !ok {
				t.Errorf("%s's receiver got notifications of %s, which it does not pull", id, eq)
			}
		}
	}
	for _, other := range others {
		for id, h := range hooks {
			for _, d := range h.received() {
				if d.env.ID == other {
					t.Errorf("%s's receiver got a notification of %s, SA2's release to RP2", id, other)
				}
			}
		}
	}
	if got := healthy.received(); len(got) > 0 && got[0].header.Get("X-Receiver") != "healthy" {
		t.Errorf("the static header is missing: %v", got[0].header)
	}
	if failures.Load() <= 6 {
		t.Errorf("the failing receiver was called %d times: its 500s were not retried", failures.Load())
	}
	if refused.Load() == 0 || tokenCalls.Load() < 2 {
		t.Errorf("the token receiver refused %d calls and %d tokens were fetched", refused.Load(), tokenCalls.Load())
	}

	// The healthy receiver's latency, from the 202 of each of SA1's commands to its webhook.
	var lat []time.Duration
	for _, d := range healthy.received() {
		if at, ok := answered[d.env.PublicReferenceID]; ok {
			lat = append(lat, max(0, d.at.Sub(at)))
		}
	}
	slices.Sort(lat)
	if len(lat) == 0 {
		t.Fatal("no latency measured")
	}
	p50, worst := lat[len(lat)/2], lat[len(lat)-1]
	t.Logf("healthy receiver beside a 2 s one, a failing one and a 401 one: %d notifications, latency p50 %s, max %s (of %d notifications in all)",
		len(lat), p50.Round(time.Millisecond), worst.Round(time.Millisecond), total)
	if worst > time.Second {
		t.Errorf("the healthy receiver waited up to %s: the slow (2 s) receiver held it back", worst)
	}

	// The deliveries list shows the failing receiver's attempts.
	resp, err := rp1.Do(bg(), http.MethodGet, "/certified-pickup/v1/notification-channels/"+chans[RP1].ChannelID+"/deliveries", url.Values{"limit": {"200"}}, nil, "")
	if err != nil || resp.Status != 200 {
		t.Fatalf("deliveries: %v %v", err, resp)
	}
	var list struct {
		Deliveries []struct {
			Status         string `json:"status"`
			Attempts       int    `json:"attempts"`
			RecentAttempts []struct {
				StatusCode *int    `json:"statusCode"`
				LatencyMs  float64 `json:"latencyMs"`
				Error      *string `json:"error"`
			} `json:"recentAttempts"`
		} `json:"deliveries"`
	}
	json.Unmarshal(resp.Body, &list)
	saw500 := false
	for _, d := range list.Deliveries {
		if d.Status != "Delivered" {
			t.Errorf("a delivery of the recovered receiver is %s", d.Status)
		}
		for _, a := range d.RecentAttempts {
			if a.StatusCode != nil && *a.StatusCode == 500 && a.Error != nil && strings.Contains(*a.Error, "HTTP 500") {
				saw500 = true
			}
		}
	}
	if !saw500 {
		t.Errorf("the deliveries list shows no failed attempt: %s", resp.Body)
	}
}

func messagesOf(ds []delivered) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = string(d.body)
	}
	return out
}
