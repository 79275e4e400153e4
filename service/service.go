// Package service is the application layer, the one door every front end (the HTTP API today, a
// console and an EDIFACT gateway next) passes: it authenticates callers, lets a call through only
// if the senders table of package release gives the caller's company a role for it (Authorize),
// resolves the companies and terminals a command names (release.Command.Names), hands commands to
// the store's write path with the pure rules of package release, and answers queries with the
// core's and the stores' values (the JSON views are the API's). It holds no rules of its own.
package service

import (
	"cmp"
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
	// guard caps concurrent password checks and throttles failed proofs of a secret (guard.go).
	guard *identity.Guard
	// channels manages the companies' notification channels (channels.go); nil when the node
	// has none.
	channels *delivery.Manager
}

// New builds the service on its collaborators: the store, the registry, the token keys and the
// notification channels' manager (nil: the node has no notification channels). now is the clock
// (time.Now in production).
func New(st store.Store, dir *identity.Directory, tokens *identity.Tokens, channels *delivery.Manager, cfg Config, now func() time.Time) *Service {
	guard := identity.NewGuard(cfg.AuthConcurrency)
	guard.TrustedProxies = cfg.TrustedProxies
	return &Service{store: st, dir: dir, tokens: tokens, channels: channels, cfg: cfg, now: now, guard: guard}
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
	results, err := s.ExecuteAll(ctx, caller, []Call{{Requests: reqs, ExternalRef: externalRef, id: publicReferenceID(ctx)}})
	if err == nil {
		err = results[0].Err
	}
	if err != nil {
		return Receipt{}, err
	}
	return results[0].Receipt, nil
}

// Call is one call of a front end: requests applied together under one publicReferenceId.
type Call struct {
	Requests    []Request
	ExternalRef *string
	// id is the publicReferenceId the call is to have (an Idempotency-Key retry's), or "" for a new one.
	id string
}

// Result is what came of one Call: its receipt and the outcome of each of its requests, or the
// error that refused the whole call before any of it was applied.
type Result struct {
	Receipt  Receipt
	Outcomes []release.Outcome
	Err      error
}

// ExecuteAll applies several calls of caller in order, each under its own publicReferenceId, in
// one hand-over to the store (the EDIFACT gateway's interchange of thousands of messages commits
// in a few groups instead of one group per message). A call refused before it is applied (an
// error of its own) does not stop the others; err is a failure of the whole.
func (s *Service) ExecuteAll(ctx context.Context, caller *Caller, calls []Call) ([]Result, error) {
	now := s.now().UTC()
	results := make([]Result, len(calls))
	var ops []store.Op
calls:
	for ci, call := range calls {
		receipt := Receipt{PublicReferenceID: cmp.Or(call.id, newID()), ExternalReferenceID: call.ExternalRef}
		results[ci].Receipt = receipt
		for _, r := range call.Requests {
			if err := Authorize(caller, r.Command.Call()); err != nil {
				results[ci].Err = err
				continue calls
			}
		}
		if err := checkSizes(call); err != nil {
			results[ci].Err = err
			continue calls
		}
		for _, r := range call.Requests {
			port, eq := release.NormaliseCode(r.PortLoCode), release.NormaliseCode(r.EquipmentNumber)
			s.resolve(ctx, port, r.Command.Names())
			meta := release.Meta{
				Now: now, PublicReferenceID: receipt.PublicReferenceID, ExternalReferenceID: call.ExternalRef,
				Sender: caller.Company.Party(), NewReleaseID: newID(), StrictCheckDigit: s.cfg.StrictCheckDigit,
			}
			cmd := r.Command
			ops = append(ops, store.Op{
				PortLoCode: port, EquipmentNumber: eq,
				Decide: func(c *release.Container) release.Outcome { return release.Decide(c, cmd, meta) },
				Audit: store.Audit{
					PublicReferenceID: receipt.PublicReferenceID, CompanyID: caller.Company.NxtEntityID,
					Action: cmd.Action(), EquipmentNumber: eq, Request: r.Body, At: now,
				},
			})
		}
	}
	outs, err := s.store.Apply(ctx, ops...)
	if err != nil {
		return nil, Internal(err)
	}
	for ci, call := range calls {
		if results[ci].Err != nil {
			continue
		}
		results[ci].Outcomes, outs = outs[:len(call.Requests)], outs[len(call.Requests):]
		// A command the core refuses as not allowed (release.Outcome.NotAllowed: an Unblock or
		// Delete that would change a stored field) is answered 405, as the seed says, not by
		// notification.
		for _, o := range results[ci].Outcomes {
			if o.NotAllowed {
				results[ci].Err = Errorf(CodeMethodNotAllowed, "%s", o.Reason)
				break
			}
		}
	}
	return results, nil
}

// resolve fills in the companies and the terminal a command names (release.Names), from the
// registry.
func (s *Service) resolve(ctx context.Context, port string, names release.Names) {
	for _, r := range names.Parties {
		if r.Given() {
			r.Party = s.dir.Resolve(ctx, r.IdentificationType, r.IdentificationCode)
		}
	}
	if t := names.Terminal; t != nil {
		*t.Into = s.dir.Terminal(ctx, port, t.Code)
	}
}
