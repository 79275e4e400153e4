package delivery

import (
	"context"
	"errors"
	"testing"
)

// TestCredentialHeadersNotShownAgain reproduces issue 14's finding: a channel's static header
// carrying the receiver's API key was shown on every GET. Credential-like values are masked in
// what the company sees; sending the mask back keeps the stored value, which is still what the
// deliveries carry; a mask with nothing stored is refused.
func TestCredentialHeadersNotShownAgain(t *testing.T) {
	ctx := context.Background()
	m, _ := newManager(t, Policy{LookupIP: publicDNS})
	headers := map[string]string{
		"X-Api-Key":     "k1",
		"Authorization": "Bearer eyJhbGciOiJFUzI1NiJ9",
		"X-Custom":      "Basic dXNlcjpwYXNz",
		"X-Opaque":      "a8f5f167f44f4964e6c998dee827110c",
		"X-Receiver":    "healthy",
		"X-Tenant":      "port of antwerp",
	}
	c, err := m.Create(ctx, "NXT1", Spec{Name: "ops", URL: "https://hooks.example.com/in", Headers: headers})
	if err != nil {
		t.Fatal(err)
	}
	shown := c.ShownHeaders()
	for k, v := range headers {
		masked := shown[k] == MaskedHeaderValue
		if wantMasked := k != "X-Receiver" && k != "X-Tenant"; masked != wantMasked {
			t.Errorf("header %s: shown as %q (masked %v, want %v)", k, shown[k], masked, wantMasked)
		}
		if c.Headers()[k] != v {
			t.Errorf("header %s: delivered as %q, want %q", k, c.Headers()[k], v)
		}
	}
	// A GET edited and sent back: the masked values are kept, the others take the new value.
	back := map[string]string{}
	for k, v := range shown {
		back[k] = v
	}
	back["x-api-key"] = MaskedHeaderValue
	delete(back, "X-Api-Key")
	back["X-Receiver"] = "renamed"
	got, err := m.Update(ctx, "NXT1", c.ID, Spec{Name: "ops", URL: "https://hooks.example.com/in", Headers: back})
	if err != nil {
		t.Fatal(err)
	}
	if got.Headers()["x-api-key"] != "k1" || got.Headers()["Authorization"] != headers["Authorization"] || got.Headers()["X-Receiver"] != "renamed" {
		t.Fatalf("after a PUT of the masked view: %v", got.Headers())
	}
	_, err = m.Create(ctx, "NXT1", Spec{Name: "new", URL: "https://hooks.example.com/in", Headers: map[string]string{"X-Api-Key": MaskedHeaderValue}})
	var inv *InvalidError
	if !errors.As(err, &inv) || inv.Field != "headers" {
		t.Fatalf("a new channel with a masked header: %v, want refused", err)
	}
}
