package console

import (
	"bufio"
	"context"
	"html"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/sandbox"
	"github.com/portlight/portlight/service"
)

// stream is an open live stream, its events as they arrive.
type stream struct{ events chan string }

// livePage returns the address of the live stream of b's list page, rendered now.
func (f *fixture) livePage(t *testing.T, b *http.Client) string {
	t.Helper()
	resp, err := b.Get(f.srv.URL + "/console/containers")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`sse-connect="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("the list page has no live stream (%d)", resp.StatusCode)
	}
	return html.UnescapeString(string(m[1]))
}

// open opens the live stream at path for browser b, closed when the test ends.
func (f *fixture) open(t *testing.T, b *http.Client, path string) *stream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.srv.URL+path, nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := b.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("live stream: %v %v", err, resp)
	}
	s := &stream{events: make(chan string, 100)}
	go func() {
		defer resp.Body.Close()
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if ev, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				s.events <- ev
			}
		}
	}()
	return s
}

// wait returns once s sent event want, failing the test after within.
func (s *stream) wait(t *testing.T, want string, within time.Duration) {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				t.Fatalf("the stream ended before %q", want)
			}
			if ev == want {
				return
			}
		case <-deadline:
			t.Fatalf("no %q within %s", want, within)
		}
	}
}

// releaseTo has the demo shipping agent release a new container eq to the demo forwarder.
func (f *fixture) releaseTo(t *testing.T, eq string) {
	t.Helper()
	ctx := context.Background()
	agent, err := f.svc.UserCaller(ctx, "agent1", "")
	if err != nil {
		t.Fatal(err)
	}
	to := release.PartyRef{IdentificationType: string(release.IDNxtEntityID), IdentificationCode: "NXT300000000001"}
	cmd := &release.Ingestion{ActionType: release.ActionRelease, PortLoCode: sandbox.PortLoCode, TerminalCode: "0100",
		Key: release.Key{EquipmentNumber: eq, BillOfLadingNumbers: []string{"LIVEBL"}, ReleaseIdentification: "LIVE-" + eq}, ReleaseTo: to}
	if _, err := f.svc.Execute(ctx, agent, []service.Request{{PortLoCode: sandbox.PortLoCode, EquipmentNumber: eq, Command: cmd}}, nil); err != nil {
		t.Fatal(err)
	}
}

// TestLiveStreamsOfACompany: one command reaches every open stream of the companies it concerns
// (several pages of one company share the node's one poller), and no other company's; a stream
// that joins after the poller passed a command its page did not show catches up on it.
func TestLiveStreamsOfACompany(t *testing.T) {
	f := newFixture(t, false)
	fwd, agent, customs := f.browser(t), f.browser(t), f.browser(t)
	f.signIn(t, fwd, "forwarder1", f.password(t, "forwarder1"))
	f.signIn(t, agent, "agent1", f.password(t, "agent1"))
	f.signIn(t, customs, "customs", f.password(t, "customs"))
	late := f.livePage(t, fwd) // a page rendered now, whose stream opens after the release
	var pages []*stream
	for range 3 {
		pages = append(pages, f.open(t, fwd, f.livePage(t, fwd)))
	}
	agentPage, customsPage := f.open(t, agent, f.livePage(t, agent)), f.open(t, customs, f.livePage(t, customs))

	f.releaseTo(t, "LIVU1234565")
	for _, s := range append(pages, agentPage) {
		s.wait(t, "changed-LIVU1234565", 3*time.Second)
	}
	time.Sleep(2 * DefaultLivePoll) // the poller has passed the release by now
	f.open(t, fwd, late).wait(t, "changed-LIVU1234565", 3*time.Second)
	select {
	case ev := <-customsPage.events:
		t.Errorf("customs, no stakeholder, was told %q", ev)
	case <-time.After(2 * DefaultLivePoll):
	}
}

// TestLiveStreamEndsWhenUserRevoked: a revoked user's open page is told "signedout" and its
// stream ends, without a request of its own.
func TestLiveStreamEndsWhenUserRevoked(t *testing.T) {
	f := newFixture(t, false)
	b := f.browser(t)
	f.signIn(t, b, "forwarder1", f.password(t, "forwarder1"))
	s := f.open(t, b, f.livePage(t, b))
	if err := f.st.RevokeUser(context.Background(), "forwarder1", time.Now()); err != nil {
		t.Fatal(err)
	}
	// No reload of the registry by hand: it reloads by itself within a second, as on a node other
	// than the one that revoked.
	s.wait(t, "signedout", 3*time.Second)
	if _, ok := <-s.events; ok {
		t.Error("the stream goes on after signedout")
	}
}
