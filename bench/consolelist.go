package bench

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"
)

// ConsoleListOptions shape the console-list bench.
type ConsoleListOptions struct {
	// Releases are stored first, every one in the forwarder's "My containers": pending to it, or,
	// for the first PastHolder of them, accepted by it and transferred on to the haulier, who
	// accepted (the forwarder then only a past holder of the chain).
	Releases   int `json:"releases"`
	PastHolder int `json:"pastHolder"`
	Workers    int `json:"workers"`  // concurrent callers of the releases stored first
	Requests   int `json:"requests"` // list pages asked for per kind, one after the other
	// Stored is the owner code of the containers an earlier run on the same node stored (it names
	// them in its first result): only the pages are timed, e.g. once PostgreSQL's statistics are
	// up to date. Empty: the releases are stored first.
	Stored string `json:"stored,omitempty"`
}

// ConsoleList stores the releases, signs in to the console as the forwarder's user and asks for
// its "My containers" page Requests times per kind of query, one request at a time: the latency
// the client measures on loopback is the node's time to answer (the generator waits meanwhile).
func ConsoleList(ctx context.Context, p *Port, o ConsoleListOptions) ([]Result, error) {
	var results []Result
	if o.Stored != "" {
		p.UseOwner(o.Stored)
	} else {
		seed, err := storeConsoleList(ctx, p, o)
		results = append(results, seed)
		if err != nil {
			return results, err
		}
	}
	b, err := p.consoleSignIn(ctx, Forwarder)
	if err != nil {
		return results, err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, k := range []struct {
		name  string
		query func() string
	}{
		{"first page", func() string { return "" }},
		{"status Accepted", func() string { return "status=3" }},
		{"terminal " + TerminalCode, func() string { return "terminal=" + TerminalCode }},
		{"waiting for me", func() string { return "waiting=1" }},
		{"equipment number", func() string { return "q=" + p.Container(rng.IntN(o.Releases)) }},
		{"bill of lading", func() string { return "q=BL-" + p.Container(rng.IntN(o.Releases)) }},
	} {
		r := RunCount(ctx, "list: "+k.name, o.Requests, 1, func(ctx context.Context, _ int) error {
			return b.listPage(ctx, k.query())
		})
		results = append(results, r)
	}
	return results, nil
}

// storeConsoleList stores the releases of the forwarder's list (ConsoleListOptions).
func storeConsoleList(ctx context.Context, p *Port, o ConsoleListOptions) (Result, error) {
	seed := RunCount(ctx, "store releases "+p.Owner(), o.Releases, o.Workers, func(ctx context.Context, i int) error {
		eq := p.Container(i)
		if _, err := p.Release(ctx, eq, Forwarder); err != nil {
			return err
		}
		if i >= o.PastHolder {
			return nil
		}
		for _, s := range [][4]string{{Forwarder, "Accept", ShippingAgent, Forwarder}, {Forwarder, "Transfer", Forwarder, Haulier}, {Haulier, "Accept", Forwarder, Haulier}} {
			if _, err := p.Right(ctx, s[0], s[1], eq, s[2], s[3]); err != nil {
				return err
			}
		}
		return nil
	})
	if seed.Errors > 0 {
		return seed, fmt.Errorf("storing releases: %d errors, the first: %s", seed.Errors, seed.FirstErr)
	}
	return seed, nil
}

// consoleBrowser is a console session of one user.
type consoleBrowser struct {
	base string
	hc   *http.Client
}

// consoleSignIn signs in to the console as the sandbox user of company id.
func (p *Port) consoleSignIn(ctx context.Context, id string) (*consoleBrowser, error) {
	jar, _ := cookiejar.New(nil)
	b := &consoleBrowser{base: strings.TrimSuffix(p.Creds.BaseURL, "/"), hc: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	for _, c := range p.Creds.Parties {
		if c.NxtEntityID != id {
			continue
		}
		form := url.Values{"username": {c.Username}, "password": {c.Password}}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.base+"/console/signin", strings.NewReader(form.Encode()))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := b.hc.Do(req)
		if err != nil {
			return nil, err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			return nil, fmt.Errorf("console sign-in as %s: HTTP %d", c.Username, resp.StatusCode)
		}
		return b, nil
	}
	return nil, fmt.Errorf("no sandbox user of %s", id)
}

// listPage asks for "My containers" with the query and reads the whole page.
func (b *consoleBrowser) listPage(ctx context.Context, query string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.base+"/console/containers?"+query, nil)
	if err != nil {
		return err
	}
	resp, err := b.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `data-equipment="`) {
		return fmt.Errorf("list %q: HTTP %d without a row", query, resp.StatusCode)
	}
	return nil
}
