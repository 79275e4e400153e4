package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/portlight/portlight/client"
	"github.com/portlight/portlight/identity"
)

const adminToken = "e2e-operator-token-0123456789abcdef"

// call is one request of the access matrix.
type call struct {
	method, path string
	body         any
	keyed        bool                // the route wants Ocp-Apim-Subscription-Key
	want         func(as string) int // the status each sandbox party must get
}

// TestAccessMatrix calls every endpoint as every role, and with no token, an expired token, a token
// signed by another key, a revoked client and a wrong subscription key, and checks each answer.
func TestAccessMatrix(t *testing.T) {
	n := startNode(t, t.TempDir(), "--admin-token", adminToken)
	eq := newContainer(t)
	w := world{t, n}
	w.ingest(SA1, eq, "", ingestBody("Release", eq, "BL1", "R1", "0100", nil))
	cpu := "/certified-pickup/v1/BEANR/containers/"
	any202 := func(string) int { return 202 }
	only := func(ok int, parties ...string) func(string) int {
		return func(as string) int {
			for _, p := range parties {
				if p == as {
					return ok
				}
			}
			return 401
		}
	}
	right := rightBody("Accept", eq, "BL1", "R1", "0100", ref(SA1), ref(RP1))
	calls := []call{
		{"POST", "/ingestion/v1/ingestion/{ingestionId}", ingestBody("Block", eq, "BL1", "R1", "0100", nil), false, only(202, SA1, SA2)},
		{"PUT", cpu + eq + "/import/release-rights", right, true, any202},
		{"PUT", cpu + "import/release-rights", map[string]any{"portLoCode": "BEANR", "actionType": "Accept", "releaseRights": []any{right}}, true, any202},
		{"GET", cpu + "import/release-rights/" + eq + "?billOfLadingNumbers=BL1&releaseIdentification=R1", nil, true, any202},
		{"GET", cpu + "import/release-rights?page=1", nil, true, any202},
		{"POST", cpu + eq + "/import/terminal-events", map[string]any{"actionType": "Discharge", "terminalCode": "0100"}, true, only(202, TO1, TO2)},
		{"POST", cpu + eq + "/import/terminal-events", map[string]any{"actionType": "CustomsOverwrite", "terminalCode": "0100"}, true, only(202, TO1, TO2, SA1, SA2)},
		{"POST", cpu + eq + "/import/pickup-validations", map[string]any{"terminalCode": "0100", "transportOperator": ref(TR1)}, true, only(202, TO1, TO2)},
		{"GET", cpu + eq + "/import/gate-check?terminalCode=0100&transportOperator=" + TR1, nil, true, func(as string) int {
			return map[string]int{TO1: 200, TO2: 403}[as] + map[bool]int{true: 401}[as != TO1 && as != TO2]
		}},
		{"PUT", cpu + eq + "/import/pickup-rights", map[string]any{"actionType": "Revoke", "equipmentNumber": eq, "portLoCode": "BEANR",
			"billOfLadingNumbers": []string{"BL1"}, "releaseIdentification": "R1", "terminalCode": "0100"}, true, only(202, TR1, TR2)},
		{"POST", "/ccrm/v1/BEANR/containers/" + eq + "/customs-status", map[string]any{"status": "SELECTEDFORSCAN"}, false, only(202, CU)},
		{"GET", "/ccrm/v1/BEANR/containers/" + eq, nil, false, func(as string) int {
			if as == SA1 || as == TO1 || as == CU {
				return 200
			}
			return 403
		}},
		// By now every party has been answered something (if only a NotValidated).
		{"GET", "/certified-pickup/v1/notifications?equipmentNumber=" + eq, nil, true, func(string) int { return 200 }},
		{"GET", "/certified-pickup/v1/entities?entityName=demo", nil, true, func(string) int { return 200 }},
		{"GET", "/admin/v1/companies", nil, false, func(string) int { return 401 }},
		{"POST", "/admin/v1/signing-keys", nil, false, func(string) int { return 401 }},
	}

	do := func(method, path, token, key string, body any) (int, string) {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = strings.NewReader(string(b))
		}
		req, _ := http.NewRequest(method, n.creds.BaseURL+path, rd)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if key != "" {
			req.Header.Set("Ocp-Apim-Subscription-Key", key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		return resp.StatusCode, string(b)
	}
	pathFor := func(c call, p *client.Client) string {
		return strings.ReplaceAll(c.path, "{ingestionId}", p.IngestionID)
	}

	// Every role.
	for _, c := range calls {
		for _, id := range everyone {
			p := n.party(t, id)
			token, err := p.Token(bg())
			if err != nil {
				t.Fatal(err)
			}
			if status, body := do(c.method, pathFor(c, p), token, p.SubscriptionKey, c.body); status != c.want(id) {
				t.Errorf("%s %s as %s: %d %s, want %d", c.method, c.path, id, status, body, c.want(id))
			}
		}
	}

	// Bad credentials, for every route that needs any.
	sa := n.party(t, SA1)
	good, _ := sa.Token(bg())
	expired, foreign := forgeTokens(t, n, sa)
	revoked := revokedClientToken(t, n)
	for _, c := range calls {
		path := pathFor(c, sa)
		for name, token := range map[string]string{"no token": "", "an expired token": expired, "a token signed by another key": foreign,
			"a revoked client's token": revoked, "a garbage token": "not-a-jwt"} {
			if status, body := do(c.method, path, token, sa.SubscriptionKey, c.body); status != 401 || !strings.Contains(body, `"statusCode":401`) {
				t.Errorf("%s %s with %s: %d %s", c.method, c.path, name, status, body)
			}
		}
		if c.keyed {
			for name, key := range map[string]string{"no subscription key": "", "a wrong subscription key": "wrong",
				"another company's key": n.party(t, RP1).SubscriptionKey} {
				if status, body := do(c.method, path, good, key, c.body); status != 401 {
					t.Errorf("%s %s with %s: %d %s", c.method, c.path, name, status, body)
				}
			}
		}
	}

	// The operator's token opens the admin API, and nothing else.
	if status, body := do("GET", "/admin/v1/companies", adminToken, "", nil); status != 200 || !strings.Contains(body, SA1) {
		t.Errorf("admin companies: %d %s", status, body)
	}
	if status, _ := do("GET", "/certified-pickup/v1/entities?entityName=demo", adminToken, sa.SubscriptionKey, nil); status != 401 {
		t.Errorf("the admin token is no company token: %d", status)
	}
	// The public routes need nothing.
	for _, path := range []string{"/healthz", "/openapi.json", "/.well-known/openid-configuration", "/.well-known/jwks.json"} {
		if status, _ := do("GET", path, "", "", nil); status != 200 {
			t.Errorf("GET %s: %d", path, status)
		}
	}
}

// forgeTokens makes, for the sandbox party p, a token signed by the node's own key but expired,
// and a fresh token signed by a key the node does not know.
func forgeTokens(t *testing.T, n *node, p *client.Client) (expired, foreign string) {
	t.Helper()
	st := n.openStore(t)
	keys, err := st.SigningKeys(context.Background())
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	c := identity.Client{ClientID: p.ClientID, CompanyID: SA1}
	own, err := identity.NewTokens(n.creds.BaseURL, keys, n.sealer(t))
	if err != nil {
		t.Fatal(err)
	}
	expired, _, err = own.Issue(c, time.Now().Add(-2*identity.TokenLifetime))
	if err != nil {
		t.Fatal(err)
	}
	other, _ := identity.NewSigningKey(time.Now())
	stranger, _ := identity.NewTokens(n.creds.BaseURL, []identity.SigningKey{other}, nil)
	foreign, _, _ = stranger.Issue(c, time.Now())
	return expired, foreign
}

// revokedClientToken makes a new client of SA1 through the admin API, takes a token with it, then
// revokes the client: the token must stop working at once.
func revokedClientToken(t *testing.T, n *node) string {
	t.Helper()
	admin := func(method, path string) map[string]any {
		req, _ := http.NewRequest(method, n.creds.BaseURL+path, strings.NewReader(`{"name":"to revoke"}`))
		req.Header.Set("Authorization", "Bearer "+adminToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		if resp.StatusCode >= 300 {
			t.Fatalf("%s %s: %d %v", method, path, resp.StatusCode, out)
		}
		return out
	}
	created := admin("POST", "/admin/v1/companies/"+SA1+"/clients")
	c := &client.Client{BaseURL: n.creds.BaseURL, ClientID: fmt.Sprint(created["clientId"]), ClientSecret: fmt.Sprint(created["clientSecret"])}
	token, err := c.Token(bg())
	if err != nil {
		t.Fatal(err)
	}
	admin("DELETE", "/admin/v1/clients/"+c.ClientID)
	return token
}
