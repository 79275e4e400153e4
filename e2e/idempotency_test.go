package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/portlight/portlight/client"
	"github.com/portlight/portlight/store"
)

// answer is one HTTP answer, whole.
type answer struct {
	status   int
	body     string
	replayed bool
}

// sendWithKey sends body (JSON) as p with an Idempotency-Key, or none when key is "".
func sendWithKey(t *testing.T, baseURL string, p *client.Client, method, path, key string, body any) answer {
	t.Helper()
	token, err := p.Token(bg())
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, baseURL+path, bytes.NewReader(raw))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Ocp-Apim-Subscription-Key", p.SubscriptionKey)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, string(b), resp.Header.Get("Idempotent-Replayed") == "true"}
}

// auditCount is how many commands the node applied to container eq.
func auditCount(t *testing.T, n *node, eq string) int {
	t.Helper()
	st := n.openStore(t)
	defer st.Close()
	trail, err := st.AuditTrail(bg(), "", eq)
	if err != nil {
		t.Fatal(err)
	}
	return len(trail)
}

// TestIdempotencyKey: a retry with the same key gets the first answer, byte for byte, and is not
// applied again, also after a restart; another body under the key is a 422; another company's
// key of the same name is its own; two concurrent calls with one key apply once.
func TestIdempotencyKey(t *testing.T) {
	dir := t.TempDir()
	n := startNode(t, dir)
	sa1, sa2 := n.party(t, SA1), n.party(t, SA2)
	eq := newContainer(t)
	ingest := "/ingestion/v1/ingestion/" + sa1.IngestionID
	body := ingestBody("Release", eq, "BL1", "R1", "0100", nil)

	first := sendWithKey(t, n.creds.BaseURL, sa1, "POST", ingest, "release-"+eq, body)
	if first.status != 202 || first.replayed {
		t.Fatalf("first call: %+v", first)
	}
	again := sendWithKey(t, n.creds.BaseURL, sa1, "POST", ingest, "release-"+eq, body)
	if again.status != first.status || again.body != first.body || !again.replayed {
		t.Errorf("retry: %+v, want %+v replayed", again, first)
	}
	if got := auditCount(t, n, eq); got != 1 {
		t.Errorf("%d commands applied, want 1", got)
	}

	// Another body under the same key: refused, nothing applied.
	other := sendWithKey(t, n.creds.BaseURL, sa1, "POST", ingest, "release-"+eq, ingestBody("Block", eq, "BL1", "R1", "0100", nil))
	if other.status != 422 {
		t.Errorf("another body under the key: %+v, want 422", other)
	}
	// Without a key, every call is a call.
	for range 2 {
		if a := sendWithKey(t, n.creds.BaseURL, sa1, "POST", ingest, "", body); a.status != 202 || a.body == first.body {
			t.Errorf("call without a key: %+v", a)
		}
	}
	if got := auditCount(t, n, eq); got != 3 {
		t.Errorf("%d commands applied, want 3 (the release and the two calls without a key)", got)
	}

	// The same key name is another company's own.
	eq2 := newContainer(t)
	mine := sendWithKey(t, n.creds.BaseURL, sa2, "POST", "/ingestion/v1/ingestion/"+sa2.IngestionID, "release-"+eq, ingestBody("Release", eq2, "BL1", "R1", "0100", nil))
	if mine.status != 202 || mine.replayed || mine.body == first.body {
		t.Errorf("another company's key: %+v", mine)
	}

	// Errors are answers too: a refused call answers the same again.
	bad := sendWithKey(t, n.creds.BaseURL, sa1, "POST", ingest, "bad-"+eq, map[string]any{"actionType": "Unload"})
	badAgain := sendWithKey(t, n.creds.BaseURL, sa1, "POST", ingest, "bad-"+eq, map[string]any{"actionType": "Unload"})
	if bad.status != 400 || badAgain.status != 400 || badAgain.body != bad.body || !badAgain.replayed {
		t.Errorf("a 400 and its retry: %+v, %+v", bad, badAgain)
	}
	// A key that is no key.
	if a := sendWithKey(t, n.creds.BaseURL, sa1, "POST", ingest, string(bytes.Repeat([]byte("k"), 256)), body); a.status != 400 {
		t.Errorf("a 256-character key: %+v", a)
	}

	// Two calls at once with one key: applied once, both answered the same.
	eq3 := newContainer(t)
	body3 := ingestBody("Release", eq3, "BL1", "R1", "0100", nil)
	var wg sync.WaitGroup
	answers := make([]answer, 4)
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = sendWithKey(t, n.creds.BaseURL, sa1, "POST", ingest, "race-"+eq3, body3)
		}()
	}
	wg.Wait()
	for _, a := range answers {
		if a.status != 202 || a.body != answers[0].body {
			t.Errorf("concurrent calls with one key: %+v", answers)
			break
		}
	}
	if got := auditCount(t, n, eq3); got != 1 {
		t.Errorf("concurrent calls with one key: %d commands applied, want 1", got)
	}

	// A new channel's answer (its signing secret, shown once) is replayed whole, and kept sealed.
	hook := map[string]any{"name": "idempotent", "url": "http://127.0.0.1:9/hook"}
	channels := "/certified-pickup/v1/notification-channels"
	created := sendWithKey(t, n.creds.BaseURL, sa1, "POST", channels, "channel-"+eq, hook)
	createdAgain := sendWithKey(t, n.creds.BaseURL, sa1, "POST", channels, "channel-"+eq, hook)
	var ch struct{ Secret string }
	if err := json.Unmarshal([]byte(created.body), &ch); err != nil || created.status != 201 || ch.Secret == "" {
		t.Fatalf("create a channel: %+v", created)
	}
	if createdAgain.status != 201 || createdAgain.body != created.body {
		t.Errorf("a channel's retry: %+v, want %+v", createdAgain, created)
	}
	st := n.openStore(t)
	kept, _, err := st.ClaimIdempotencyKey(bg(), store.IdempotentCall{CompanyID: SA1, Key: "channel-" + eq, Fingerprint: "look",
		PublicReferenceID: "look", CreatedAt: time.Now(), LeasedUntil: time.Now()})
	st.Close()
	if err != nil || kept.Status != 201 || bytes.Contains(kept.Body, []byte(ch.Secret)) {
		t.Errorf("the kept answer of a new channel: status %d, holds the secret in clear: %v (%v)", kept.Status, bytes.Contains(kept.Body, []byte(ch.Secret)), err)
	}

	// The key outlives the node.
	n.stop(t)
	n = startNode(t, dir)
	sa1 = n.party(t, SA1) // the address, and so the tokens' issuer, changed
	afterRestart := sendWithKey(t, n.creds.BaseURL, sa1, "POST", "/ingestion/v1/ingestion/"+sa1.IngestionID, "release-"+eq, body)
	if afterRestart.status != first.status || afterRestart.body != first.body || !afterRestart.replayed {
		t.Errorf("retry after a restart: %+v, want %+v", afterRestart, first)
	}
	if got := auditCount(t, n, eq); got != 3 {
		t.Errorf("after the restart's retry %d commands applied, want 3", got)
	}
}

// TestIdempotencyKeyAcrossNodes: a retry that reaches another node of the same database gets the
// first answer and applies nothing.
func TestIdempotencyKeyAcrossNodes(t *testing.T) {
	if !onPostgres() {
		t.Skip("SKIPPING: several nodes run on PostgreSQL only: set " + envDatabase + "=postgres")
	}
	c := startCluster(t, 2)
	a, b := c.nodes[0], c.nodes[1]
	eq := newContainer(t)
	sa := a.party(t, SA1)
	path := "/ingestion/v1/ingestion/" + sa.IngestionID
	body := ingestBody("Release", eq, "BL1", "R1", "0100", nil)
	first := sendWithKey(t, a.creds.BaseURL, sa, "POST", path, "multi-"+eq, body)
	other := sendWithKey(t, b.creds.BaseURL, b.party(t, SA1), "POST", path, "multi-"+eq, body)
	if first.status != 202 || other.status != 202 || other.body != first.body || !other.replayed {
		t.Errorf("across nodes: %+v then %+v", first, other)
	}
	if got := auditCount(t, a, eq); got != 1 {
		t.Errorf("%d commands applied, want 1", got)
	}
}
