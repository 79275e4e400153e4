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
// arrives, and answers 204.
type receiver struct {
	srv   *http.Server
	url   string
	mu    sync.Mutex
	at    map[string]time.Time
	dups  atomic.Int64
	total atomic.Int64
}

func startReceiver() (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	rc := &receiver{at: map[string]time.Time{}, url: "http://" + ln.Addr().String() + "/webhook"}
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
		if _, seen := rc.at[env.PublicReferenceID]; seen {
			rc.dups.Add(1)
		} else {
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
	fwd := p.As(Forwarder)
	resp, err := fwd.Do(ctx, http.MethodPost, "/certified-pickup/v1/notification-channels", nil,
		map[string]any{"name": "portlight bench webhooks", "url": rc.url, "types": []string{"ReleaseRight"}}, "")
	if err != nil {
		return out, err
	}
	if resp.Status != http.StatusCreated {
		return out, fmt.Errorf("create the channel: HTTP %d %s", resp.Status, resp.Body)
	}
	var ch struct {
		ChannelID string `json:"channelId"`
	}
	if err := json.Unmarshal(resp.Body, &ch); err != nil {
		return out, err
	}
	defer func() {
		_, _ = fwd.Do(context.Background(), http.MethodDelete, "/certified-pickup/v1/notification-channels/"+ch.ChannelID, nil, nil, "")
	}()

	agent := p.As(ShippingAgent)
	var mu sync.Mutex
	answered := map[string]time.Time{}
	out.Commands = Run(ctx, "release to the forwarder", o.Rate, o.Duration, o.Workers, func(ctx context.Context, i int) error {
		eq := p.Container(i)
		body := map[string]any{"actionType": "Release", "equipmentNumber": eq, "billOfLadingNumbers": []string{"BL-" + eq},
			"releaseIdentification": "R-" + eq, "terminalCode": TerminalCode, "portLoCode": p.Creds.PortLoCode,
			"stayNumber": "STAY1", "releaseTo": ref(Forwarder)}
		receipt, resp, err := agent.Ingest(ctx, body, "")
		if err != nil {
			return err
		}
		if resp.Status != http.StatusAccepted {
			return fmt.Errorf("HTTP %d: %s", resp.Status, resp.Body)
		}
		now := time.Now()
		mu.Lock()
		answered[receipt.PublicReferenceID] = now
		mu.Unlock()
		return nil
	})

	// Wait for the stragglers, then measure: a webhook that came before its command's 202 reached
	// the caller counts as 0.
	deadline := time.Now().Add(o.Wait)
	for {
		missing := 0
		for pub := range answered {
			if _, ok := rc.arrived(pub); !ok {
				missing++
			}
		}
		if missing == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	samples := make([]time.Duration, 0, len(answered))
	missing := 0
	for pub, at := range answered {
		got, ok := rc.arrived(pub)
		if !ok {
			missing++
			continue
		}
		samples = append(samples, max(0, got.Sub(at)))
	}
	out.Webhooks = Result{Name: "command 202 → webhook received", Rate: o.Rate, Duration: out.Commands.Duration,
		Seconds: out.Commands.Seconds, Sent: len(answered), Errors: missing, Achieved: out.Commands.Achieved,
		Latencies: Summarise(samples)}
	if missing > 0 {
		out.Webhooks.FirstErr = fmt.Sprintf("%d webhooks did not arrive within %s", missing, o.Wait)
	}
	out.Duplicates = int(rc.dups.Load())
	if out.Commands.Errors > 0 || missing > 0 {
		return out, errors.New("the run had errors: " + out.Commands.FirstErr + " " + out.Webhooks.FirstErr)
	}
	return out, nil
}
