package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestConsoleContainerPage drives one container's page with Chromium: the shipping agent releases
// a container to a haulier and updates it from the page's Update form; the haulier accepts and
// assigns the Pick-up Right by barge, the form showing the barge's fields only once Barge is
// chosen; every light shows who set it; the customs authority reads and sets the container's
// customs status. The pages with the new forms pass axe-core at desktop and phone widths.
func TestConsoleContainerPage(t *testing.T) {
	b := browser(t)
	n := startNode(t, t.TempDir())
	eq := newContainer(t)
	base := n.creds.BaseURL
	page := fmt.Sprintf("%s/console/containers/BEANR/%s", base, eq)

	agent := signIn(t, b, n, SA1)
	haulier := signIn(t, b, n, TR1)
	customs := signIn(t, b, n, CU)

	agent.open(base+"/console/release", `document.getElementById("equipmentNumber")`)
	agent.do(chromedp.SendKeys(chromedp.ID("equipmentNumber"), eq),
		chromedp.SendKeys(chromedp.ID("releaseIdentification"), "REL-"+eq),
		chromedp.SendKeys(chromedp.ID("terminalCode"), "0100"),
		chromedp.SendKeys(chromedp.ID("billOfLadingNumbers"), "BL-"+eq),
		choose("releaseTo", TR1))
	agent.act(`form[action="/console/release"] button[type=submit]`, "the release", done("Release"))

	// The Update form, filled in with the release's values, changes the vessel.
	agent.do(chromedp.Click(chromedp.CSS(`details.update-release summary`)))
	vessel := eval[string](agent, `document.querySelector('details.update-release input[name=vesselName]').id`)
	if got := eval[string](agent, `document.querySelector('details.update-release input[name=terminalCode]').value`); got != "0100" {
		t.Errorf("the Update form's terminal reads %q, want the release's 0100", got)
	}
	agent.do(chromedp.SendKeys(chromedp.ID(vessel), "MSC Update"))
	agent.act(`details.update-release button[type=submit]`, "the update", done("Update"))
	if got := agent.text("article"); !strings.Contains(got, "MSC Update") {
		t.Errorf("the updated release does not show its vessel: %q", got)
	}

	// The haulier accepts and assigns the Pick-up Right by barge.
	haulier.open(page, `document.querySelector('button[value="Accept"]')`)
	haulier.act(`button[value="Accept"]`, "the haulier's accept", done("Accept"))
	shown := func(means string) bool {
		return eval[bool](haulier, fmt.Sprintf(`getComputedStyle(document.querySelector('form.pickup .means-%s')).display !== 'none'`, means))
	}
	if !shown("Truck") || shown("Barge") || shown("Rail") {
		t.Errorf("before a choice the form shows truck %v, barge %v, rail %v: want the truck's fields only", shown("Truck"), shown("Barge"), shown("Rail"))
	}
	haulier.do(chromedp.Click(chromedp.CSS(`form.pickup input[name=type][value=Barge]`)))
	if shown("Truck") || !shown("Barge") {
		t.Errorf("with Barge chosen the form shows truck %v, barge %v", shown("Truck"), shown("Barge"))
	}
	haulier.do(chromedp.SendKeys(chromedp.CSS(`form.pickup input[name=bargeName]`), "Rhine Star"),
		chromedp.SendKeys(chromedp.CSS(`form.pickup input[name=eniNumber]`), "02312345"))
	haulier.act(`form.pickup button[value="Assign"]`, "the pick-up by barge", done("PickupAssign"))
	if got := haulier.text("article"); !strings.Contains(got, "Barge Rhine Star 02312345") || !strings.Contains(got, "Demo Haulier One") {
		t.Errorf("the haulier's page does not show the barge: %q", got)
	}
	if eval[bool](haulier, `!!document.querySelector('button[value="Transfer"]')`) {
		t.Error("a transfer is offered with the Pick-up Right assigned")
	}
	shoot(t, haulier, "container-pickup-barge")

	// The customs authority looks the container up and sets its status.
	customs.open(base+"/console/customs", `document.getElementById("customs-eq")`)
	customs.do(chromedp.SendKeys(chromedp.ID("customs-eq"), eq))
	customs.act(`form[role=search] button`, "the customs page", `document.getElementById("customs-status-value")`)
	customs.do(choose("customs-status-value", "RELEASED"))
	customs.act(`form[action^="/console/customs/"] button[type=submit]`, "the customs status", done("CustomsStatus"))
	if got := customs.text("main"); !strings.Contains(got, "Customs: released") {
		t.Errorf("the customs page does not show the status: %q", got)
	}
	shoot(t, customs, "customs")

	// Each light's history names who set it.
	haulier.open(page, `document.querySelector("article")`)
	eval[chromedp.Void](haulier, `document.querySelectorAll('details.light-history').forEach(d => d.open = true); undefined`)
	if got := haulier.text("article"); !strings.Contains(got, "Demo Customs Authority") || !strings.Contains(got, "Demo Shipping Agent One") {
		t.Errorf("the lights' history does not name who set them: %q", got)
	}
	shoot(t, haulier, "container-light-history")

	for _, p := range []struct {
		u    *consoleUser
		path string
		open string
	}{
		{agent, page, `details.update-release`},
		{haulier, page, `details.light-history`},
		{customs, fmt.Sprintf("/console/customs/BEANR/%s", eq), ""},
	} {
		url := p.path
		if !strings.HasPrefix(url, "http") {
			url = base + url
		}
		var prepare func()
		if p.open != "" {
			prepare = func() {
				eval[chromedp.Void](p.u, fmt.Sprintf(`document.querySelectorAll(%q).forEach(d => d.open = true); undefined`, p.open))
			}
		}
		checkAxeAtWidths(t, p.u, url, p.path, prepare)
	}
}
