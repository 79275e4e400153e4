package identity

import (
	"net"
	"net/netip"
	"strings"
)

// ClientAddress is the address failed proofs of a secret are counted against (AddressKey): the
// connection's peer, or, when the peer is one of TrustedProxies (--trusted-proxies), the nearest
// address in X-Forwarded-For that is not a trusted proxy. Without it every integrator behind the
// platform's own load balancer would share one address, and one guesser would lock them all out;
// trusting the header from anyone else would let a guesser pick a fresh address per guess.
func (g *Guard) ClientAddress(remoteAddr string, forwardedFor []string) string {
	host := remoteAddr
	if h, _, err := net.SplitHostPort(remoteAddr); err == nil {
		host = h
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !g.trusted(peer) {
		return host
	}
	// X-Forwarded-For lists client, proxy1, proxy2...; each proxy appends the address it got the
	// request from, so walk from the right and stop at the first address no trusted proxy owns.
	var hops []string
	for _, h := range forwardedFor {
		hops = append(hops, strings.Split(h, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a hop that is not an address: nothing left of it can be believed
		}
		a = a.Unmap()
		if !g.trusted(a) {
			return a.String()
		}
	}
	return host
}

func (g *Guard) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range g.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
