package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestConsoleOperator drives the real binary's operator pages with Chromium: the port operator
// signs in with the sandbox's operator token (sandbox-credentials.json), makes a user of a
// forwarder with a password shown once, the new user signs in, the operator revokes the user, and
// the user's open session ends at its next request. The operator's pages pass axe-core without a
// serious or critical violation at desktop and phone widths.
func TestConsoleOperator(t *testing.T) {
	b := browser(t)
	n := startNode(t, t.TempDir())
	if len(n.creds.OperatorToken) < 24 {
		t.Fatalf("the sandbox wrote no operator token to its credentials file (%q)", n.creds.OperatorToken)
	}
	base := n.creds.BaseURL

	op := newConsoleUser(t, b, n, "the port operator")
	op.open(base+"/console/operator/signin", `document.getElementById("token")`)
	op.do(chromedp.SendKeys(chromedp.ID("token"), n.creds.OperatorToken),
		chromedp.Click(chromedp.CSS(`form[action="/console/operator/signin"] button`)))
	op.until("the operator signed in", `location.pathname === "/console/operator/companies" && !!document.getElementById("companies")`, 20*time.Second)

	// A user of the forwarder, with a password made and shown once.
	companyPage := base + "/console/operator/companies/" + RP1
	op.act(fmt.Sprintf(`a[href="/console/operator/companies/%s"]`, RP1), "the forwarder's page", `document.getElementById("username")`)
	const username = "dispatcher-e2e"
	op.do(chromedp.SendKeys(chromedp.ID("username"), username))
	op.act(`form[action$="/users"] button[type=submit]`, "the new user", `document.querySelector("code.secret")`)
	password := op.text("code.secret")
	if len(password) < 12 {
		t.Fatalf("the password shown is %q", password)
	}
	checkAxe(t, op, "the company page with a secret shown")
	shoot(t, op, "operator-user-created")
	op.open(companyPage, `document.getElementById("users")`)
	if got := op.text("main"); !strings.Contains(got, username) || strings.Contains(got, password) {
		t.Errorf("the users list: want %s listed and its password not shown", username)
	}

	// The new user signs in; the operator revokes them; the open session ends.
	user := signInAs(t, b, n, username, password)
	op.act(fmt.Sprintf(`tr[data-user=%q] button`, username), "the revocation",
		fmt.Sprintf(`(document.querySelector('tr[data-user=%q]')||{innerText:""}).innerText.includes("Revoked")`, username))
	user.open(base+"/console/containers", `true`)
	user.until("the revoked user's session ending", `location.pathname === "/console/signin"`, 10*time.Second)
	op.open(base+"/console/operator/companies", `document.getElementById("companies")`)
	shoot(t, op, "operator-companies")

	// A company user reaches no operator page.
	agent := signIn(t, b, n, SA1)
	agent.open(base+"/console/operator/companies", `true`)
	agent.until("the agent sent to the operator's sign-in", `location.pathname === "/console/operator/signin"`, 10*time.Second)

	// Every operator page passes axe-core at desktop and phone widths.
	for _, p := range []struct {
		u    *consoleUser
		path string
	}{
		{agent, "/console/operator/signin"},
		{op, "/console/operator/companies"},
		{op, "/console/operator/companies/" + RP1},
		{op, "/console/operator/terminals"},
	} {
		checkAxeAtWidths(t, p.u, base+p.path, p.path, nil)
	}
}
