package console

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portlight/portlight/console/i18n"
	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/sandbox"
	"github.com/portlight/portlight/service"
	"github.com/portlight/portlight/store/sqlite"
)

// clock is a settable clock for the console's session expiry.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// fixture is a console over a real SQLite store with the sandbox's companies and users.
type fixture struct {
	srv   *httptest.Server
	creds *sandbox.Credentials
	st    *sqlite.Store
	dir   *identity.Directory
	clock *clock
	svc   *service.Service
	opts  Options
}

// newFixture makes the fixture; configure, when given, sets more of the console's options.
func newFixture(t *testing.T, secure bool, configure ...func(o *Options, st *sqlite.Store, dir *identity.Directory)) *fixture {
	t.Helper()
	ctx := context.Background()
	dataDir := t.TempDir()
	st, err := sqlite.Open(ctx, dataDir+"/portlight.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Now()
	creds, err := sandbox.Seed(ctx, st, dataDir, "http://console.test", now)
	if err != nil {
		t.Fatal(err)
	}
	key, err := identity.NewSigningKey(now)
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := identity.NewTokens("http://console.test", []identity.SigningKey{key}, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := identity.NewDirectory(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(st, dir, tokens, channelManager(st), service.Config{}, time.Now)
	if err := sandbox.SeedContainers(ctx, svc, creds); err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: now}
	opts := Options{SessionKey: []byte(strings.Repeat("k", 32)), Secure: secure, PortLoCode: sandbox.PortLoCode}
	for _, f := range configure {
		f(&opts, st, dir)
	}
	c, err := New(svc, opts, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c.Handler())
	t.Cleanup(srv.Close)
	return &fixture{srv: srv, creds: creds, st: st, dir: dir, clock: clk, svc: svc, opts: opts}
}

// browser is an HTTP client with a cookie jar that does not follow redirects.
func (f *fixture) browser(t *testing.T) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (f *fixture) password(t *testing.T, username string) string {
	for _, p := range f.creds.Parties {
		if p.Username == username {
			return p.Password
		}
	}
	t.Fatalf("no sandbox user %s", username)
	return ""
}

func (f *fixture) signIn(t *testing.T, b *http.Client, username, password string) *http.Response {
	t.Helper()
	resp, err := b.PostForm(f.srv.URL+"/console/signin", url.Values{"username": {username}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// get returns the status of GET path and where it redirects to.
func (f *fixture) get(t *testing.T, b *http.Client, path string) (int, string) {
	t.Helper()
	resp, err := b.Get(f.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

// page returns the status and body of GET path.
func (f *fixture) page(t *testing.T, b *http.Client, path string) (int, string) {
	t.Helper()
	resp, err := b.Get(f.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, string(body)
}

// post sends a form and returns the status, where it redirects to and the body.
func (f *fixture) post(t *testing.T, b *http.Client, path string, form url.Values) (int, string, string) {
	t.Helper()
	resp, err := b.PostForm(f.srv.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

func TestSignInSessionCookie(t *testing.T) {
	f := newFixture(t, false)
	b := f.browser(t)
	if resp := f.signIn(t, b, "agent1", "wrong"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong password: %d, want 401", resp.StatusCode)
	}
	if status, loc := f.get(t, b, "/console/containers"); status != http.StatusSeeOther || loc != "/console/signin" {
		t.Errorf("signed out: %d to %q, want 303 to the sign-in page", status, loc)
	}
	resp := f.signIn(t, b, "agent1", f.password(t, "agent1"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", resp.StatusCode)
	}
	var ck *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == cookieName {
			ck = c
		}
	}
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, not Secure without TLS", ck)
	}
	if status, _ := f.get(t, b, "/console/containers"); status != http.StatusOK {
		t.Errorf("signed in: %d", status)
	}
	// Signing out ends the session.
	if resp, err := b.PostForm(f.srv.URL+"/console/signout", nil); err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-out: %v %v", err, resp)
	}
	if status, _ := f.get(t, b, "/console/containers"); status != http.StatusSeeOther {
		t.Errorf("after sign-out: %d, want 303", status)
	}
}

// TestSessionFixation: a session planted in a browser before its user signs in (the attacker's own,
// valid one, or a forged one) never becomes the user's: signing in sets a new cookie for the user,
// the planted one still names the attacker alone, and a cookie whose payload was changed is refused.
func TestSessionFixation(t *testing.T) {
	f := newFixture(t, false)
	attacker := f.user(t, "forwarder2")
	base, _ := url.Parse(f.srv.URL)
	planted := attacker.Jar.Cookies(base)
	if len(planted) != 1 {
		t.Fatalf("the attacker's browser holds %d cookies, want its session", len(planted))
	}
	victim := f.browser(t)
	victim.Jar.SetCookies(base, planted)
	if resp := f.signIn(t, victim, "agent1", f.password(t, "agent1")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the victim's sign-in: %d", resp.StatusCode)
	}
	now := victim.Jar.Cookies(base)
	if len(now) != 1 || now[0].Value == planted[0].Value {
		t.Fatal("signing in kept the planted session cookie")
	}
	if _, body := f.page(t, victim, "/console/containers"); !strings.Contains(body, "Demo Shipping Agent One") || strings.Contains(body, "Demo Forwarder Two") {
		t.Error("the victim's pages are not the victim's company's")
	}
	if _, body := f.page(t, attacker, "/console/containers"); strings.Contains(body, "Demo Shipping Agent One") {
		t.Error("the attacker's planted session became the victim's")
	}
	// A payload changed by hand (another user named) fails the signature.
	payload, sig, _ := strings.Cut(now[0].Value, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(payload)
	forged := strings.Replace(string(raw), "agent1", "forwarder2", 1)
	forger := f.browser(t)
	forger.Jar.SetCookies(base, []*http.Cookie{{Name: now[0].Name, Value: base64.RawURLEncoding.EncodeToString([]byte(forged)) + "." + sig}})
	if status, loc := f.get(t, forger, "/console/containers"); status != http.StatusSeeOther || loc != "/console/signin" {
		t.Errorf("a forged session: %d to %q, want sent to sign in", status, loc)
	}
}

func TestSecureCookieBehindTLS(t *testing.T) {
	f := newFixture(t, true)
	resp := f.signIn(t, f.browser(t), "agent1", f.password(t, "agent1"))
	for _, c := range resp.Cookies() {
		if c.Name == "__Host-"+cookieName && c.Secure && c.HttpOnly && c.Path == "/" {
			return
		}
	}
	t.Errorf("behind TLS the cookie is __Host-%s, Secure, HttpOnly, Path=/; got %v", cookieName, resp.Cookies())
}

func TestSessionExpiry(t *testing.T) {
	f := newFixture(t, false)
	// Idle: 30 minutes without a request.
	b := f.browser(t)
	f.signIn(t, b, "agent1", f.password(t, "agent1"))
	f.clock.add(29 * time.Minute)
	if status, _ := f.get(t, b, "/console/containers"); status != http.StatusOK {
		t.Fatalf("after 29 idle minutes: %d, want 200", status)
	}
	f.clock.add(29 * time.Minute) // renewed at the last request: still 29 minutes idle
	if status, _ := f.get(t, b, "/console/containers"); status != http.StatusOK {
		t.Fatalf("29 minutes after the last request: %d, want 200", status)
	}
	f.clock.add(31 * time.Minute)
	if status, _ := f.get(t, b, "/console/containers"); status != http.StatusSeeOther {
		t.Errorf("after 31 idle minutes: %d, want 303 to sign in", status)
	}
	// Absolute: 12 hours after sign-in, however active.
	b = f.browser(t)
	f.signIn(t, b, "agent1", f.password(t, "agent1"))
	for range 12*60/20 - 1 {
		f.clock.add(20 * time.Minute)
		if status, _ := f.get(t, b, "/console/containers"); status != http.StatusOK {
			t.Fatalf("active session before 12 h: %d", status)
		}
	}
	f.clock.add(20 * time.Minute)
	if status, _ := f.get(t, b, "/console/containers"); status != http.StatusSeeOther {
		t.Errorf("12 hours after sign-in: %d, want 303 to sign in", status)
	}
}

func TestRevokedUserSignedOutAtOnce(t *testing.T) {
	f := newFixture(t, false)
	b := f.browser(t)
	f.signIn(t, b, "forwarder1", f.password(t, "forwarder1"))
	if status, _ := f.get(t, b, "/console/containers"); status != http.StatusOK {
		t.Fatalf("signed in: %d", status)
	}
	if err := f.st.RevokeUser(context.Background(), "forwarder1", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := f.dir.Reload(context.Background()); err != nil { // what admin's Changed does on the node
		t.Fatal(err)
	}
	if status, loc := f.get(t, b, "/console/containers"); status != http.StatusSeeOther || loc != "/console/signin" {
		t.Errorf("revoked user: %d to %q, want 303 to sign in", status, loc)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	f := newFixture(t, false)
	b := f.browser(t)
	f.signIn(t, b, "agent1", f.password(t, "agent1"))
	f.refusedCrossSite(t, b, "username=agent1", "/console/signin", "/console/release", "/console/signout", "/console/lang")
}

// refusedCrossSite sends form as a cross-site POST to each of paths with b's session and checks
// that the console refuses it (403) before any handler acts.
func (f *fixture) refusedCrossSite(t *testing.T, b *http.Client, form string, paths ...string) {
	t.Helper()
	for _, path := range paths {
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+path, strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err := b.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site POST %s: %d, want 403", path, resp.StatusCode)
		}
	}
}

func TestAssetsCachedForeverAndSmall(t *testing.T) {
	a, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	if a.total > 200<<10 {
		t.Errorf("shipped assets are %d bytes, want well under 200 KB", a.total)
	}
	f := newFixture(t, false)
	for name, u := range a.byName {
		resp, err := http.Get(f.srv.URL + u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") || resp.Header.Get("Content-Type") == "" {
			t.Errorf("%s at %s: %d %q %q", name, u, resp.StatusCode, resp.Header.Get("Cache-Control"), resp.Header.Get("Content-Type"))
		}
	}
	if status, _ := f.get(t, http.DefaultClient, "/console/static/0000000000000000/vendor/htmx.min.js"); status != http.StatusNotFound {
		t.Errorf("a stale checksum: %d, want 404", status)
	}
}

// TestCatalogueComplete: every text key the templates and handlers use is in the catalogue, and
// every text has its Dutch.
func TestCatalogueComplete(t *testing.T) {
	used := map[string]bool{}
	keyRe := regexp.MustCompile(`\.T "([a-zA-Z.]+)"`)
	goRe := regexp.MustCompile(`"((?:signin|list|container|gate|release|error|operator)\.[a-zA-Z.]+)"`)
	for _, dir := range []string{"templates/common", "templates/views"} {
		entries, err := templateFS.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			b, _ := templateFS.ReadFile(dir + "/" + e.Name())
			for _, m := range keyRe.FindAllStringSubmatch(string(b), -1) {
				used[m[1]] = true
			}
		}
	}
	operatorFiles, err := filepath.Glob("operator*.go")
	if err != nil {
		t.Fatal(err)
	}
	operatorFiles = slices.DeleteFunc(operatorFiles, func(f string) bool { return strings.HasSuffix(f, "_test.go") })
	for _, file := range append([]string{"signin.go", "container_list.go", "container_view.go", "container_release.go", "gate_screen.go", "render.go"}, operatorFiles...) {
		b, err := readSource(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goRe.FindAllStringSubmatch(b, -1) {
			used[m[1]] = true
		}
	}
	// Keys the templates build from the domain's values.
	for _, n := range release.LightNames {
		used["light."+string(n)] = true
	}
	for _, c := range []release.Colour{release.Green, release.Yellow, release.Red, release.Orange, release.Grey} {
		used["colour."+string(c)] = true
	}
	for _, s := range append(slices.Clone(listStatuses), release.StatusUnknown) {
		used["status."+s.String()] = true
	}
	for _, a := range release.TerminalActions {
		used["terminal."+a], used["actionName.Terminal"+a] = true, true
	}
	for _, a := range release.PickupActions {
		used["actionName.Pickup"+a] = true
	}
	for _, a := range append(slices.Clone(release.RightActions), release.ActionRelease, release.ActionUpdate, customsStatusAction) {
		used["actionName."+a] = true
	}
	for _, a := range agentActions {
		used["agent."+a], used["actionName."+a] = true, true
	}
	for _, r := range operatorRoles {
		used["operator.role."+string(r)] = true
	}
	for _, h := range []string{release.HopPending, release.HopAccepted, release.HopDeclined, release.HopRevoked} {
		used["hop."+h] = true
	}
	for _, f := range releaseFields[3:] {
		used["field."+f] = true
	}
	for _, v := range []string{release.ValueUnknown, release.ValueOK, release.ValueBlocked, release.ValueNOK, release.ValueExpired,
		release.ValueDischarged, release.ValueReleased, release.ValueSelectedForScan, release.ValueNotReleased,
		release.ValueManualOverwrite, release.ValueTranshipment, release.ValuePortEqualisation, release.ValueFAVV,
		release.ValueDocumentaryControl, release.ValueEmpty, release.ValuePartiallyCleared, release.ValueCleared,
		release.ValueAssigned, release.ValueRevoked, release.ValueGateOutReceived} {
		used["value."+v] = true
	}
	for k := range used {
		if !i18n.Has(k) {
			t.Errorf("text %q is used but not in the catalogue", k)
		}
	}
	if missing := i18n.Missing(i18n.Dutch); len(missing) > 0 {
		slices.Sort(missing)
		t.Errorf("texts without Dutch: %v", missing)
	}
}

// TestDutch: a browser asking for Dutch gets the pages in Dutch, and the language switch sticks.
func TestDutch(t *testing.T) {
	f := newFixture(t, false)
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/console/signin", nil)
	req.Header.Set("Accept-Language", "nl-BE,nl;q=0.9,en;q=0.8")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `lang="nl"`) || !strings.Contains(string(body), "Wachtwoord") {
		t.Errorf("sign-in page for a Dutch browser is not in Dutch")
	}
}

// TestAccessMatrix: a user sees the page of every container in their list, and a user of a
// company with no part in the demo containers (the second forwarder, the barge operator, customs)
// neither sees nor acts on any of them, whatever the action. (A company that was in a release's
// chain of custody and handed it on is a stakeholder by the core's rule and sees its page, but the
// list, selected by indexed columns, does not hold it yet.)
func TestAccessMatrix(t *testing.T) {
	f := newFixture(t, false)
	rowRe := regexp.MustCompile(`data-equipment="([A-Z0-9]+)"`)
	all := map[string]bool{}
	lists := map[string]map[string]bool{}
	for _, p := range f.creds.Parties {
		b := f.browser(t)
		f.signIn(t, b, p.Username, p.Password)
		resp, err := b.Get(f.srv.URL + "/console/containers")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		lists[p.Username] = map[string]bool{}
		for _, m := range rowRe.FindAllStringSubmatch(string(body), -1) {
			lists[p.Username][m[1]], all[m[1]] = true, true
		}
	}
	if len(all) != len(sandbox.Stages)*2 {
		t.Fatalf("the lists hold %d demo containers, want %d", len(all), len(sandbox.Stages)*2)
	}
	for _, outsider := range []string{"forwarder2", "barge2", "customs"} {
		if len(lists[outsider]) > 0 {
			t.Errorf("%s lists %v", outsider, lists[outsider])
		}
	}
	for _, p := range f.creds.Parties {
		b := f.browser(t)
		f.signIn(t, b, p.Username, p.Password)
		for eq := range all {
			status, _ := f.get(t, b, "/console/containers/BEANR/"+eq)
			listed, outsider := lists[p.Username][eq], slices.Contains([]string{"forwarder2", "barge2", "customs"}, p.Username)
			if (listed && status != http.StatusOK) || (outsider && status != http.StatusNotFound) {
				t.Errorf("%s on %s's page: %d (listed: %v)", p.Username, eq, status, listed)
			}
			if !outsider {
				continue
			}
			for _, action := range []string{"release-right", "pickup-right", "terminal-event", "commercial-release"} {
				resp, err := b.PostForm(f.srv.URL+"/console/containers/BEANR/"+eq+"/"+action, url.Values{"releaseId": {"any"}, "action": {"Accept"}})
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusForbidden {
					t.Errorf("%s's %s on %s: %d, want 404 (or 403 for a role that may not)", p.Username, action, eq, resp.StatusCode)
				}
			}
		}
	}
}

// TestAgentBlockUnblock: the shipping agent blocks and unblocks one of its releases from the
// container page, through the service; unblocking what is not blocked shows the platform's refusal.
func TestAgentBlockUnblock(t *testing.T) {
	f := newFixture(t, false)
	b := f.browser(t)
	f.signIn(t, b, "agent1", f.password(t, "agent1"))
	resp, err := b.Get(f.srv.URL + "/console/containers?status=1") // Assigned: still with the agent
	if err != nil {
		t.Fatal(err)
	}
	list, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`data-equipment="([A-Z0-9]+)"`).FindStringSubmatch(string(list))
	if m == nil {
		t.Fatal("agent1 has no release still with it")
	}
	page := "/console/containers/BEANR/" + m[1]
	resp, err = b.Get(f.srv.URL + page)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	id := regexp.MustCompile(`name="releaseId" value="([^"]+)"`).FindStringSubmatch(string(body))
	if id == nil {
		t.Fatalf("no release on %s", page)
	}
	send := func(action string) (int, string, string) {
		resp, err := b.PostForm(f.srv.URL+page+"/commercial-release", url.Values{"releaseId": {id[1]}, "action": {action}, "reason": {"test"}})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Location"), string(body)
	}
	for _, action := range []string{"Block", "Unblock"} {
		if status, loc, _ := send(action); status != http.StatusSeeOther || !strings.HasSuffix(loc, "?done="+action) {
			t.Errorf("%s: %d to %q, want 303 to the page, done", action, status, loc)
		}
	}
	status, _, body2 := send("Unblock")
	if status != http.StatusUnprocessableEntity || !strings.Contains(body2, `class="notvalidated"`) {
		t.Errorf("unblocking what is not blocked: %d, want 422 with the platform's text", status)
	}
	if status, _, _ := send("Launch"); status != http.StatusBadRequest {
		t.Errorf("an unknown action: %d, want 400", status)
	}
}
