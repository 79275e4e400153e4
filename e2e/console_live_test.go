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

// liveNodes are the two nodes of the cross-node console tests: on PostgreSQL two nodes on one
// database; on SQLite one node is both.
func liveNodes(t *testing.T, extraArgs ...string) (a, b *node) {
	if onPostgres() {
		c := startCluster(t, 2, extraArgs...)
		return c.nodes[0], c.nodes[1]
	}
	a = startNode(t, t.TempDir(), extraArgs...)
	return a, a
}

// consoleBrowser signs the sandbox user of company in to the console of n, and returns the
// browser (it does not follow redirects) with the address of its list page's live stream.
func consoleBrowser(t *testing.T, n *node, company string) (browser *http.Client, live string) {
	t.Helper()
	var username, password string
	for _, p := range n.creds.Parties {
		if p.NxtEntityID == company {
			username, password = p.Username, p.Password
		}
	}
	jar, _ := cookiejar.New(nil)
	browser = &http.Client{Jar: jar}
	resp, err := browser.PostForm(n.creds.BaseURL+"/console/signin", url.Values{"username": {username}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	page := readAll(t, resp)
	if resp.StatusCode != 200 || !strings.Contains(page, `id="list"`) {
		t.Fatalf("sign-in of %s: %d\n%s", username, resp.StatusCode, page)
	}
	m := regexp.MustCompile(`sse-connect="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the list page has no live stream")
	}
	browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return browser, n.creds.BaseURL + html.UnescapeString(m[1])
}

// openLive opens a live stream as htmx-ext-sse does, and returns its events as they arrive (the
// channel closes when the stream ends).
func openLive(t *testing.T, browser *http.Client, live string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, live, nil)
	req.Header.Set("Accept", "text/event-stream")
	stream, err := browser.Do(req)
	if err != nil || stream.StatusCode != 200 {
		t.Fatalf("live stream: %v %v", err, stream)
	}
	events := make(chan string, 100)
	go func() {
		defer stream.Body.Close()
		sc := bufio.NewScanner(stream.Body)
		for sc.Scan() {
			if ev, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				events <- ev
			}
		}
		close(events)
	}()
	return events
}

// awaitEvent waits for event want on events and returns how long it took, failing after within.
func awaitEvent(t *testing.T, events <-chan string, want string, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	deadline := time.After(within)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatalf("the live stream ended before %q", want)
			}
			if ev == want {
				return time.Since(start)
			}
		case <-deadline:
			t.Fatalf("no %q on the live stream within %s", want, within)
		}
	}
}

// TestConsoleLiveAcrossNodes: a console page's live stream on node B tells of a command applied
// through node A (on PostgreSQL, two nodes on one database; on SQLite, one node is
// both). The stream is what htmx-ext-sse listens to: an event "changed-{equipment number}".
func TestConsoleLiveAcrossNodes(t *testing.T) {
	a, b := liveNodes(t)
	browser, live := consoleBrowser(t, b, RP1)
	events := openLive(t, browser, live)
	eq := newContainer(t)
	if _, _, err := a.party(t, SA1).Ingest(bg(), ingestBody("Release", eq, "BL1", "R1", "0100", map[string]any{"releaseTo": ref(RP1)}), ""); err != nil {
		t.Fatal(err)
	}
	// The issue asks for a second; measured ~0.3 s (docs/performance.md): the slack is for a
	// loaded CI machine, not the target.
	took := awaitEvent(t, events, "changed-"+eq, 3*time.Second)
	t.Logf("node B's stream told of node A's release %s after it was applied", took.Round(time.Millisecond))
}

// TestConsoleRevocationAcrossNodes: a user revoked through node A's admin API is signed out of
// the console on node B at once: B's open page is told "signedout" and its stream ends, and B's
// next request goes to the sign-in page.
func TestConsoleRevocationAcrossNodes(t *testing.T) {
	a, b := liveNodes(t, "--admin-token", adminToken)
	browser, live := consoleBrowser(t, b, RP1)
	events := openLive(t, browser, live)
	var username string
	for _, p := range a.creds.Parties {
		if p.NxtEntityID == RP1 {
			username = p.Username
		}
	}
	req, _ := http.NewRequest(http.MethodDelete, a.creds.BaseURL+"/admin/v1/users/"+url.PathEscape(username), nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		t.Fatalf("revoking %s on node A: %d", username, resp.StatusCode)
	}
	// About a second: node B's registry reloads every second, and its streams' sessions are
	// checked every 300 ms (console/live.go). The slack is for a loaded CI machine.
	took := awaitEvent(t, events, "signedout", 3*time.Second)
	t.Logf("node B's stream was signed out %s after node A revoked the user", took.Round(time.Millisecond))
	if _, open := <-events; open {
		t.Error("node B's stream goes on after signedout")
	}
	resp, err = browser.Get(b.creds.BaseURL + "/console/containers")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/console/signin" {
		t.Errorf("node B's next request after the revocation: %d to %q, want 303 to sign in", resp.StatusCode, resp.Header.Get("Location"))
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
