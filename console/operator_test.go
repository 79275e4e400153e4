package console

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/portlight/portlight/admin"
	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/store/sqlite"
)

const testOperatorToken = "the-port-operators-token-0123456789"

// newOperatorFixture is the console fixture with the operator's pages on: the token, and the
// registry's administration that reloads the node's registry after each change, as server does.
func newOperatorFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixture(t, false, func(o *Options, st *sqlite.Store, dir *identity.Directory) {
		o.OperatorToken = testOperatorToken
		o.Admin = admin.New(st, time.Now, func(ctx context.Context) { _ = dir.Reload(ctx) }, nil)
	})
}

// operator returns a browser signed in as the port operator.
func (f *fixture) operator(t *testing.T) *http.Client {
	t.Helper()
	b := f.browser(t)
	if status, loc, _ := f.post(t, b, "/console/operator/signin", url.Values{"token": {testOperatorToken}}); status != http.StatusSeeOther || loc != "/console/operator/companies" {
		t.Fatalf("operator sign-in: %d to %q", status, loc)
	}
	return b
}

var shownSecretRe = regexp.MustCompile(`<code class="secret">([^<]+)</code>`)

// secretOf returns the secret an answer shows once (fails when it shows none, or more than one).
func secretOf(t *testing.T, body string) string {
	t.Helper()
	m := shownSecretRe.FindAllStringSubmatch(body, -1)
	if len(m) != 1 {
		t.Fatalf("the answer shows %d secrets, want 1:\n%s", len(m), body)
	}
	return html.UnescapeString(m[0][1])
}

