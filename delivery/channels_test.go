package delivery

import (
	"context"
	"errors"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
	"github.com/portlight/portlight/store/sqlite"
)

func newManager(t *testing.T, policy Policy) (*Manager, *sqlite.Store) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sealer, _ := NewSealer(make([]byte, 32))
	return NewManager(st, sealer, policy, DefaultRetry, func() time.Time { return time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC) }, nil), st
}

func publicDNS(context.Context, string) ([]netip.Addr, error) {
	return []netip.Addr{netip.MustParseAddr("93.184.216.34")}, nil
}

func TestChannelValidation(t *testing.T) {
	m, _ := newManager(t, Policy{LookupIP: publicDNS})
	ok := Spec{Name: "main", URL: "https://hooks.example.com/portlight"}
	cc := func(a AuthSpec) *AuthSpec { return &a }
	for _, tc := range []struct {
		name  string
		spec  Spec
		field string
	}{
		{"no name", Spec{URL: ok.URL}, "name"},
		{"long name", Spec{Name: strings.Repeat("n", 101), URL: ok.URL}, "name"},
		{"plain HTTP", Spec{Name: "x", URL: "http://hooks.example.com/"}, "url"},
		{"loopback", Spec{Name: "x", URL: "https://127.0.0.1/"}, "url"},
		{"unknown type", Spec{Name: "x", URL: ok.URL, Types: []string{"ReleaseLight", "Gossip"}}, "types"},
		{"reserved header", Spec{Name: "x", URL: ok.URL, Headers: map[string]string{"Webhook-Signature": "x"}}, "headers"},
		{"host header", Spec{Name: "x", URL: ok.URL, Headers: map[string]string{"Host": "evil"}}, "headers"},
		{"bad header name", Spec{Name: "x", URL: ok.URL, Headers: map[string]string{"X Key": "v"}}, "headers"},
		{"header injection", Spec{Name: "x", URL: ok.URL, Headers: map[string]string{"X-Key": "v\r\nX-Other: w"}}, "headers"},
		{"unknown auth", Spec{Name: "x", URL: ok.URL, Authentication: cc(AuthSpec{Type: "Kerberos"})}, "authentication.type"},
		{"secret with none", Spec{Name: "x", URL: ok.URL, Authentication: cc(AuthSpec{Type: "none", ClientSecret: "s"})}, "authentication.type"},
		{"no token endpoint", Spec{Name: "x", URL: ok.URL, Authentication: cc(AuthSpec{Type: AuthOAuth2ClientCredentials, ClientID: "c", ClientSecret: "s"})}, "authentication.tokenEndpoint"},
		{"private token endpoint", Spec{Name: "x", URL: ok.URL, Authentication: cc(AuthSpec{Type: AuthOAuth2ClientCredentials,
			TokenEndpoint: "https://10.0.0.1/token", ClientID: "c", ClientSecret: "s"})}, "authentication.tokenEndpoint"},
		{"no client id", Spec{Name: "x", URL: ok.URL, Authentication: cc(AuthSpec{Type: AuthOAuth2ClientCredentials,
			TokenEndpoint: "https://id.example.com/token", ClientSecret: "s"})}, "authentication.clientId"},
		{"no client secret", Spec{Name: "x", URL: ok.URL, Authentication: cc(AuthSpec{Type: AuthOAuth2ClientCredentials,
			TokenEndpoint: "https://id.example.com/token", ClientID: "c"})}, "authentication.clientSecret"},
		{"no password", Spec{Name: "x", URL: ok.URL, Authentication: cc(AuthSpec{Type: AuthOAuth2Password,
			TokenEndpoint: "https://id.example.com/token", ClientID: "c", Username: "u"})}, "authentication.password"},
		{"authorization header with OAuth", Spec{Name: "x", URL: ok.URL, Headers: map[string]string{"Authorization": "Basic x"},
			Authentication: cc(AuthSpec{Type: AuthOAuth2Password, TokenEndpoint: "https://id.example.com/token", ClientID: "c", Username: "u", Password: "p"})}, "headers"},
		{"bad scope", Spec{Name: "x", URL: ok.URL, Authentication: cc(AuthSpec{Type: AuthOAuth2ClientCredentials,
			TokenEndpoint: "https://id.example.com/token", ClientID: "c", ClientSecret: "s", Scopes: []string{"a b"}})}, "authentication.scopes"},
		{"too many scopes", Spec{Name: "x", URL: ok.URL, Authentication: cc(AuthSpec{Type: AuthOAuth2ClientCredentials,
			TokenEndpoint: "https://id.example.com/token", ClientID: "c", ClientSecret: "s", Scopes: strings.Split(strings.Repeat("s,", 33), ",")[:33]})}, "authentication.scopes"},
		{"long scope", Spec{Name: "x", URL: ok.URL, Authentication: cc(AuthSpec{Type: AuthOAuth2ClientCredentials,
			TokenEndpoint: "https://id.example.com/token", ClientID: "c", ClientSecret: "s", Scopes: []string{strings.Repeat("s", 201)}})}, "authentication.scopes"},
		{"long client secret", Spec{Name: "x", URL: ok.URL, Authentication: cc(AuthSpec{Type: AuthOAuth2ClientCredentials,
			TokenEndpoint: "https://id.example.com/token", ClientID: "c", ClientSecret: strings.Repeat("s", 1025)})}, "authentication.clientSecret"},
		{"long username", Spec{Name: "x", URL: ok.URL, Authentication: cc(AuthSpec{Type: AuthOAuth2Password,
			TokenEndpoint: "https://id.example.com/token", ClientID: "c", Username: strings.Repeat("u", 1025), Password: "p"})}, "authentication.username"},
	} {
		_, err := m.Create(context.Background(), "NXT1", tc.spec)
		var inv *InvalidError
		if !errors.As(err, &inv) || inv.Field != tc.field {
			t.Errorf("%s: %v, want an error on %s", tc.name, err, tc.field)
		}
	}
	c, err := m.Create(context.Background(), "NXT1", Spec{Name: " main ", URL: ok.URL, Types: []string{"releaseright", "ReleaseLight", "ReleaseRight"},
		Headers: map[string]string{"Authorization": "Basic abc"}, Authentication: &AuthSpec{Type: "NONE"}})
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "main" || strings.Join(c.Types, ",") != "ReleaseLight,ReleaseRight" || c.Auth.Type != AuthNone ||
		!strings.HasPrefix(c.SigningSecret(), "whsec_") || c.Headers()["Authorization"] != "Basic abc" {
		t.Errorf("created %+v", c)
	}
	all, _ := m.Create(context.Background(), "NXT1", Spec{Name: "all", URL: ok.URL, Types: []string{release.TypeReleaseLight, release.TypeReleaseRight, release.TypeTerminalEvent}})
	if all.Types != nil {
		t.Errorf("every type a channel gets unasked is kept as %v, want nil (all)", all.Types)
	}
	// EDI (the gateway's APERAKs) goes only to a channel that names it: with it, the list stays.
	withEDI, _ := m.Create(context.Background(), "NXT1", Spec{Name: "all and EDI", URL: ok.URL, Types: release.NotificationTypes})
	if strings.Join(withEDI.Types, ",") != "ReleaseLight,ReleaseRight,TerminalEvent,EDI" {
		t.Errorf("every type and EDI kept as %v", withEDI.Types)
	}
	for typ, want := range map[string]bool{release.TypeReleaseLight: true, release.TypeEDI: false} {
		if got := all.Wants(&store.StoredNotification{ReceiverID: "NXT1", Type: typ}); got != want {
			t.Errorf("a channel without a filter wants %s: %v", typ, got)
		}
		if !withEDI.Wants(&store.StoredNotification{ReceiverID: "NXT1", Type: typ}) {
			t.Errorf("a channel naming every type does not want %s", typ)
		}
	}
}

