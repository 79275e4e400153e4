package e2e

import (
	"bufio"
	"context"
	"html"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestConsoleLiveAcrossNodes: a console page's live stream on node B tells of a command applied
// through node A (on PostgreSQL, two nodes on one database; on SQLite, one node is
// both). The stream is what htmx-ext-sse listens to: an event "changed-{equipment number}".
func TestConsoleLiveAcrossNodes(t *testing.T) {
	var a, b *node
	if onPostgres() {
		c := startCluster(t, 2)
		a, b = c.nodes[0], c.nodes[1]
	} else {
		a = startNode(t, t.TempDir())
		b = a
	}
	var password string
	for _, p := range b.creds.Parties {
		if p.NxtEntityID == RP1 {
			password = p.Password
		}
	}
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	resp, err := browser.PostForm(b.creds.BaseURL+"/console/signin", url.Values{"username": {"forwarder1"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	page := readAll(t, resp)
	if resp.StatusCode != 200 || !strings.Contains(page, `id="list"`) {
		t.Fatalf("sign-in on node B: %d\n%s", resp.StatusCode, page)
	}
	m := regexp.MustCompile(`sse-connect="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the list page has no live stream")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, b.creds.BaseURL+html.UnescapeString(m[1]), nil)
	req.Header.Set("Accept", "text/event-stream")
	stream, err := browser.Do(req)
	if err != nil || stream.StatusCode != 200 {
		t.Fatalf("live stream: %v %v", err, stream)
	}
	defer stream.Body.Close()
	events := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stream.Body)
		for sc.Scan() {
			if ev, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				events <- ev
			}
		}
		close(events)
	}()

	eq := newContainer(t)
	if _, _, err := a.party(t, SA1).Ingest(bg(), ingestBody("Release", eq, "BL1", "R1", "0100", map[string]any{"releaseTo": ref(RP1)}), ""); err != nil {
		t.Fatal(err)
	}
	applied := time.Now()
	deadline := time.After(3 * time.Second) // the issue asks for a second; measured ~0.3 s (docs/performance.md): the slack is for a loaded CI machine, not the target
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatal("the live stream ended")
			}
			if ev == "changed-"+eq {
				t.Logf("node B's stream told of node A's release %s after it was applied", time.Since(applied).Round(time.Millisecond))
				return
			}
		case <-deadline:
			t.Fatalf("node B's live stream did not tell of node A's release within 3 s")
		}
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	var b strings.Builder
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
	}
	return b.String()
}
