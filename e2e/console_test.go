package e2e

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/portlight/portlight/sandbox"
)

// axeSource is axe-core (npm axe-core, e2e/testdata), injected into every page the
// browser test checks; it is not part of the binary.
//
//go:embed testdata/axe.min.js
var axeSource string

// chromium returns the path of a Chromium the browser test can drive. Without one it skips the
// test, loudly, except under CI=true, where it fails: .ci/run installs Debian's chromium.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium on PATH: the console's browser test cannot run (apt-get install -y chromium)")
	}
	fmt.Fprintln(os.Stderr, "SKIPPING the console browser test: no chromium on PATH (apt-get install -y chromium)")
	t.Skip("no chromium on PATH")
	return ""
}

// browser starts one headless Chromium for the test and returns a context that has it.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// Five users, each in a tab of their own: a tab in the background must not be frozen.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.WindowSize(1280, 900),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// consoleUser is one person signed in to the console in a browser context of their own (their
// own cookies), on one tab.
type consoleUser struct {
	t    *testing.T
	name string
	ctx  context.Context
	base string
}

// signIn opens a new browser context for the sandbox user of company id and signs in.
func signIn(t *testing.T, b context.Context, n *node, id string) *consoleUser {
	t.Helper()
	var party sandbox.Party
	for _, p := range n.creds.Parties {
		if p.NxtEntityID == id {
			party = p
		}
	}
	if party.Username == "" || party.Password == "" {
		t.Fatalf("sandbox party %s has no console user in %s", id, sandbox.CredentialsFile)
	}
	return signInAs(t, b, n, party.Username, party.Password)
}

// signInAs opens a new browser context and signs in as username with password.
func signInAs(t *testing.T, b context.Context, n *node, username, password string) *consoleUser {
	t.Helper()
	u := newConsoleUser(t, b, n, username)
	u.open(u.base+"/console/signin", `document.getElementById("username")`)
	u.do(chromedp.SendKeys(chromedp.ID("username"), username),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`form[action="/console/signin"] button`)))
	u.until("signed in", `location.pathname === "/console/containers" && !!document.getElementById("list")`, 20*time.Second)
	return u
}

// newConsoleUser opens a browser context of its own (its own cookies) for a person named name.
func newConsoleUser(t *testing.T, b context.Context, n *node, name string) *consoleUser {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	u := &consoleUser{t: t, name: name, ctx: ctx, base: n.creds.BaseURL}
	firstRun(t, ctx)
	return u
}

// firstRun makes the tab of a new chromedp context. Its context must be the context itself, not
// one with a timeout: the tab lives as long as the context of the first Run.
func firstRun(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
}

// tab opens another tab in the user's browser context (same cookies).
func (u *consoleUser) tab() *consoleUser {
	ctx, cancel := chromedp.NewContext(u.ctx)
	u.t.Cleanup(cancel)
	tab := &consoleUser{t: u.t, name: u.name + " (second tab)", ctx: ctx, base: u.base}
	firstRun(u.t, ctx)
	return tab
}

func (u *consoleUser) do(steps ...chromedp.Action[chromedp.Void]) {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(u.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		u.t.Fatalf("%s: %v\npage: %s", u.name, err, u.text("main"))
	}
}

