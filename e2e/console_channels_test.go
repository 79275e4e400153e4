package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// TestConsoleChannels drives the real binary's channel pages with Chromium: a forwarder creates a
// notification channel to a receiver of its own (a local server: the sandbox lets webhooks reach
// private addresses), sees the signing secret once, and after a shipping agent releases a
// container to it, sees the delivery in the channel's log; the receiver got it signed with the
// secret the page showed. A bad URL shows the service's text in place. Every channel page passes
// axe-core without a serious or critical violation at desktop and phone widths.
func TestConsoleChannels(t *testing.T) {
	b := browser(t)
	n := startNode(t, t.TempDir())
	base := n.creds.BaseURL
	hook := newHook(t, nil)
	fwd := signIn(t, b, n, RP1)

	// The navigation leads to the channels; the company has none yet.
	fwd.act(`nav a[href="/console/channels"]`, "the channel list", `location.pathname === "/console/channels" && document.querySelector('a[href="/console/channels/new"]')`)
	fwd.act(`a[href="/console/channels/new"]`, "the new channel form", `document.getElementById("url")`)

	// A URL the service refuses: its text in place, the field marked, what was typed kept.
	fwd.do(chromedp.SendKeys(chromedp.ID("name"), "dispatch desk"), chromedp.SendKeys(chromedp.ID("url"), "ftp://hooks.example.com/in"))
	fwd.act(`form[action="/console/channels"] button[type=submit]`, "the refusal", `document.getElementById("url-error")`)
	if got := fwd.text(".refusal .notvalidated"); got != "'url' must use HTTPS." {
		t.Errorf("refused channel shows %q, want the service's text", got)
	}
	if !eval[bool](fwd, `document.getElementById("url").getAttribute("aria-invalid") === "true" && document.getElementById("name").value === "dispatch desk"`) {
		t.Error("the refused field is not marked, or what was typed is lost")
	}
	checkAxe(t, fwd, "the refused channel form")

	// The channel, to the local receiver: the secret is on the answer, once.
	fwd.do(chromedp.SetValue(chromedp.ID("url"), hook.URL+"/in"))
	fwd.act(`form[action="/console/channels"] button[type=submit]`, "the new channel", `document.getElementById("secret")`)
	secret := eval[string](fwd, `document.getElementById("secret").value`)
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("the secret shown is %q", secret)
	}
	checkAxe(t, fwd, "the signing secret")
	shoot(t, fwd, "channel-secret")
	fwd.act(`main a[role=button]`, "the channel's page", `document.getElementById("log-title")`)
	channelPage := eval[string](fwd, `location.href`)
	if strings.Contains(eval[string](fwd, `document.documentElement.outerHTML`), secret) {
		t.Error("the channel's page shows the signing secret again")
	}

	// A release to the forwarder: its notification is delivered to the receiver and shows in the log.
	eq := newContainer(t)
	if _, _, err := n.party(t, SA1).Ingest(bg(), ingestBody("Release", eq, "BL-"+eq, "REL-"+eq, "0100", map[string]any{"releaseTo": ref(RP1)}), ""); err != nil {
		t.Fatal(err)
	}
	row := fmt.Sprintf(`[...document.querySelectorAll("#deliveries tr[data-delivery]")].find(r => r.innerText.includes(%q) && r.innerText.includes("Delivered"))`, eq)
	for deadline := time.Now().Add(20 * time.Second); ; {
		fwd.open(channelPage, `document.getElementById("log-title")`)
		if eval[bool](fwd, "!!"+row) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the delivery of %s never showed as delivered in the log: %s", eq, fwd.text("main"))
		}
		time.Sleep(200 * time.Millisecond)
	}
	if got := eval[string](fwd, row+`.innerText`); !strings.Contains(got, "HTTP 204") {
		t.Errorf("the log's row reads %q, want the receiver's answer", got)
	}
	shoot(t, fwd, "channel-deliveries")
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	got := hook.received()
	if len(got) == 0 {
		t.Fatal("the receiver got nothing")
	}
	for _, d := range got {
		if err := wh.Verify(d.body, d.header); err != nil {
			t.Errorf("a delivery is not signed with the secret the console showed: %v", err)
		}
	}

	// The list shows the channel with its latest delivery.
	fwd.open(base+"/console/channels", `document.getElementById("channels")`)
	if got := fwd.text("#channels tbody tr"); !strings.Contains(got, hook.URL+"/in") || !strings.Contains(got, "Delivering") || !strings.Contains(got, "Delivered") {
		t.Errorf("the list's row reads %q", got)
	}
	shoot(t, fwd, "channels")

	// Every channel page at desktop and phone widths; the secret page after a rotation at the phone's.
	id := strings.TrimPrefix(channelPage, base+"/console/channels/")
	for _, width := range viewports {
		fwd.do(chromedp.EmulateViewport(width.w, width.h))
		for _, path := range []string{"/console/channels", "/console/channels/new", "/console/channels/" + id,
			"/console/channels/" + id + "/edit", "/console/channels/" + id + "/delete"} {
			fwd.open(base+path, `document.querySelector("main h1")`)
			checkAxe(t, fwd, path+" ("+width.name+")")
		}
	}
	fwd.open(base+"/console/channels/"+id, `document.getElementById("log-title")`)
	fwd.act(`form[action$="/rotate-secret"] button`, "the rotation", `document.getElementById("secret")`)
	if rotated := eval[string](fwd, `document.getElementById("secret").value`); rotated == secret || !strings.HasPrefix(rotated, "whsec_") {
		t.Errorf("the rotated secret is %q", rotated)
	}
	checkAxe(t, fwd, "the rotated secret (phone)")
	fwd.do(chromedp.EmulateViewport(1280, 900))
}