// refusal returns admin's text an answer shows in place ("" when none).
func refusal(body string) string {
	m := regexp.MustCompile(`<p class="admin-error">([^<]*)</p>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// The operator's POST routes, with a form each would take.
var operatorPosts = []string{
	"/console/operator/companies",
	"/console/operator/companies/NXT100000000001/ingestion-id",
	"/console/operator/companies/NXT100000000001/users",
	"/console/operator/companies/NXT100000000001/users/revoke",
	"/console/operator/companies/NXT100000000001/clients",
	"/console/operator/companies/NXT100000000001/clients/revoke",
	"/console/operator/companies/NXT100000000001/subscription-keys",
	"/console/operator/companies/NXT100000000001/subscription-keys/revoke",
	"/console/operator/terminals",
	"/console/operator/terminals/delete",
}

var operatorGets = []string{"/console/operator/", "/console/operator/companies", "/console/operator/companies/NXT100000000001", "/console/operator/terminals"}

func TestOperatorPagesOffWithoutToken(t *testing.T) {
	f := newFixture(t, false)
	b := f.browser(t)
	f.signIn(t, b, "agent1", f.password(t, "agent1"))
	for _, path := range append([]string{"/console/operator/signin"}, operatorGets...) {
		if status, _ := f.get(t, b, path); status != http.StatusNotFound {
			t.Errorf("GET %s without an operator token: %d, want 404", path, status)
		}
	}
	for _, path := range append([]string{"/console/operator/signin"}, operatorPosts...) {
		if status, _, _ := f.post(t, b, path, url.Values{"token": {""}, "username": {"x"}}); status != http.StatusNotFound {
			t.Errorf("POST %s without an operator token: %d, want 404", path, status)
		}
	}
}

func TestOperatorSignIn(t *testing.T) {
	f := newOperatorFixture(t)
	b := f.browser(t)
	if status, loc := f.get(t, b, "/console/operator/companies"); status != http.StatusSeeOther || loc != "/console/operator/signin" {
		t.Errorf("signed out: %d to %q, want 303 to the operator's sign-in", status, loc)
	}
	status, _, body := f.post(t, b, "/console/operator/signin", url.Values{"token": {"not-the-token-at-all-0123456789"}})
	if status != http.StatusUnauthorized || !strings.Contains(body, "Wrong operator token.") {
		t.Errorf("wrong token: %d, want 401 with the text", status)
	}
	if status, _ := f.get(t, b, "/console/operator/companies"); status != http.StatusSeeOther {
		t.Errorf("after a wrong token: %d, want 303 (no session)", status)
	}
	b = f.operator(t)
	status, body = f.page(t, b, "/console/operator/companies")
	if status != http.StatusOK || !strings.Contains(body, `data-company="NXT100000000001"`) || !strings.Contains(body, "Port operator") ||
		!strings.Contains(body, `href="/console/operator/terminals"`) || strings.Contains(body, `href="/console/containers"`) {
		t.Errorf("the operator's companies page: %d, want the companies and the operator's menu", status)
	}
	// The operator is no company user: the company pages send it to its own.
	if status, loc := f.get(t, b, "/console/containers"); status != http.StatusSeeOther || loc != "/console/operator/" {
		t.Errorf("the operator on My containers: %d to %q, want 303 to the operator's pages", status, loc)
	}
	if status, loc := f.get(t, b, "/console/operator/companies"); status != http.StatusOK {
		t.Errorf("after visiting a company page: %d to %q, want the session kept", status, loc)
	}
	// Sign-out ends it, back to the operator's sign-in.
	if status, loc, _ := f.post(t, b, "/console/signout", nil); status != http.StatusSeeOther || loc != "/console/operator/signin" {
		t.Errorf("sign-out: %d to %q", status, loc)
	}
	if status, _ := f.get(t, b, "/console/operator/companies"); status != http.StatusSeeOther {
		t.Errorf("after sign-out: %d, want 303", status)
	}
}

// TestOperatorSessionEnds: the operator's session expires like a user's, and a new token ends
// the sessions of the old one.
func TestOperatorSessionEnds(t *testing.T) {
	f := newOperatorFixture(t)
	b := f.operator(t)
	f.clock.add(31 * time.Minute)
	if status, _ := f.get(t, b, "/console/operator/companies"); status != http.StatusSeeOther {
		t.Errorf("after 31 idle minutes: %d, want 303 to sign in", status)
	}
	b = f.operator(t)
	opts := f.opts
	opts.OperatorToken = "a-new-token-for-the-port-operator-9876"
	c2, err := New(f.svc, opts, f.clock.now)
	if err != nil {
		t.Fatal(err)
	}
	srv2 := httptest.NewServer(c2.Handler())
	defer srv2.Close()
	resp, err := b.Get(srv2.URL + "/console/operator/companies")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/console/operator/signin" {
		t.Errorf("the old token's session on a node with a new token: %d, want 303 to sign in", resp.StatusCode)
	}
}

// TestOperatorTokenThrottled: wrong tokens from one address are throttled by the service's guard,
// as the admin API's are; while locked even the right token is refused.
func TestOperatorTokenThrottled(t *testing.T) {
	f := newOperatorFixture(t)
	b := f.browser(t)
	var status int
	var body string
	// Free failures pass; the next locks the address, and the one after is refused for the lock.
	for range identity.AddressBackoff.Free + 2 {
		status, _, body = f.post(t, b, "/console/operator/signin", url.Values{"token": {"guess-guess-guess-guess-guess"}})
	}
	if status != http.StatusTooManyRequests || !strings.Contains(body, "Too many failed sign-ins") {
		t.Errorf("after %d wrong tokens: %d, want 429 with the text", identity.AddressBackoff.Free+2, status)
	}
	if status, _, _ := f.post(t, b, "/console/operator/signin", url.Values{"token": {testOperatorToken}}); status != http.StatusTooManyRequests {
		t.Errorf("the right token while locked: %d, want 429", status)
	}
}

// TestOperatorPagesRefuseCompanyUsers: a company user's session reaches no operator page and
// changes nothing there.
func TestOperatorPagesRefuseCompanyUsers(t *testing.T) {
	f := newOperatorFixture(t)
	ctx := context.Background()
	before, _ := f.opts.Admin.Users(ctx, "")
	for _, p := range f.creds.Parties {
		b := f.browser(t)
		f.signIn(t, b, p.Username, p.Password)
		for _, path := range operatorGets {
			if status, loc := f.get(t, b, path); status != http.StatusSeeOther || loc != "/console/operator/signin" {
				t.Errorf("%s GET %s: %d to %q, want 303 to the operator's sign-in", p.Username, path, status, loc)
			}
		}
		for _, path := range operatorPosts {
			if status, loc, _ := f.post(t, b, path, url.Values{"nxtEntityId": {"NXT999"}, "name": {"x"}, "roles": {"Customs"},
				"username": {p.Username + "-evil"}}); status != http.StatusSeeOther || loc != "/console/operator/signin" {
				t.Errorf("%s POST %s: %d to %q, want 303 to the operator's sign-in", p.Username, path, status, loc)
			}
		}
		// The user is still signed in to their own pages.
		if status, _ := f.get(t, b, "/console/containers"); status != http.StatusOK {
			t.Errorf("%s after trying the operator's pages: %d", p.Username, status)
		}
	}
	after, _ := f.opts.Admin.Users(ctx, "")
	if cos, _ := f.opts.Admin.Companies(ctx); len(after) != len(before) || len(cos) != len(f.creds.Parties) {
		t.Errorf("company users changed the registry: %d users (was %d), %d companies", len(after), len(before), len(cos))
	}
}

func TestOperatorCrossSitePostRefused(t *testing.T) {
	f := newOperatorFixture(t)
	b := f.operator(t)
	f.refusedCrossSite(t, b, "username=evil&name=evil&token="+testOperatorToken, append([]string{"/console/operator/signin"}, operatorPosts...)...)
	if us, _ := f.opts.Admin.Users(context.Background(), "NXT100000000001"); len(us) != 1 {
		t.Errorf("agent one has %d users after cross-site posts, want its 1", len(us))
	}
}

// TestOperatorUsers: a user made with no password gets one shown once, signs in with it, and is
// signed out at once when revoked; the list never shows a password; admin's refusals are shown in
// place with its text.
func TestOperatorUsers(t *testing.T) {
	f := newOperatorFixture(t)
	op := f.operator(t)
	const page = "/console/operator/companies/NXT300000000001"
	status, _, body := f.post(t, op, page+"/users", url.Values{"username": {"dispatcher7"}})
	if status != http.StatusOK || !strings.Contains(body, "User dispatcher7 created.") {
		t.Fatalf("create a user: %d\n%s", status, body)
	}
	password := secretOf(t, body)
	if _, list := f.page(t, op, page); !strings.Contains(list, `data-user="dispatcher7"`) || strings.Contains(list, password) || shownSecretRe.MatchString(list) {
		t.Errorf("the users list: want dispatcher7 listed and no password shown")
	}
	// A password the operator chose is not shown back.
	if status, _, body := f.post(t, op, page+"/users", url.Values{"username": {"clerk8"}, "password": {"a-chosen-password-1"}}); status != http.StatusOK ||
		shownSecretRe.MatchString(body) || strings.Contains(body, "a-chosen-password-1") || !strings.Contains(body, "User clerk8 created.") {
		t.Errorf("a user with a chosen password: %d, want made, nothing shown", status)
	}
	// admin's refusals, in place.
	if status, _, body := f.post(t, op, page+"/users", url.Values{"username": {"shorty"}, "password": {"short"}}); status != http.StatusBadRequest ||
		refusal(body) != "a password has at least 12 characters" || !strings.Contains(body, `value="shorty"`) {
		t.Errorf("a short password: %d %q, want 400 with admin's text, the username kept", status, refusal(body))
	}
	if status, _, body := f.post(t, op, page+"/users", url.Values{"username": {"dispatcher7"}}); status != http.StatusConflict || refusal(body) == "" {
		t.Errorf("the same username again: %d %q, want 409 with admin's text", status, refusal(body))
	}
	if status, _, body := f.post(t, op, "/console/operator/companies/NXT-NOPE/users", url.Values{"username": {"ghost"}}); status != http.StatusNotFound ||
		!strings.Contains(body, "not found") {
		t.Errorf("a user of no company: %d, want 404", status)
	}

	// The new user signs in with the password shown.
	user := f.browser(t)
	if resp := f.signIn(t, user, "dispatcher7", password); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the new user's sign-in: %d", resp.StatusCode)
	}
	if status, _ := f.get(t, user, "/console/containers"); status != http.StatusOK {
		t.Fatalf("the new user's list: %d", status)
	}
	// Revoked, the open session ends at once.
	if status, loc, _ := f.post(t, op, page+"/users/revoke", url.Values{"username": {"dispatcher7"}}); status != http.StatusSeeOther || loc != page {
		t.Errorf("revoke: %d to %q, want 303 to the company's page", status, loc)
	}
	if status, loc := f.get(t, user, "/console/containers"); status != http.StatusSeeOther || loc != "/console/signin" {
		t.Errorf("the revoked user's session: %d to %q, want 303 to sign in", status, loc)
	}
	if _, list := f.page(t, op, page); !regexp.MustCompile(`(?s)data-user="dispatcher7">.*?Revoked .*?</tr>`).MatchString(list) {
		t.Errorf("the list does not show dispatcher7 revoked")
	}
	if status, _, body := f.post(t, op, page+"/users/revoke", url.Values{"username": {"nobody-at-all"}}); status != http.StatusNotFound || refusal(body) == "" {
		t.Errorf("revoke an unknown user: %d %q, want 404 with admin's text", status, refusal(body))
	}
}

// TestOperatorClientsAndKeys: a client secret and a subscription key are shown once, work, are
// never listed, and stop when revoked.
func TestOperatorClientsAndKeys(t *testing.T) {
	f := newOperatorFixture(t)
	op := f.operator(t)
	ctx := context.Background()
	const page = "/console/operator/companies/NXT400000000001"

	status, _, body := f.post(t, op, page+"/clients", url.Values{"name": {"TMS link"}})
	if status != http.StatusOK {
		t.Fatalf("create a client: %d\n%s", status, body)
	}
	secret := secretOf(t, body)
	clientID := regexp.MustCompile(`Client application (client-[0-9a-f-]+) created\.`).FindStringSubmatch(body)
	if clientID == nil {
		t.Fatalf("the answer does not name the client:\n%s", body)
	}
	if _, err := f.svc.ClientCredentialsToken(ctx, clientID[1], secret, "192.0.2.1"); err != nil {
		t.Errorf("the secret shown does not get a token: %v", err)
	}
	status, _, body = f.post(t, op, page+"/subscription-keys", url.Values{"name": {"TMS key"}})
	if status != http.StatusOK {
		t.Fatalf("create a key: %d\n%s", status, body)
	}
	key := secretOf(t, body)
	keys, _ := f.opts.Admin.SubscriptionKeys(ctx, "NXT400000000001")
	var keyID string
	for _, k := range keys {
		if k.KeyHash == identity.HashSecret(key) {
			keyID = k.KeyID
		}
	}
	if keyID == "" || !strings.Contains(body, "Subscription key "+keyID+" created.") {
		t.Fatalf("the key shown is not the key made (%q)", keyID)
	}
	_, list := f.page(t, op, page)
	if strings.Contains(list, secret) || strings.Contains(list, key) || shownSecretRe.MatchString(list) ||
		!strings.Contains(list, `data-client="`+clientID[1]+`"`) || !strings.Contains(list, `data-key="`+keyID+`"`) {
		t.Errorf("the company's page: want the client and the key listed, no secret shown")
	}

	if status, loc, _ := f.post(t, op, page+"/clients/revoke", url.Values{"clientId": {clientID[1]}}); status != http.StatusSeeOther || loc != page {
		t.Errorf("revoke the client: %d to %q", status, loc)
	}
	if _, err := f.svc.ClientCredentialsToken(ctx, clientID[1], secret, "192.0.2.1"); err == nil {
		t.Error("a revoked client still gets a token")
	}
	if status, loc, _ := f.post(t, op, page+"/subscription-keys/revoke", url.Values{"keyId": {keyID}}); status != http.StatusSeeOther || loc != page {
		t.Errorf("revoke the key: %d to %q", status, loc)
	}
	keys, _ = f.opts.Admin.SubscriptionKeys(ctx, "NXT400000000001")
	for _, k := range keys {
		if k.KeyID == keyID && k.RevokedAt == nil {
			t.Error("the key is not revoked")
		}
	}
	if status, _, body := f.post(t, op, page+"/subscription-keys/revoke", url.Values{"keyId": {"0000000000000000"}}); status != http.StatusNotFound ||
		!strings.Contains(refusal(body), "not found") {
		t.Errorf("revoke an unknown key: %d %q, want 404 with admin's text", status, refusal(body))
	}
}

// TestOperatorCompaniesAndTerminals: a new company's ingestion id is shown once, a replaced
// company keeps what the form does not hold, a rotated id replaces the old; terminals are made
// and deleted; admin's refusals are shown in place.
func TestOperatorCompaniesAndTerminals(t *testing.T) {
	f := newOperatorFixture(t)
	op := f.operator(t)
	ctx := context.Background()
	const list = "/console/operator/companies"

	status, _, body := f.post(t, op, list, url.Values{"nxtEntityId": {"NXT900000000001"}, "name": {"New Terminal"}, "roles": {"TerminalOperator", "Customs"}})
	if status != http.StatusOK || !strings.Contains(body, "Company NXT900000000001 saved.") {
		t.Fatalf("create a company: %d\n%s", status, body)
	}
	ingestion := secretOf(t, body)
	co, err := f.opts.Admin.Company(ctx, "NXT900000000001")
	if err != nil || co.IngestionID != identity.HashIngestionID(ingestion) || len(co.Roles) != 2 {
		t.Fatalf("the company stored: %+v %v, want the ingestion id shown and two roles", co, err)
	}
	if _, page := f.page(t, op, list); !strings.Contains(page, `data-company="NXT900000000001"`) || strings.Contains(page, ingestion) || shownSecretRe.MatchString(page) {
		t.Error("the companies list: want the new company, no ingestion id")
	}

	// Replace a sandbox company's name: its identifiers and ingestion id stay, nothing is shown.
	old, _ := f.opts.Admin.Company(ctx, "NXT100000000001")
	status, _, body = f.post(t, op, list, url.Values{"nxtEntityId": {"NXT100000000001"}, "name": {"Renamed Agent"}, "roles": {"ShippingAgent"}})
	if status != http.StatusOK || shownSecretRe.MatchString(body) {
		t.Errorf("replace a company: %d, want saved with nothing shown", status)
	}
	if co, _ := f.opts.Admin.Company(ctx, "NXT100000000001"); co.Name != "Renamed Agent" || co.Eori != old.Eori || co.IngestionID != old.IngestionID || len(co.Addresses) != 1 {
		t.Errorf("the replaced company: %+v, want the new name and its other details kept", co)
	}
	// admin's refusals, in place, the form kept.
	status, _, body = f.post(t, op, list, url.Values{"nxtEntityId": {"NXT900000000002"}, "name": {"No Roles"}})
	if status != http.StatusBadRequest || refusal(body) != "a company needs at least one role" || !strings.Contains(body, `value="No Roles"`) {
		t.Errorf("a company without roles: %d %q, want 400 with admin's text and the form kept", status, refusal(body))
	}
	if status, _, body := f.post(t, op, list, url.Values{"nxtEntityId": {"NXT900000000002"}, "name": {"x"}, "roles": {"Pirate"}}); status != http.StatusBadRequest ||
		!strings.Contains(refusal(body), `role "Pirate" is not one of`) {
		t.Errorf("an unknown role: %d %q", status, refusal(body))
	}

	// Rotate: a new id shown once, the old one gone.
	status, _, body = f.post(t, op, list+"/NXT900000000001/ingestion-id", nil)
	rotated := secretOf(t, body)
	if co, _ := f.opts.Admin.Company(ctx, "NXT900000000001"); status != http.StatusOK || rotated == ingestion || co.IngestionID != identity.HashIngestionID(rotated) {
		t.Errorf("rotate: %d, want the new id stored and shown", status)
	}

	// Terminals.
	const terminals = "/console/operator/terminals"
	if status, _, body := f.post(t, op, terminals, url.Values{"portLoCode": {"BEANR"}, "terminalCode": {"0900"}, "name": {"New Quay"},
		"operatorNxtEntityId": {"NXT900000000001"}}); status != http.StatusOK || !strings.Contains(body, "Terminal 0900 saved.") ||
		!strings.Contains(body, `data-terminal="BEANR/0900"`) {
		t.Errorf("create a terminal: %d", status)
	}
	if status, _, body := f.post(t, op, terminals, url.Values{"portLoCode": {"BEANR"}, "terminalCode": {"0901"},
		"operatorNxtEntityId": {"NXT300000000001"}}); status != http.StatusBadRequest || refusal(body) != "company NXT300000000001 is not a Terminal Operator" {
		t.Errorf("a terminal of a forwarder: %d %q, want 400 with admin's text", status, refusal(body))
	}
	if status, loc, _ := f.post(t, op, terminals+"/delete", url.Values{"portLoCode": {"BEANR"}, "terminalCode": {"0900"}}); status != http.StatusSeeOther || loc != terminals {
		t.Errorf("delete the terminal: %d to %q", status, loc)
	}
	if _, page := f.page(t, op, terminals); strings.Contains(page, `data-terminal="BEANR/0900"`) || !strings.Contains(page, `data-terminal="BEANR/0100"`) {
		t.Error("the terminals list after the delete: want 0900 gone, the sandbox's still there")
	}
}
