package bench

import (
	"context"
	"testing"
	"time"
)

// TestWebhooksBenchmarkRuns runs the webhook latency benchmark for a moment against an in-process
// sandbox: every command's webhook arrives, none twice.
func TestWebhooksBenchmarkRuns(t *testing.T) {
	p := startSandbox(t)
	res, err := Webhooks(context.Background(), p, WebhookOptions{Rate: 200, Duration: 2 * time.Second, Workers: 16, Wait: 10 * time.Second})
	t.Log(res.Commands)
	t.Log(res.Webhooks)
	if err != nil {
		t.Fatal(err)
	}
	if res.Webhooks.Sent < 300 || res.Webhooks.Errors > 0 {
		t.Errorf("%d commands, %d webhooks missing", res.Webhooks.Sent, res.Webhooks.Errors)
	}
	if res.Duplicates > 0 {
		t.Errorf("%d webhooks arrived twice in a calm run", res.Duplicates)
	}
}
