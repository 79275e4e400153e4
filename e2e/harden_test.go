package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/portlight/portlight/delivery"
	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/server"
)

// sealer is the key the node seals its secrets with (its data dir's, or the database's shared
// --secret-key-file with PostgreSQL).
func (n *node) sealer(t *testing.T) *delivery.Sealer {
	t.Helper()
	path := filepath.Join(n.dataDir, server.SecretKeyFile)
	if n.dbURL != "" {
		path = secretKeyFor(t, n.dbURL)
	}
	key, err := delivery.LoadKey(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := delivery.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSecretsAtRest (issue 14): what a backup of the database holds does not let its reader mint
// tokens or post releases. Every signing key is sealed, one a database held in clear from before
// is sealed at the next start (and still signs), ingestion ids are stored hashed, and with SQLite
// the database, its key file and the data dir are private to the node's user.
func TestSecretsAtRest(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // made by the node
	n := startNode(t, dir)
	n.stop(t)

	// A signing key stored in clear, as before this change, and made the newest (it signs).
	st := n.openStore(t)
	legacy, err := identity.NewSigningKey(time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AddSigningKey(bg(), legacy); err != nil {
		t.Fatal(err)
	}
	st.Close()

	n = startNode(t, dir)
	if _, err := n.party(t, SA1).Token(bg()); err != nil {
		t.Fatalf("a token after the clear key was sealed: %v", err)
	}
	st = n.openStore(t)
	keys, err := st.SigningKeys(bg())
	if err != nil {
		t.Fatal(err)
	}
	companies, err := st.Companies(bg())
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 {
		t.Fatalf("%d signing keys, want the first and the legacy one", len(keys))
	}
	for _, k := range keys {
		if !identity.SigningKeySealed(k) || bytes.Contains(k.JWK, []byte(`"d"`)) {
			t.Errorf("signing key %s is stored in clear: %.60s...", k.KeyID, k.JWK)
		}
	}
	hashed := map[string]string{}
	for _, c := range companies {
		hashed[c.NxtEntityID] = c.IngestionID
	}
	for _, p := range n.creds.Parties {
		if hashed[p.NxtEntityID] != identity.HashIngestionID(p.IngestionID) {
			t.Errorf("%s: stored ingestion id %q, want the hash of the one issued", p.NxtEntityID, hashed[p.NxtEntityID])
		}
	}
	// The ingestion id issued still works: a release through it is accepted.
	eq := newContainer(t)
	sa1 := n.party(t, SA1)
	if _, resp, err := sa1.Ingest(bg(), map[string]any{"actionType": "Release", "portLoCode": n.creds.PortLoCode, "equipmentNumber": eq,
		"billOfLadingNumbers": []string{"BL1"}, "releaseIdentification": "R1", "terminalCode": "0100"}, ""); err != nil || resp.Status != http.StatusAccepted {
		t.Fatalf("a release through the issued ingestion id %s: %v %+v", sa1.IngestionID, err, resp)
	}
	if n.dbURL != "" {
		return
	}
	for path, want := range map[string]os.FileMode{
		dir: 0o700, filepath.Join(dir, "portlight.db"): 0o600, filepath.Join(dir, server.SecretKeyFile): 0o600,
	} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %o, want %o", filepath.Base(path), fi.Mode().Perm(), want)
		}
	}
}

// TestPasswordGuessesGet429 (issue 14): wrong passwords from one address lock it after a few
// failures; the token endpoint then answers 429 with a Retry-After, the right password too.
func TestPasswordGuessesGet429(t *testing.T) {
	n := startNode(t, t.TempDir())
	post := func(user, password string) *http.Response {
		form := url.Values{"grant_type": {"password"}, "username": {user}, "password": {password}}
		resp, err := http.Post(n.creds.BaseURL+"/connect/token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	for i := 0; i < identity.SubjectBackoff.Free; i++ {
		if resp := post("ops@sa1", "guess"+strconv.Itoa(i)); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("free guess %d: %d, want 400 invalid_grant", i, resp.StatusCode)
		}
	}
	refused := 0
	for i := 0; i < 10; i++ {
		resp := post("ops@sa1", "guess-more"+strconv.Itoa(i))
		if resp.StatusCode == http.StatusTooManyRequests {
			refused++
			if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || s < 1 {
				t.Fatalf("429 without a Retry-After in seconds: %q", resp.Header.Get("Retry-After"))
			}
		}
	}
	if refused < 9 {
		t.Fatalf("%d of 10 guesses past the free ones were refused with 429", refused)
	}
}

// TestTenYearTokenRefused (issue 14): a token signed with the node's own key (as someone who read
// the key could) but valid for ten years is refused; the same token with the platform's one-hour
// lifetime is accepted, so the refusal is the lifetime's.
func TestTenYearTokenRefused(t *testing.T) {
	n := startNode(t, t.TempDir())
	st := n.openStore(t)
	keys, err := st.SigningKeys(bg())
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	var newest identity.SigningKey
	for _, k := range keys {
		if k.RetiredAt == nil && k.CreatedAt.After(newest.CreatedAt) {
			newest = k
		}
	}
	var sealed string
	if err := json.Unmarshal(newest.JWK, &sealed); err != nil {
		t.Fatalf("the signing key is not stored sealed: %v", err)
	}
	clear, err := n.sealer(t).Open(sealed, "signing-key:"+newest.KeyID)
	if err != nil {
		t.Fatal(err)
	}
	var jwk jose.JSONWebKey
	if err := jwk.UnmarshalJSON(clear); err != nil {
		t.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: jwk}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	sa1 := n.party(t, SA1)
	call := func(lifetime time.Duration) int {
		now := time.Now()
		std := jwt.Claims{Issuer: n.creds.BaseURL, Subject: sa1.ClientID, IssuedAt: jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now.Add(-time.Minute)), Expiry: jwt.NewNumericDate(now.Add(lifetime))}
		raw, err := jwt.Signed(signer).Claims(std).Claims(map[string]any{"nxt_entity_id": SA1, "client_id": sa1.ClientID}).Serialize()
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodGet, n.creds.BaseURL+"/certified-pickup/v1/notifications?storedOn="+now.UTC().Format("2006-01-02"), nil)
		req.Header.Set("Authorization", "Bearer "+raw)
		req.Header.Set("Ocp-Apim-Subscription-Key", sa1.SubscriptionKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	// Nothing stored today matches the pull: 405, the seed's answer to an authenticated caller.
	if status := call(identity.TokenLifetime); status == http.StatusUnauthorized || status >= 500 {
		t.Fatalf("a minted token of one hour: %d, want it accepted (the test's minting is wrong)", status)
	}
	if status := call(10 * 365 * 24 * time.Hour); status != http.StatusUnauthorized {
		t.Fatalf("a token valid for ten years: %d, want 401", status)
	}
}
