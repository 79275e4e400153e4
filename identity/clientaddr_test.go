package identity

import (
	"net/netip"
	"testing"
)

// TestClientAddress: X-Forwarded-For counts only when the peer is a trusted proxy, and then the
// nearest untrusted hop is the client; a guesser cannot choose its address by sending the header.
func TestClientAddress(t *testing.T) {
	g := NewGuard(1)
	g.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.1.0/24"), netip.MustParsePrefix("192.0.2.7/32")}
	for _, tc := range []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"direct caller", "203.0.113.5:41000", nil, "203.0.113.5"},
		{"direct caller sending the header", "203.0.113.5:41000", []string{"198.51.100.1"}, "203.0.113.5"},
		{"through the load balancer", "10.0.1.11:50000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"client's own forged hop on the left", "10.0.1.11:50000", []string{"1.2.3.4, 198.51.100.1"}, "198.51.100.1"},
		{"two trusted proxies", "10.0.1.11:50000", []string{"198.51.100.1, 192.0.2.7"}, "198.51.100.1"},
		{"two header lines", "10.0.1.11:50000", []string{"198.51.100.1", "192.0.2.7"}, "198.51.100.1"},
		{"proxy without the header", "10.0.1.11:50000", nil, "10.0.1.11"},
		{"garbage hop", "10.0.1.11:50000", []string{"nonsense"}, "10.0.1.11"},
		{"IPv6 peer", "[2001:db8::1]:443", nil, "2001:db8::1"},
	} {
		if got := g.ClientAddress(tc.peer, tc.xff); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
