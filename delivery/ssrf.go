package delivery

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Policy says where webhooks (and the token endpoints of their receivers) may point. A company
// names the URL, so without it Portlight would POST wherever it is told: to a database on the
// operator's private network, to the cloud metadata service at 169.254.169.254, to itself
// (server-side request forgery). So the addresses a host resolves to are checked twice: when
// the channel is saved (to refuse it with a clear message) and at every connection (Control,
// which also catches a name that resolves elsewhere later: DNS rebinding).
type Policy struct {
	// AllowPrivate lets webhooks reach loopback, private and link-local addresses, and use plain
	// HTTP (the sandbox, where receivers run on the integrator's laptop).
	AllowPrivate bool
	// LookupIP resolves a host name (net.DefaultResolver when nil).
	LookupIP func(ctx context.Context, host string) ([]netip.Addr, error)
}

// refusedPrefixes are the address blocks no public webhook lives in, besides what netip.Addr
// classifies (loopback, private, link-local, unspecified, multicast).
var refusedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and broadcast
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64: could reach any IPv4 address, private ones too
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
}

// transitionPrefixes are the IPv6 transition forms that embed an IPv4 address, which a relay or
// the host's own tunnel would reach instead: ::a.b.c.d (IPv4-compatible, deprecated), 6to4
// (2002:a.b.c.d::) and Teredo (2001:0::, the client's address obfuscated in the last 32 bits).
// No public webhook receiver needs them, so they are refused whatever they embed.
var transitionPrefixes = []netip.Prefix{
	netip.MustParsePrefix("::/96"),
	netip.MustParsePrefix("2002::/16"),
	netip.MustParsePrefix("2001::/32"),
}

// Refused says why a webhook may not connect to ip ("" when it may), as long as private
// addresses are not allowed.
func Refused(ip netip.Addr) string {
	ip = ip.Unmap() // ::ffff:10.0.0.1 is 10.0.0.1
	switch {
	case !ip.IsValid():
		return "not an IP address"
	case ip.IsLoopback():
		return "a loopback address"
	case ip.IsPrivate():
		return "a private address"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		return "a link-local address"
	case ip.IsUnspecified():
		return "the unspecified address"
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		return "a multicast address"
	}
	for _, p := range transitionPrefixes {
		if p.Contains(ip) {
			return "an IPv6 transition address embedding IPv4"
		}
	}
	for _, p := range refusedPrefixes {
		if p.Contains(ip) {
			return "a reserved address"
		}
	}
	return ""
}

// InvalidError is a channel that cannot be saved as it is: Field names what to correct.
type InvalidError struct {
	Field, Message string
}

func (e *InvalidError) Error() string { return e.Message }

func invalid(field, format string, args ...any) error {
	return &InvalidError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// CheckURL parses a webhook or token endpoint URL given for field and refuses what the policy
// forbids: another scheme than HTTPS (HTTP when private addresses are allowed), credentials in the
// URL, a host that does not resolve or that resolves to an address Refused (as "not a public
// address", whichever it was).
func (p Policy) CheckURL(ctx context.Context, field, raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, invalid(field, "'%s' is required.", field)
	}
	if len(raw) > 2048 {
		return nil, invalid(field, "'%s' may be at most 2048 characters long.", field)
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "" {
		return nil, invalid(field, "'%s' must be an absolute URL such as https://hooks.example.com/portlight.", field)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !p.AllowPrivate {
			return nil, invalid(field, "'%s' must use HTTPS.", field)
		}
	default:
		return nil, invalid(field, "'%s' must use HTTPS.", field)
	}
	if u.User != nil {
		return nil, invalid(field, "'%s' may not carry credentials; use the channel's authentication or headers.", field)
	}
	if u.Fragment != "" {
		return nil, invalid(field, "'%s' may not have a fragment (#...).", field)
	}
	if p.AllowPrivate {
		return u, nil
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		// An address the caller wrote: saying what is wrong with it tells them nothing new.
		if why := Refused(ip); why != "" {
			return nil, invalid(field, "The host of '%s' (%s) is %s: webhooks may only reach public addresses.", field, host, why)
		}
		return u, nil
	}
	// A name: the answer must not tell what the operator's DNS makes of it (a private address, a
	// reserved one, or nothing), or a company could map the internal network name by name. One
	// message for every refusal.
	notPublic := invalid(field, "The host of '%s' (%s) is not a public address: webhooks may only reach public addresses.", field, host)
	lookup := p.LookupIP
	if lookup == nil {
		lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := lookup(ctx, host)
	if err != nil || len(addrs) == 0 {
		return nil, notPublic
	}
	for _, ip := range addrs {
		if Refused(ip) != "" {
			return nil, notPublic
		}
	}
	return u, nil
}

// ErrRefusedAddress is a connection refused by the policy.
var ErrRefusedAddress = errors.New("address refused")

// Control is the net.Dialer Control hook that refuses connections to forbidden addresses, after
// name resolution: whatever a host resolves to at the time of the attempt, nothing private is
// ever reached.
func (p Policy) Control(_, address string, _ syscall.RawConn) error {
	if p.AllowPrivate {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s is not an address", ErrRefusedAddress, address)
	}
	if Refused(ap.Addr()) != "" {
		// The attempt's error is shown to the channel's company: it must not name the address.
		return fmt.Errorf("%w: the receiver is not a public address", ErrRefusedAddress)
	}
	return nil
}

// NewHTTPClient is the client webhooks and token requests go out with: connections checked by
// the policy, no proxy from the environment (the proxy's address would be checked instead of the
// receiver's), no redirects followed (a 3xx is an answer, not a hop to wherever it points), and
// at most perHost idle connections kept to each receiver.
func NewHTTPClient(p Policy, perHost int) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second, Control: p.Control}
	// A refused dial's error (a *net.OpError) names the address the host resolved to, and it ends
	// up in the delivery history its company reads: answer without it.
	dial := func(ctx context.Context, network, address string) (net.Conn, error) {
		c, err := dialer.DialContext(ctx, network, address)
		if errors.Is(err, ErrRefusedAddress) {
			return nil, fmt.Errorf("%w: the receiver is not a public address", ErrRefusedAddress)
		}
		return c, err
	}
	transport := &http.Transport{
		Proxy:                 nil,
		DialContext:           dial,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   perHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{
		Transport:     transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