// TestChannelSecretsSealedAndKept: what is stored holds no secret in clear; an update without the
// credentials keeps them while the login is the same, and drops them when it changes.
func TestChannelSecretsSealedAndKept(t *testing.T) {
	m, st := newManager(t, Policy{LookupIP: publicDNS})
	ctx := context.Background()
	auth := &AuthSpec{Type: AuthOAuth2Password, TokenEndpoint: "https://id.example.com/token", ClientID: "c",
		ClientSecret: "client-s3cret", Username: "u", Password: "pa55word", Scopes: []string{"hooks"}}
	c, err := m.Create(ctx, "NXT1", Spec{Name: "x", URL: "https://hooks.example.com/", Headers: map[string]string{"X-Api-Key": "api-k3y"}, Authentication: auth})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := st.Channel(ctx, "NXT1", c.ID)
	for _, secret := range []string{"client-s3cret", "pa55word", "api-k3y", c.SigningSecret()} {
		if strings.Contains(raw.Sealed, secret) || strings.Contains(raw.URL, secret) {
			t.Errorf("%q is stored in clear", secret)
		}
	}
	if raw.Auth.Username != "u" || raw.Auth.ClientID != "c" {
		t.Errorf("stored auth %+v", raw.Auth)
	}
	up, err := m.Update(ctx, "NXT1", c.ID, Spec{Name: "y", URL: "https://hooks.example.com/v2",
		Authentication: &AuthSpec{Type: AuthOAuth2Password, TokenEndpoint: auth.TokenEndpoint, ClientID: "c", Username: "u"}})
	if err != nil {
		t.Fatalf("update without credentials: %v", err)
	}
	if up.secrets.Password != "pa55word" || up.secrets.ClientSecret != "client-s3cret" || up.SigningSecret() != c.SigningSecret() ||
		len(up.Headers()) != 0 || up.URL != "https://hooks.example.com/v2" {
		t.Errorf("after update: %+v %+v", up.Channel, up.secrets)
	}
	if _, err := m.Update(ctx, "NXT1", c.ID, Spec{Name: "y", URL: "https://hooks.example.com/v2",
		Authentication: &AuthSpec{Type: AuthOAuth2Password, TokenEndpoint: auth.TokenEndpoint, ClientID: "c", Username: "someone-else"}}); err == nil {
		t.Errorf("a new username kept the old password")
	}
	if _, err := m.Update(ctx, "NXT2", c.ID, Spec{Name: "z", URL: "https://hooks.example.com/"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another company's update: %v", err)
	}
	if _, err := m.RotateSecret(ctx, "NXT2", c.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another company's rotation: %v", err)
	}
	if _, err := m.Deliveries(ctx, "NXT2", store.DeliveryQuery{ChannelID: c.ID}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another company's deliveries: %v", err)
	}
	if err := m.Delete(ctx, "NXT2", c.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another company's delete: %v", err)
	}
	// Without the key the secrets do not open: the node says so instead of sending unsigned.
	if _, err := openChannel(nil, raw); !errors.Is(err, ErrNoKey) {
		t.Errorf("open without a key: %v", err)
	}
}
