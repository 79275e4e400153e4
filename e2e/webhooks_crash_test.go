package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestWebhooksSurviveACrash sends a load of commands, kills the server (kill -9) in the middle of
// it, restarts it on the same data, and checks that every command answered 202 had all its
// notifications delivered to the receiver at least once.
func TestWebhooksSurviveACrash(t *testing.T) {
	dir := t.TempDir()
	n := startNode(t, dir, "--rate-limit", "0")
	rc := newHook(t, nil) // the receiver stays up across the crash
	createChannel(t, n.party(t, RP1), map[string]any{"name": "crash", "url": rc.URL})
	sa := n.party(t, SA1)

	var mu sync.Mutex
	var accepted []string // publicReferenceIds answered 202
	var stopping atomic.Bool
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for !stopping.Load() {
				eq := newContainer(t)
				r, resp, err := sa.Ingest(bg(), ingestBody("Release", eq, "BL1", "R1", "0100", map[string]any{"releaseTo": ref(RP1)}), "")
				if err != nil || resp.Status != http.StatusAccepted {
					if stopping.Load() {
						return
					}
					continue // the node is gone: a command without an answer was not accepted
				}
				mu.Lock()
				accepted = append(accepted, r.PublicReferenceID)
				mu.Unlock()
			}
		})
	}
	time.Sleep(1500 * time.Millisecond)
	before := len(rc.received())
	n.kill()
	stopping.Store(true)
	wg.Wait()
	t.Logf("%d commands answered 202 before kill -9; the receiver had %d webhooks then", len(accepted), before)
	if len(accepted) < 50 {
		t.Fatalf("only %d commands accepted before the crash", len(accepted))
	}

	n = startNode(t, dir, "--rate-limit", "0")
	// Each release to RP1 tells it twice: the Commercial Release light, and the Transferred right.
	want := map[string]bool{}
	for _, pub := range accepted {
		want[pub+" ReleaseLightChanged"], want[pub+" Transferred"] = true, true
	}
	deadline := time.Now().Add(60 * time.Second)
	var missing []string
	for {
		got := map[string]bool{}
		for _, d := range rc.received() {
			got[d.env.PublicReferenceID+" "+d.env.Event] = true
		}
		missing = missing[:0]
		for k := range want {
			if !got[k] {
				missing = append(missing, k)
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(missing) > 0 {
		t.Fatalf("after the restart %d of %d notifications of accepted commands never arrived, e.g. %v", len(missing), len(want), missing[:min(5, len(missing))])
	}
	// What arrived is what the pull API holds, byte for byte.
	items, _, err := n.party(t, RP1).Notifications(bg(), url.Values{"publicReferenceId": {accepted[len(accepted)-1]}})
	if err != nil || len(items) != 2 {
		t.Fatalf("pull the last accepted command: %d %v", len(items), err)
	}
	bodies := map[string]bool{}
	for _, d := range rc.received() {
		bodies[string(d.body)] = true
	}
	for _, it := range items {
		if !bodies[it.Message] {
			t.Errorf("the receiver never got the stored message %s", it.Message)
		}
	}
	ids := map[string]int{}
	for _, d := range rc.received() {
		ids[d.id]++
	}
	dups := 0
	for _, c := range ids {
		dups += c - 1
	}
	t.Logf("%d notifications of %d accepted commands all delivered after the restart (%d webhooks in all, %d sent again with the same webhook-id)",
		len(want), len(accepted), len(rc.received()), dups)
}

// TestWebhooksGracefulShutdown: on SIGTERM the attempts under way are given their time and then
// released, the node exits within its shutdown timeout, and after a restart the released
// deliveries go out without having been counted as failed attempts.
func TestWebhooksGracefulShutdown(t *testing.T) {
	dir := t.TempDir()
	n := startNode(t, dir, "--shutdown-timeout", "2s")
	var stuck atomic.Bool
	stuck.Store(true)
	var inFlight atomic.Int64
	rc := newHook(t, func(r *http.Request) int {
		if stuck.Load() {
			inFlight.Add(1)
			<-r.Context().Done() // until Portlight gives up on it
			inFlight.Add(-1)
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	})
	ch := createChannel(t, n.party(t, RP1), map[string]any{"name": "stuck", "url": rc.URL, "types": []string{"ReleaseRight"}})
	for range 3 {
		eq := newContainer(t)
		if _, _, err := n.party(t, SA1).Ingest(bg(), ingestBody("Release", eq, "BL1", "R1", "0100", map[string]any{"releaseTo": ref(RP1)}), ""); err != nil {
			t.Fatal(err)
		}
	}
	for deadline := time.Now().Add(10 * time.Second); inFlight.Load() < 3; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d attempts in flight, want 3", inFlight.Load())
		}
	}
	began := time.Now()
	n.stop(t)
	took := time.Since(began)
	t.Logf("SIGTERM with 3 attempts stuck in flight: the node exited after %s (--shutdown-timeout 2s)", took.Round(time.Millisecond))
	if took > 6*time.Second {
		t.Errorf("the node took %s to stop", took)
	}

	stuck.Store(false)
	n = startNode(t, dir, "--shutdown-timeout", "2s")
	rcv := func() int { return len(rc.received()) }
	for deadline := time.Now().Add(15 * time.Second); rcv() < 3; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after the restart %d of 3 deliveries arrived", rcv())
		}
	}
	// The receiver has them; their outcomes are recorded a moment later.
	type listed struct {
		Deliveries []struct {
			Status   string `json:"status"`
			Attempts int    `json:"attempts"`
		} `json:"deliveries"`
	}
	var list listed
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		resp, err := n.party(t, RP1).Do(bg(), http.MethodGet, "/certified-pickup/v1/notification-channels/"+ch.ChannelID+"/deliveries", nil, nil, "")
		if err != nil || resp.Status != 200 {
			t.Fatalf("deliveries: %v %v", err, resp)
		}
		list = listed{}
		json.Unmarshal(resp.Body, &list)
		pending := 0
		for _, d := range list.Deliveries {
			if d.Status == "Pending" {
				pending++
			}
		}
		if pending == 0 || time.Now().After(deadline) {
			break
		}
	}
	for _, d := range list.Deliveries {
		if d.Status != "Delivered" || d.Attempts != 1 {
			t.Errorf("after the restart a delivery is %s after %d attempts, want Delivered after 1 (the released one does not count)", d.Status, d.Attempts)
		}
	}
}
