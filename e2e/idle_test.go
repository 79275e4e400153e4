package e2e

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// waitIdle waits until the dispatcher has nothing left to send: no committed notification waits
// to become deliveries and no delivery waits for an attempt, as the node's /metrics reports from
// the outbox (portlight_webhook_undispatched_notifications and portlight_webhook_queue_depth,
// retries included; a delivery stays pending until its outcome is recorded). Only then may a
// test conclude that nothing more will arrive: a fixed sleep passes falsely when the dispatcher
// is slower than the sleep, which is exactly when an extra delivery would show.
func waitIdle(t *testing.T, n *node, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		undispatched, pending, err := outboxDepth(n)
		if err == nil && undispatched == 0 && pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the dispatcher is not idle after %s: %d undispatched notifications, %d pending deliveries (%v)", timeout, undispatched, pending, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// outboxDepth reads the outbox gauges from the node's /metrics.
func outboxDepth(n *node) (undispatched, pending int, err error) {
	resp, err := http.Get(n.creds.BaseURL + "/metrics")
	if err != nil {
		return -1, -1, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return -1, -1, err
	}
	undispatched, pending = -1, -1
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		v, perr := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if perr != nil {
			continue
		}
		switch name {
		case "portlight_webhook_undispatched_notifications":
			undispatched = int(v)
		case "portlight_webhook_queue_depth":
			pending = int(v)
		}
	}
	if undispatched < 0 || pending < 0 {
		return undispatched, pending, errMissingGauges
	}
	return undispatched, pending, nil
}

var errMissingGauges = errors.New("/metrics lacks the outbox gauges")