// text returns the visible text of the first element sel matches ("" when none).
func (u *consoleUser) text(sel string) string {
	ctx, cancel := context.WithTimeout(u.ctx, 5*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%q)||{}).innerText||""`, sel)))
	return s
}

// until waits until the JavaScript predicate holds, up to within, asking again and again (the
// page may be navigating: a form's answer, a redirect).
func (u *consoleUser) until(what, predicate string, within time.Duration) {
	u.t.Helper()
	deadline := time.Now().Add(within)
	for {
		ctx, cancel := context.WithTimeout(u.ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+predicate+")"))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			u.t.Fatalf("%s: %s did not happen within %s (%v)\npage: %s", u.name, what, within, err, u.text("main"))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// open goes to url and waits until the page holds predicate.
func (u *consoleUser) open(url, predicate string) {
	u.t.Helper()
	u.do(chromedp.Navigate(url))
	u.until("opening "+url, fmt.Sprintf(`document.readyState === "complete" && (%s)`, predicate), 20*time.Second)
}

// act clicks the element sel matches, which sends a form, and waits until the page that answers
// holds predicate.
func (u *consoleUser) act(sel, what, predicate string) {
	u.t.Helper()
	u.do(chromedp.Click(chromedp.CSS(sel)))
	u.until(what, predicate, 20*time.Second)
}

// done is the predicate of the container page after action was done (the redirect that follows a
// done action, with its message).
func done(action string) string {
	return fmt.Sprintf(`location.search.includes("done=%s") && document.querySelector("p.done")`, action)
}

// eval runs a script and returns its value.
func eval[T any](u *consoleUser, script string, opts ...chromedp.EvaluateOption) T {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(u.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](script, opts...))
	if err != nil {
		u.t.Fatalf("%s: %s: %v", u.name, script, err)
	}
	return v
}

// choose sets a select to a value.
func choose(id, value string) chromedp.Action[chromedp.Void] {
	return chromedp.SetValue(chromedp.ID(id), value)
}

// TestConsoleFlow drives the real binary's console with Chromium: a shipping agent releases a
// container to a forwarder, whose open list shows it arrive without a reload; the forwarder
// transfers it to a haulier, who accepts and assigns a truck; the terminal's open gate screen
// turns to allowed by itself; a refused action shows the platform's NotValidated text; a user of
// another company neither sees nor acts on the container. Every page passes axe-core without a
// serious or critical violation at desktop and phone widths. With PORTLIGHT_CONSOLE_SCREENSHOTS=dir
// the pages are saved there as PNG (docs/console holds the last ones).
func TestConsoleFlow(t *testing.T) {
	b := browser(t)
	// The demo containers of every stage are there, as on a first look at a sandbox.
	n := startNode(t, t.TempDir(), "--sandbox-empty=false")
	eq := newContainer(t)
	base := n.creds.BaseURL

	agent := signIn(t, b, n, SA1)
	forwarder := signIn(t, b, n, RP1)
	haulier := signIn(t, b, n, TR1)
	terminal := signIn(t, b, n, TO1)
	other := signIn(t, b, n, RP2)

	// The forwarder's list is open before anything happens (sign-in lands on it); a marker on the
	// page shows it is never reloaded.
	eval[chromedp.Void](forwarder, `window.__notReloaded = true; undefined`)
	waitingBefore := forwarder.text("p.waiting")

	// The shipping agent releases the container to the forwarder.
	agent.open(base+"/console/release", `document.getElementById("equipmentNumber")`)
	agent.do(chromedp.SendKeys(chromedp.ID("equipmentNumber"), eq),
		chromedp.SendKeys(chromedp.ID("releaseIdentification"), "REL-"+eq),
		chromedp.SendKeys(chromedp.ID("terminalCode"), "0100"),
		chromedp.SendKeys(chromedp.ID("billOfLadingNumbers"), "BL-"+eq),
		choose("releaseTo", RP1))
	agent.act(`form[action="/console/release"] button[type=submit]`, "the release", done("Release"))
	shoot(t, agent, "container-agent")

	// It arrives on the forwarder's open page, without a reload.
	forwarder.until("the release arriving in the open list", fmt.Sprintf(`document.querySelector('tr[data-equipment=%q]')`, eq), 5*time.Second)
	if !eval[bool](forwarder, `window.__notReloaded === true`) {
		t.Fatal("the forwarder's list was reloaded to show the release")
	}
	if got := forwarder.text("p.waiting"); got == waitingBefore || !strings.HasPrefix(got, "Waiting for your answer: ") {
		t.Errorf("the forwarder's waiting count reads %q, as before the release (%q)", got, waitingBefore)
	}
	shoot(t, forwarder, "list-forwarder")

	// A refused action shows the platform's NotValidated text in place: the same release again.
	agent.open(base+"/console/release", `document.getElementById("equipmentNumber")`)
	agent.do(chromedp.SendKeys(chromedp.ID("equipmentNumber"), eq),
		chromedp.SendKeys(chromedp.ID("releaseIdentification"), "REL-"+eq),
		chromedp.SendKeys(chromedp.ID("terminalCode"), "0100"),
		chromedp.SendKeys(chromedp.ID("billOfLadingNumbers"), "BL-"+eq))
	agent.act(`form[action="/console/release"] button[type=submit]`, "the refusal", `document.querySelector(".refusal .notvalidated")`)
	if got := agent.text(".refusal .notvalidated"); !strings.Contains(got, "Release Right already found") {
		t.Errorf("refused release shows %q, want the NotValidated text", got)
	}
	shoot(t, agent, "release-refused")

	// The terminal discharges and releases the container and overwrites customs; its gate
	// screen, open, says not allowed: nobody holds a Pick-up Right yet.
	containerPage := fmt.Sprintf("%s/console/containers/BEANR/%s", base, eq)
	terminal.open(containerPage, `document.querySelector("article")`)
	for _, ev := range []string{"Discharge", "Release", "CustomsOverwrite"} {
		terminal.do(choose(terminalEventSelect(terminal), ev))
		terminal.act(`form[action$="/terminal-event"] button`, ev, done("Terminal"+ev))
	}
	gate := terminal.tab()
	gate.open(fmt.Sprintf("%s/console/gate?eq=%s&to=%s", base, eq, TR1), `document.getElementById("gate-verdict")`)
	if eval[bool](gate, `!!document.querySelector('.gate-allowed')`) {
		t.Fatal("the gate allows the container before any Pick-up Right")
	}
	shoot(t, gate, "gate-refused")

	// The forwarder opens the container from its list, accepts it and transfers it to the haulier.
	forwarder.act(fmt.Sprintf(`tr[data-equipment=%q] a`, eq), "the container page", `document.querySelector('button[value="Accept"]')`)
	forwarder.act(`button[value="Accept"]`, "the forwarder's accept", done("Accept"))
	forwarder.do(choose(eval[string](forwarder, `document.querySelector('[name=releaseTo]').id`), TR1))
	forwarder.act(`form[action$="/release-right"] button[type=submit]`, "the transfer", done("Transfer"))
	shoot(t, forwarder, "container-forwarder")

	// The haulier accepts and assigns a truck and driver.
	haulier.open(containerPage, `document.querySelector('button[value="Accept"]')`)
	haulier.act(`button[value="Accept"]`, "the haulier's accept", done("Accept"))
	haulier.do(chromedp.SendKeys(chromedp.CSS(`input[name=licensePlate]`), "1-ABC-123"),
		chromedp.SendKeys(chromedp.CSS(`input[name=driverName]`), "Jan Peeters"))
	haulier.act(`button[value="Assign"]`, "the pick-up assignment", done("PickupAssign"))
	if got := haulier.text("article"); !strings.Contains(got, "1-ABC-123") {
		t.Errorf("the haulier's page does not show the truck: %q", got)
	}
	shoot(t, haulier, "container-haulier")

	// The terminal's open gate screen turns to allowed by itself.
	gate.until("the gate screen turning to allowed", `document.querySelector('.gate-allowed')`, 5*time.Second)
	shoot(t, gate, "gate-allowed")

	// A user of another company never sees nor acts on the container.
	other.open(base+"/console/containers?sort=oldest", `document.getElementById("list")`)
	if eval[bool](other, fmt.Sprintf(`!!document.querySelector('tr[data-equipment=%q]')`, eq)) {
		t.Error("another forwarder sees the container in its list")
	}
	other.open(containerPage, `document.querySelector("main h1")`)
	if got := other.text("main"); strings.Contains(got, "REL-"+eq) || !strings.Contains(got, "is not one of your company's") {
		t.Errorf("another forwarder's container page shows %q", got)
	}
	status := eval[int](other, fmt.Sprintf(`fetch('/console/containers/BEANR/%s/release-right', {method: 'POST',
		body: new URLSearchParams({releaseId: 'x', action: 'Accept'})}).then(r => r.status)`, eq), chromedp.EvalAwaitPromise)
	if status != 404 {
		t.Errorf("another forwarder acting on the container: status %d, want 404", status)
	}

	// Every page passes axe-core at desktop and phone widths.
	for _, p := range []struct {
		u    *consoleUser
		path string
	}{
		{other, "/console/signin"},
		{agent, "/console/containers"},
		{agent, "/console/release"},
		{haulier, fmt.Sprintf("/console/containers/BEANR/%s", eq)},
		{terminal, fmt.Sprintf("/console/gate?eq=%s&to=%s", eq, TR1)},
		{terminal, fmt.Sprintf("/console/containers/BEANR/%s", eq)},
	} {
		checkAxeAtWidths(t, p.u, base+p.path, p.path, nil)
	}
	haulier.do(chromedp.EmulateViewport(390, 844))
	haulier.open(containerPage, `document.querySelector("article")`)
	shoot(t, haulier, "container-haulier-phone")
}

// terminalEventSelect returns the id of the terminal event select on the page.
func terminalEventSelect(u *consoleUser) string {
	return eval[string](u, `document.querySelector('form[action$="/terminal-event"] select').id`)
}

// axe runs axe-core on the page and returns its serious and critical violations.
// viewports are the widths every console page is checked at: a desktop's and a phone's.
var viewports = []struct {
	name string
	w, h int64
}{{"desktop", 1280, 900}, {"phone", 390, 844}}

// checkAxe reports axe-core's serious and critical violations on u's open page.
func checkAxe(t *testing.T, u *consoleUser, what string) {
	t.Helper()
	if v := axe(u); len(v) > 0 {
		t.Errorf("axe-core on %s: %s", what, strings.Join(v, "\n  "))
	}
}

// checkAxeAtWidths opens url as u at each of the viewports (prepare, when given, then runs on the
// page) and checks it with axe-core; the viewport is the desktop's again after.
func checkAxeAtWidths(t *testing.T, u *consoleUser, url, what string, prepare func()) {
	t.Helper()
	for _, vp := range viewports {
		u.do(chromedp.EmulateViewport(vp.w, vp.h))
		u.open(url, `document.querySelector("main")`)
		if prepare != nil {
			prepare()
		}
		checkAxe(t, u, what+" ("+u.name+", "+vp.name+")")
	}
	u.do(chromedp.EmulateViewport(viewports[0].w, viewports[0].h))
}

func axe(u *consoleUser) []string {
	u.t.Helper()
	if !eval[bool](u, `typeof axe !== 'undefined'`) {
		eval[chromedp.Void](u, axeSource+"\n;undefined")
	}
	raw := eval[string](u, `axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify(
		r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
			.map(v => v.impact + ' ' + v.id + ': ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ')).join(', '))))`, chromedp.EvalAwaitPromise)
	var out []string
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		u.t.Fatalf("axe-core answer %q: %v", raw, err)
	}
	return out
}

// shoot saves a screenshot of the page when PORTLIGHT_CONSOLE_SCREENSHOTS names a directory.
func shoot(t *testing.T, u *consoleUser, name string) {
	t.Helper()
	dir := os.Getenv("PORTLIGHT_CONSOLE_SCREENSHOTS")
	if dir == "" {
		return
	}
	ctx, cancel := context.WithTimeout(u.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
