package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestNotificationChannelsAPI walks the channel endpoints as two companies: a company sees,
// changes and deletes only its own channels (another's is 404), bad channels are refused with the
// field to correct, the secret is shown at creation and rotation only, and /metrics reports the
// webhook queue.
func TestNotificationChannelsAPI(t *testing.T) {
	n := startNode(t, t.TempDir())
	rp1, rp2 := n.party(t, RP1), n.party(t, RP2)
	const base = "/certified-pickup/v1/notification-channels"
	hook := newHook(t, nil)
	ch := createChannel(t, rp1, map[string]any{"name": "ops", "url": hook.URL + "/in", "types": []string{"releaseright"},
		"headers": map[string]string{"X-Api-Key": "k1"}})

	do := func(who string, method, path string, body any) (int, map[string]any, []byte) {
		t.Helper()
		c := rp1
		if who == RP2 {
			c = rp2
		}
		resp, err := c.Do(bg(), method, path, nil, body, "")
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		var m map[string]any
		_ = json.Unmarshal(resp.Body, &m)
		return resp.Status, m, resp.Body
	}

	status, got, raw := do(RP1, "GET", base+"/"+ch.ChannelID, nil)
	if status != 200 || got["name"] != "ops" || got["method"] != "POST" || got["secret"] != nil || !strings.Contains(string(raw), `"types":["ReleaseRight"]`) {
		t.Errorf("GET own channel: %d %s", status, raw)
	}
	if status, _, raw := do(RP2, "GET", base+"/"+ch.ChannelID, nil); status != 404 {
		t.Errorf("GET another company's channel: %d %s", status, raw)
	}
	for _, m := range []struct{ method, path string }{
		{"PUT", base + "/" + ch.ChannelID}, {"DELETE", base + "/" + ch.ChannelID}, {"GET", base + "/" + ch.ChannelID + "/deliveries"},
		{"POST", base + "/" + ch.ChannelID + "/rotate-secret"}, {"POST", base + "/" + ch.ChannelID + "/deliveries/msg_x/replay"},
	} {
		if status, _, raw := do(RP2, m.method, m.path, map[string]any{"name": "stolen", "url": "https://evil.example/"}); status != 404 {
			t.Errorf("%s %s as another company: %d %s", m.method, m.path, status, raw)
		}
	}
	if status, list, raw := do(RP2, "GET", base, nil); status != 200 || strings.TrimSpace(string(raw)) != "[]" {
		t.Errorf("another company's list: %d %v", status, list)
	}
	status, _, raw = do(RP1, "GET", base, nil)
	if status != 200 || strings.Count(string(raw), `"channelId"`) != 1 {
		t.Errorf("list: %d %s", status, raw)
	}

	for body, field := range map[string]string{
		`{"url":"https://hooks.example.com/"}`:                                                                "name",
		`{"name":"x","url":"ftp://hooks.example.com/"}`:                                                       "url",
		`{"name":"x","url":"https://hooks.example.com/","types":["Gossip"]}`:                                  "types",
		`{"name":"x","url":"https://hooks.example.com/","authentication":{"type":"OAuth2ClientCredentials"}}`: "authentication.tokenEndpoint",
		`{"name":"x","url":"https://hooks.example.com/","secret":"mine"}`:                                     "secret",
	} {
		status, got, raw := do(RP1, "POST", base, []byte(body))
		errs, _ := got["errors"].(map[string]any)
		if status != 400 || errs[field] == nil {
			t.Errorf("POST %s: %d %s, want 400 on %s", body, status, raw, field)
		}
	}

	status, got, raw = do(RP1, "PUT", base+"/"+ch.ChannelID, map[string]any{"name": "ops 2", "url": hook.URL + "/v2"})
	if status != 200 || got["name"] != "ops 2" || !strings.Contains(string(raw), `"types":[]`) || !strings.Contains(string(raw), `"headers":{}`) {
		t.Errorf("PUT: %d %s", status, raw)
	}
	status, got, raw = do(RP1, "POST", base+"/"+ch.ChannelID+"/rotate-secret", nil)
	if status != 200 || !strings.HasPrefix(got["secret"].(string), "whsec_") || got["secret"] == ch.Secret || got["previousSecretValidUntil"] == nil {
		t.Errorf("rotate-secret: %d %s", status, raw)
	}

	// A delivery to the channel, visible in its list; it is not dead, so it cannot be replayed.
	eq := newContainer(t)
	if _, _, err := n.party(t, SA1).Ingest(bg(), ingestBody("Release", eq, "BL1", "R1", "0100", map[string]any{"releaseTo": ref(RP1)}), ""); err != nil {
		t.Fatal(err)
	}
	var deliveries struct {
		Deliveries []map[string]any `json:"deliveries"`
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		_, _, raw = do(RP1, "GET", base+"/"+ch.ChannelID+"/deliveries", nil)
		json.Unmarshal(raw, &deliveries)
		if len(deliveries.Deliveries) == 2 && deliveries.Deliveries[0]["status"] == "Delivered" && deliveries.Deliveries[1]["status"] == "Delivered" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("deliveries: %s", raw)
		}
	}
	d := deliveries.Deliveries[0]
	if d["equipmentNumber"] != eq || d["attempts"] != float64(1) || !strings.HasPrefix(d["deliveryId"].(string), "msg_") {
		t.Errorf("delivery %v", d)
	}
	if got := hook.received(); len(got) != 2 || got[0].header.Get("X-Api-Key") != "" || got[0].header.Get("webhook-id") == "" {
		t.Errorf("the receiver got %d webhooks, want 2 with a webhook-id and without the header the PUT dropped", len(got))
	}
	if status, _, raw := do(RP1, "POST", base+"/"+ch.ChannelID+"/deliveries/"+d["deliveryId"].(string)+"/replay", nil); status != 409 {
		t.Errorf("replay of a delivered delivery: %d %s", status, raw)
	}
	if status, _, raw := do(RP1, "GET", base+"/"+ch.ChannelID+"/deliveries?status=Sideways", nil); status != 400 {
		t.Errorf("deliveries with a bad status: %d %s", status, raw)
	}

	resp, err := http.Get(n.creds.BaseURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, m := range []string{"portlight_webhook_queue_depth", "portlight_webhook_delivery_latency_seconds_count", `portlight_webhook_attempts_total{outcome="delivered"}`} {
		if !strings.Contains(string(metrics), m) {
			t.Errorf("/metrics lacks %s", m)
		}
	}

	if status, _, raw := do(RP1, "DELETE", base+"/"+ch.ChannelID, nil); status != 204 {
		t.Errorf("DELETE: %d %s", status, raw)
	}
	if status, _, _ := do(RP1, "GET", base+"/"+ch.ChannelID, nil); status != 404 {
		t.Errorf("GET after DELETE: %d", status)
	}
}
