package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// WebhookOptions shape the webhook latency benchmark.
type WebhookOptions struct {
	Rate     float64       // commands per second
	Duration time.Duration // how long to send
	Workers  int           // concurrent callers
	// Wait bounds how long, after the last command, the webhooks still missing are waited for.
	Wait time.Duration
}

// WebhookResult is what the webhook benchmark measured: the commands, and the latency from each
// command's 202 to its webhook at the receiver.
type WebhookResult struct {
	Commands Result `json:"commands"`
	Webhooks Result `json:"webhooks"`
	// Duplicates counts webhooks received more than once (at least once allows them; a calm run
	// has none).
	Duplicates int `json:"duplicates"`
}

// receiver is the benchmark's webhook receiver: it notes when each publicReferenceId first
// arrives, counts a webhook-id seen again as a duplicate (a message delivered twice), and answers 204.
type receiver struct {
	srv   *http.Server
	url   string
	mu    sync.Mutex
	at    map[string]time.Time // publicReferenceId → first arrival
	ids   map[string]bool      // webhook-ids seen
	dups  int
	total atomic.Int64
}

func startReceiver() (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	rc := &receiver{at: map[string]time.Time{}, ids: map[string]bool{}, url: "http://" + ln.Addr().String() + "/webhook"}
	rc.srv = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		var env struct {
			PublicReferenceID string `json:"publicReferenceId"`
		}
		if err != nil || json.Unmarshal(body, &env) != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		rc.total.Add(1)
		rc.mu.Lock()
		if id := r.Header.Get("webhook-id"); rc.ids[id] {
			rc.dups++
		} else {
			rc.ids[id] = true
		}
		if _, seen := rc.at[env.PublicReferenceID]; !seen {
			rc.at[env.PublicReferenceID] = now
		}
		rc.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})}
	go func() { _ = rc.srv.Serve(ln) }()
	return rc, nil
}

func (rc *receiver) arrived(pub string) (time.Time, bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	t, ok := rc.at[pub]
	return t, ok
}

func (rc *receiver) duplicates() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.dups
}

// subscribe creates a notification channel of company to the receiver for the given notification
// types, and returns the call that deletes it.
func (rc *receiver) subscribe(ctx context.Context, p *Port, company string, types ...string) (func(), error) {
	c := p.As(company)
	resp, err := c.Do(ctx, http.MethodPost, "/certified-pickup/v1/notification-channels", nil,
		map[string]any{"name": "portlight bench", "url": rc.url, "types": types}, "")
	if err != nil {
		return nil, err
	}
	if resp.Status != http.StatusCreated {
		return nil, fmt.Errorf("create the channel: HTTP %d %s", resp.Status, resp.Body)
	}
	var ch struct {
		ChannelID string `json:"channelId"`
	}
	if err := json.Unmarshal(resp.Body, &ch); err != nil {
		return nil, err
	}
	return func() {
		_, _ = c.Do(context.Background(), http.MethodDelete, "/certified-pickup/v1/notification-channels/"+ch.ChannelID, nil, nil, "")
	}, nil
}

// answers are the moments commands were answered, by the publicReferenceId of their receipts.
type answers struct {
	mu sync.Mutex
	at map[string]time.Time
}

func (a *answers) add(pub string, at time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.at == nil {
		a.at = map[string]time.Time{}
	}
	a.at[pub] = at
}

// latencies waits up to wait for the webhooks of every answered command still missing, then
// measures, per command, the time from its answer to its first webhook (one that came before the
// answer reached the caller counts as 0). commands is the run of the commands; the result counts
// a missing webhook as an error.
func (rc *receiver) latencies(a *answers, commands Result, wait time.Duration) Result {
	a.mu.Lock()
	defer a.mu.Unlock()
	deadline := time.Now().Add(wait)
	for {
		missing := 0
		for pub := range a.at {
			if _, ok := rc.arrived(pub); !ok {
				missing++
			}
		}
		if missing == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	samples := make([]time.Duration, 0, len(a.at))
	missing := 0
	for pub, at := range a.at {
		got, ok := rc.arrived(pub)
		if !ok {
			missing++
			continue
		}
		samples = append(samples, max(0, got.Sub(at)))
	}
	r := Result{Name: "command 202 → webhook received", Rate: commands.Rate, Duration: commands.Duration,
		Seconds: commands.Seconds, Sent: len(a.at), Errors: missing, Achieved: float64(len(a.at)) / commands.Seconds,
		Latencies: Summarise(samples)}
	if missing > 0 {
		r.FirstErr = fmt.Sprintf("%d webhooks did not arrive within %s", missing, wait)
	}
	return r
}

// Webhooks measures end-to-end webhook latency: it starts a receiver on 127.0.0.1 (the sandbox
// lets webhooks reach loopback), creates a notification channel for the Forwarder (type
// ReleaseRight: one webhook per command, the Transferred of the release to it), sends releases
// of fresh containers to the Forwarder at o.Rate for o.Duration, and measures, per command, the
// time from its 202 to its webhook at the receiver. The channel is deleted at the end.
func Webhooks(ctx context.Context, p *Port, o WebhookOptions) (WebhookResult, error) {
	var out WebhookResult
	if o.Wait <= 0 {
		o.Wait = 30 * time.Second
	}
	rc, err := startReceiver()
	if err != nil {
		return out, err
	}
	defer rc.srv.Close()
	unsubscribe, err := rc.subscribe(ctx, p, Forwarder, "ReleaseRight")
	if err != nil {
		return out, err
	}
	defer unsubscribe()

	var answered answers
	out.Commands = Run(ctx, "release to the forwarder", o.Rate, o.Duration, o.Workers, func(ctx context.Context, i int) error {
		pub, err := p.Release(ctx, p.Container(i), Forwarder)
		if err == nil {
			answered.add(pub, time.Now())
		}
		return err
	})
	out.Webhooks = rc.latencies(&answered, out.Commands, o.Wait)
	out.Duplicates = rc.duplicates()
	if out.Commands.Errors > 0 || out.Webhooks.Errors > 0 {
		return out, errors.New("the run had errors: " + out.Commands.FirstErr + " " + out.Webhooks.FirstErr)
	}
	return out, nil
}
