package delivery

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestRefused(t *testing.T) {
	for ip, refused := range map[string]bool{
		"127.0.0.1": true, "127.8.9.1": true, "::1": true, "10.1.2.3": true, "172.16.0.1": true, "172.31.255.255": true,
		"192.168.1.1": true, "169.254.169.254": true, "fe80::1": true, "fc00::1": true, "fd12::1": true, "0.0.0.0": true,
		"::": true, "224.0.0.1": true, "ff02::1": true, "100.64.0.1": true, "255.255.255.255": true, "::ffff:10.0.0.1": true,
		"::ffff:127.0.0.1": true, "64:ff9b::a00:1": true, "198.18.0.1": true,
		// IPv6 transition forms embedding IPv4 (issue 14): IPv4-compatible, 6to4, Teredo, whatever
		// they embed.
		"::a00:1": true, "::7f00:1": true, "::808:808": true, "2002:a00:1::1": true, "2002:808:808::1": true,
		"2001:0:4136:e378:8000:63bf:3fff:fdd2": true, "2001::1": true,
		"2001:4860:4860::8888": false, "8.8.8.8": false, "172.32.0.1": false, "2a00:1450:4001::1": false, "93.184.216.34": false, "::ffff:8.8.8.8": false,
	} {
		got := Refused(netip.MustParseAddr(ip)) != ""
		if got != refused {
			t.Errorf("Refused(%s) = %v, want %v", ip, got, refused)
		}
	}
}

// resolver is a fake DNS.
func resolver(names map[string][]string) func(context.Context, string) ([]netip.Addr, error) {
	return func(_ context.Context, host string) ([]netip.Addr, error) {
		ips, ok := names[host]
		if !ok {
			return nil, errors.New("no such host")
		}
		var out []netip.Addr
		for _, ip := range ips {
			out = append(out, netip.MustParseAddr(ip))
		}
		return out, nil
	}
}

func TestCheckURL(t *testing.T) {
	dns := resolver(map[string][]string{
		"hooks.example.com":  {"93.184.216.34"},
		"internal.example":   {"10.0.0.7"},
		"mixed.example":      {"93.184.216.34", "192.168.0.2"},
		"metadata.example":   {"169.254.169.254"},
		"localhost":          {"127.0.0.1", "::1"},
		"v6.example":         {"2a00:1450:4001::1"},
		"mapped.example.com": {"::ffff:127.0.0.1"},
		"teredo.example":     {"2001:0:4136:e378:8000:63bf:3fff:fdd2"},
	})
	strict := Policy{LookupIP: dns}
	sandbox := Policy{AllowPrivate: true, LookupIP: dns}
	for _, tc := range []struct {
		url      string
		strictOK bool
		boxOK    bool
		message  string
	}{
		{"https://hooks.example.com/portlight", true, true, ""},
		{"https://hooks.example.com:8443/p?x=1", true, true, ""},
		{"https://v6.example/", true, true, ""},
		{"https://93.184.216.34/", true, true, ""},
		{"http://hooks.example.com/", false, true, "must use HTTPS"},
		{"ftp://hooks.example.com/", false, false, "must use HTTPS"},
		// A name gets one answer whatever it resolves to, or if it does not: the operator's DNS
		// is not to be probed through it (issue 14).
		{"https://internal.example/", false, true, "(internal.example) is not a public address"},
		{"https://mixed.example/", false, true, "(mixed.example) is not a public address"},
		{"https://metadata.example/latest", false, true, "(metadata.example) is not a public address"},
		{"https://localhost:9000/", false, true, "(localhost) is not a public address"},
		{"https://teredo.example/", false, true, "(teredo.example) is not a public address"},
		{"https://[2002:a00:1::1]/", false, true, "IPv6 transition address"},
		{"https://[::a00:1]/", false, true, "IPv6 transition address"},
		{"http://127.0.0.1:9000/hook", false, true, "HTTPS"},
		{"https://127.0.0.1:9000/hook", false, true, "loopback"},
		{"https://[::1]/", false, true, "loopback"},
		{"https://mapped.example.com/", false, true, "(mapped.example.com) is not a public address"},
		{"https://0.0.0.0/", false, true, "unspecified"},
		{"https://nowhere.example/", false, true, "(nowhere.example) is not a public address"},
		{"https://user:pw@hooks.example.com/", false, false, "credentials"},
		{"https://hooks.example.com/#frag", false, false, "fragment"},
		{"/relative", false, false, "absolute URL"},
		{"", false, false, "required"},
	} {
		_, err := strict.CheckURL(context.Background(), "url", tc.url)
		if (err == nil) != tc.strictOK || (err != nil && !strings.Contains(err.Error(), tc.message)) {
			t.Errorf("strict %q: %v, want ok=%v with %q", tc.url, err, tc.strictOK, tc.message)
		}
		for _, leak := range []string{"10.0.0.7", "192.168.0.2", "169.254", "127.0.0.1", "::1", "4136", "resolve", "private", "loopback"} {
			if err != nil && strings.Contains(tc.url, ".example") && strings.Contains(err.Error(), leak) {
				t.Errorf("strict %q: the answer %q tells what the name resolves to (%s)", tc.url, err, leak)
			}
		}
		var inv *InvalidError
		if err != nil && (!errors.As(err, &inv) || inv.Field != "url") {
			t.Errorf("strict %q: %v is not an InvalidError for url", tc.url, err)
		}
		if _, err := sandbox.CheckURL(context.Background(), "url", tc.url); (err == nil) != tc.boxOK {
			t.Errorf("sandbox %q: %v, want ok=%v", tc.url, err, tc.boxOK)
		}
	}
}

// TestClientRefusesPrivateAddressesAtDialTime: whatever a URL looked like when it was saved, the
// connection itself never reaches a refused address (DNS rebinding).
func TestClientRefusesPrivateAddressesAtDialTime(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) }))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	for _, u := range []string{srv.URL, "http://localhost:" + port + "/"} {
		_, err := NewHTTPClient(Policy{}, 4).Get(u)
		if !errors.Is(err, ErrRefusedAddress) {
			t.Errorf("strict client GET %s: %v, want ErrRefusedAddress", u, err)
		}
		if u != srv.URL && err != nil && (strings.Contains(err.Error(), "127.0.0.1") || strings.Contains(err.Error(), "::1")) {
			t.Errorf("strict client GET %s: %q names the address the name resolved to", u, err)
		}
		resp, err := NewHTTPClient(Policy{AllowPrivate: true}, 4).Get(u)
		if err != nil || resp.StatusCode != 204 {
			t.Errorf("sandbox client GET %s: %v", u, err)
		} else {
			resp.Body.Close()
		}
	}
}

func TestClientDoesNotFollowRedirects(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data", http.StatusFound)
	}))
	defer srv.Close()
	resp, err := NewHTTPClient(Policy{AllowPrivate: true}, 4).Get(srv.URL)
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("GET: %v %v, want the 302 itself", err, resp)
	}
	resp.Body.Close()
}
