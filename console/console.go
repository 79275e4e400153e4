// Package console is Portlight's web console: server-rendered pages (html/template) for the
// people of the companies in a port's release chain, with htmx swapping fragments and server-sent
// events pushing what changed. It is a door like the API: its handlers build the same release
// commands the API builds and send them through service.Execute, read through the service's
// queries, and hold no rule of their own.
//
// The layout follows miniflux's internal/ui: one route table (routes.go), one small file per page
// or action, templates under templates/views and templates/common, sessions and cross-origin
// protection as middleware, static assets embedded and served under their checksum.
package console

import (
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/portlight/portlight/admin"
	"github.com/portlight/portlight/service"
)

// Options configure the console.
type Options struct {
	// SessionKey signs the session cookies; every node behind one address needs the same key.
	SessionKey []byte
	// Secure marks the cookie Secure (the console is reached over TLS: --public-url https://...).
	Secure bool
	// PortLoCode is the port the console shows.
	PortLoCode string
	// IdleTimeout ends a session not used for this long; MaxAge ends any session this long after
	// sign-in.
	IdleTimeout, MaxAge time.Duration
	// LivePoll is how often the node's live updates look for new notifications (console/live.go),
	// the commits of other nodes; it is also how often they check the sessions of open streams.
	LivePoll time.Duration
	// OperatorToken and Admin open the operator pages (/console/operator/, operator.go): the
	// port's operator signs in with the admin API's token and works the registry through the
	// same Admin. Without a token those pages answer 404.
	OperatorToken string
	Admin         *admin.Admin
	// Committed receives a value (without blocking the sender) each time this node commits
	// commands: the live updates look at once. Nil: they look every LivePoll only.
	Committed <-chan struct{}
}

// Defaults for Options left zero.
const (
	DefaultIdleTimeout = 30 * time.Minute
	DefaultMaxAge      = 12 * time.Hour
	DefaultLivePoll    = 300 * time.Millisecond
)

// Console serves the web console under /console/.
type Console struct {
	svc      *service.Service
	opts     Options
	assets   *assets
	pages    map[string]*page
	sessions *sessions
	// operatorTag marks an operator session; it is derived from the operator's token, so a new
	// token ends the sessions of the old one. Empty: the operator pages are off.
	operatorTag string
	now         func() time.Time
	// stopping is closed by Stop: live streams end, so that a graceful shutdown is not held up
	// by pages left open.
	stopping chan struct{}
	stopOnce sync.Once
	live     *hub
}

// Stop ends every live stream (and those opened later at once). Register it with the HTTP
// server's RegisterOnShutdown: http.Server.Shutdown waits for requests to finish, and a live
// stream never does by itself.
func (c *Console) Stop() { c.stopOnce.Do(func() { close(c.stopping) }) }

// New builds the console over the service.
func New(svc *service.Service, opts Options, now func() time.Time) (*Console, error) {
	if len(opts.SessionKey) < 32 {
		return nil, fmt.Errorf("console: a session key of at least 32 bytes is required")
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = DefaultMaxAge
	}
	if opts.LivePoll <= 0 {
		opts.LivePoll = DefaultLivePoll
	}
	a, err := loadAssets()
	if err != nil {
		return nil, fmt.Errorf("console: assets: %w", err)
	}
	c := &Console{svc: svc, opts: opts, assets: a, now: now, stopping: make(chan struct{}),
		sessions: &sessions{key: opts.SessionKey, secure: opts.Secure, idle: opts.IdleTimeout, maxAge: opts.MaxAge}}
	if opts.OperatorToken != "" && opts.Admin != nil {
		c.operatorTag = operatorTag(opts.SessionKey, opts.OperatorToken)
	}
	if c.pages, err = loadPages(a); err != nil {
		return nil, fmt.Errorf("console: templates: %w", err)
	}
	c.live = newHub(c)
	return c, nil
}

// Handler returns the console's handler, to be mounted at /console/: the route table behind the
// cross-origin protection of every state-changing request.
func (c *Console) Handler() http.Handler {
	return securityHeaders(http.NewCrossOriginProtection().Handler(c.routes()))
}

// maxFormBytes bounds a console request's body: a form, never an upload.
const maxFormBytes = 64 << 10

// securityHeaders sets the headers every console answer carries: scripts and styles from the
// console's own origin only, no framing.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Content-Type-Options", "nosniff")
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		next.ServeHTTP(w, r)
	})
}
