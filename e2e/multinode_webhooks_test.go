package e2e

import (
	"net/http"
	"slices"
	"testing"
	"time"
)

// clusterHooks gives every company a webhook receiver and a notification channel to it, each
// channel created on another node of the cluster. The receivers take 30 ms an answer, so that
// every node has attempts in flight when one is killed.
func clusterHooks(t *testing.T, c *cluster) map[string]*hook {
	t.Helper()
	hooks := map[string]*hook{}
	for i, id := range everyone {
		hooks[id] = newHook(t, func(*http.Request) int { time.Sleep(30 * time.Millisecond); return http.StatusOK })
		createChannel(t, c.nodes[i%len(c.nodes)].party(t, id), map[string]any{"name": "cluster", "url": hooks[id].URL})
	}
	return hooks
}

// checkWebhooksOnce: every notification a company can pull about the containers reaches its
// webhook, once, or more than once with the same webhook-id (a node died between sending it and
// recording that it was delivered; its lease ran out and another node sent it again), never under
// two ids, and in order per container, though three nodes dispatched and delivered, one of them
// killed mid-way.
func checkWebhooksOnce(t *testing.T, c *cluster, hooks map[string]*hook, eqs []string) {
	t.Helper()
	ours := map[string]bool{}
	for _, eq := range eqs {
		ours[eq] = true
	}
	// "Never under two ids" holds only once nothing more can arrive: wait until the outbox the
	// nodes share has nothing undispatched or pending (a dead node's leases run out after
	// --webhook-timeout × 5 + 15 s, then a surviving node sends what it held).
	waitIdle(t, c.nodes[0], 90*time.Second)
	resent, total := 0, 0
	for _, id := range everyone {
		pulled := pullAll(t, c.nodes[0].party(t, id), eqs)
		var arrived []delivered
		// A dead node's leases run out after --webhook-timeout × 5 + 15 s.
		for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(200 * time.Millisecond) {
			arrived = arrived[:0]
			got := map[string]bool{}
			for _, d := range hooks[id].received() {
				if ours[d.env.ID] {
					arrived = append(arrived, d)
					got[string(d.body)] = true
				}
			}
			missing := 0
			for _, m := range pulled {
				if !got[m] {
					missing++
				}
			}
			if missing == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: %d of %d notifications never reached its webhook", id, missing, len(pulled))
			}
		}
		idOf := map[string]string{} // message → webhook-id
		var bodies []string
		for _, d := range arrived {
			m := string(d.body)
			if have, ok := idOf[m]; ok && have != d.id {
				t.Errorf("%s: one notification arrived under webhook-ids %s and %s", id, have, d.id)
			} else if ok {
				resent++
			}
			idOf[m] = d.id
			bodies = append(bodies, m)
		}
		if len(idOf) != len(pulled) {
			t.Errorf("%s: %d distinct notifications arrived, %d are stored for it", id, len(idOf), len(pulled))
		}
		want, got := byContainer(t, pulled), byContainer(t, bodies)
		for eq, ms := range want {
			if !slices.Equal(got[eq], ms) {
				t.Errorf("%s, container %s: the webhooks arrived out of order (%d arrivals for %d notifications)", id, eq, len(got[eq]), len(ms))
			}
		}
		total += len(pulled)
	}
	t.Logf("webhooks: %d notifications reached their companies' receivers from three nodes (one killed), %d sent again with the same webhook-id", total, resent)
}
