// Package service is the application layer between the HTTP API and the rest: it authenticates
// callers, resolves the companies and terminals a request names, hands commands to the store's
// write path with the pure rules of package release, and answers queries. It holds no rules of
// its own beyond who may call what.
package service

import (
	"context"
	"net/netip"
	"time"

	"github.com/portlight/portlight/delivery"
	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// Config is what the service needs to know of the deployment.
type Config struct {
	// StrictCheckDigit refuses equipment numbers with a wrong ISO 6346 check digit (default: warn).
	StrictCheckDigit bool
	// RateLimit is the number of calls per minute each subscription may make; 0 means no limit.
	RateLimit int
	// AuthConcurrency is how many password checks may run at once; 0 means half the cores.
	AuthConcurrency int
	// TrustedProxies are the load balancers whose X-Forwarded-For names the caller, for the
	// throttling of failed logins per address (identity/clientaddr.go).
	TrustedProxies []netip.Prefix
}

// Service is the platform behind the API.
type Service struct {
	store  store.Store
	dir    *identity.Directory
	tokens *identity.Tokens
	cfg    Config
	now    func() time.Time
	ready  readyState // the readiness probe's last write (ready.go)
	// Limiter counts calls per subscription; the server runs its flushes (RateLimiter.Run).
	Limiter *RateLimiter
	// Guard caps concurrent password checks and throttles failed proofs of a secret (guard.go).
	Guard *identity.Guard
	// Channels manages the companies' notification channels (channels.go); nil when the
	// store has no outbox.
	Channels *delivery.Manager
}

// New builds the service. now is the clock (time.Now in production).
func New(st store.Store, dir *identity.Directory, tokens *identity.Tokens, cfg Config, now func() time.Time) *Service {
	guard := identity.NewGuard(cfg.AuthConcurrency)
	guard.TrustedProxies = cfg.TrustedProxies
	return &Service{store: st, dir: dir, tokens: tokens, cfg: cfg, now: now, Limiter: NewRateLimiter(cfg.RateLimit, st), Guard: guard}
}

// Receipt is the synchronous answer to an asynchronous call: the command is durably accepted and
// its outcome will arrive as notifications carrying PublicReferenceID.
type Receipt struct {
	PublicReferenceID   string  `json:"publicReferenceId"`
	ExternalReferenceID *string `json:"externalReferenceId"`
}

// Request is one command for one container, as decoded by the API.
type Request struct {
	PortLoCode      string
	EquipmentNumber string
	Command         release.Command
	// Body is the request as received, for the audit trail.
	Body []byte
}

// Execute applies the requests of one call (one, or several for a bulk call) for caller and
// returns once they are durably committed: their outcome is then fixed and stored as
// notifications, so nothing is lost if the process dies after answering.
func (s *Service) Execute(ctx context.Context, caller *Caller, reqs []Request, externalRef *string) (Receipt, error) {
	now := s.now().UTC()
	receipt := Receipt{PublicReferenceID: newID(), ExternalReferenceID: externalRef}
	ops := make([]store.Op, len(reqs))
	for i, r := range reqs {
		port := identity.NormaliseCode(r.PortLoCode)
		eq := identity.NormaliseCode(r.EquipmentNumber)
		s.resolve(ctx, port, r.Command)
		meta := release.Meta{
			Now: now, PublicReferenceID: receipt.PublicReferenceID, ExternalReferenceID: externalRef,
			Sender: caller.Company.Party(), NewReleaseID: newID(), StrictCheckDigit: s.cfg.StrictCheckDigit,
		}
		cmd := r.Command
		ops[i] = store.Op{
			PortLoCode: port, EquipmentNumber: eq,
			Decide: func(c *release.Container) release.Outcome { return release.Decide(c, cmd, meta) },
			Audit: store.Audit{
				PublicReferenceID: receipt.PublicReferenceID, CompanyID: caller.Company.NxtEntityID,
				Action: cmd.Action(), EquipmentNumber: eq, Request: r.Body, At: now,
			},
		}
	}
	if _, err := s.store.Apply(ctx, ops...); err != nil {
		return Receipt{}, Internal(err)
	}
	return receipt, nil
}

// resolve fills in the companies and the terminal a command names, from the registry.
func (s *Service) resolve(ctx context.Context, port string, cmd release.Command) {
	ref := func(r *release.PartyRef) {
		if r.Given() {
			r.Party = s.dir.Resolve(ctx, r.IdentificationType, r.IdentificationCode)
		}
	}
	switch c := cmd.(type) {
	case *release.Ingestion:
		if c.TerminalCode != "" {
			c.Terminal = s.dir.Terminal(ctx, port, c.TerminalCode)
		}
		ref(&c.Carrier)
		ref(&c.ReleaseTo)
	case *release.RightAction:
		ref(&c.ReleaseFrom)
		ref(&c.ReleaseTo)
	case *release.TerminalEvent:
		c.Terminal = s.dir.Terminal(ctx, port, c.TerminalCode)
	case *release.PickupValidation:
		c.Terminal = s.dir.Terminal(ctx, port, c.TerminalCode)
		ref(&c.TransportOperator)
	}
}
