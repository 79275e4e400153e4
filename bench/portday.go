package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// PortDayOptions shape a realistic port day.
type PortDayOptions struct {
	Rate     float64       // commands per second (0: flat out)
	Duration time.Duration // how long to measure
	Workers  int           // concurrent callers
	Seed     uint64
	// Webhooks has the Forwarder's Release Right notifications pushed to a receiver of the run,
	// and measures each of its commands from answer to webhook.
	Webhooks bool
	// Observe, when set, is called as each command of a container is sent (told: the Forwarder
	// is told of it, see step); the function it returns is called with the command's answer and
	// returns what the container waits for before its next command (nil: nothing). Other
	// containers keep the arrival rate meanwhile.
	Observe func(eq string, told bool) (answered func(err error) <-chan struct{}) `json:"-"`
}

// PortDayResult is what a port day measured.
type PortDayResult struct {
	Commands Result `json:"commands"`
	// Webhooks is the latency from the answer of each command the Forwarder's channel is told of
	// to its webhook (with Options.Webhooks); Duplicates counts messages delivered twice.
	Webhooks   *Result     `json:"webhooks,omitempty"`
	Duplicates int         `json:"webhookDuplicates"`
	GateChecks Percentiles `json:"gateCheckLatencyMs"`
	GateCount  int         `json:"gateChecks"`
	Containers int         `json:"containersStarted"`
	Completed  int         `json:"containersPickedUp"`
	Rejected   int         `json:"deliberatelyRejected"`
}

// lifecycle is one container going through its whole life, one step at a time: each step is one
// call, and a container's steps never overlap.
type lifecycle struct {
	eq    string
	steps []step
	next  int
}

// step is one call of a lifecycle, answering the publicReferenceId of its receipt; gate marks the
// synchronous gate check (measured apart), bad a command meant to be refused (a NotValidated, as
// about one in ten commands is in real life), told a command whose Release Right notification the
// Forwarder receives (its webhook latency is measured).
type step struct {
	do   func(ctx context.Context) (string, error)
	gate bool
	bad  bool
	told bool
}

// PortDay plays containers through their whole life (release with or without releaseTo,
// transfers, accepts, some declines and revokes, blocks, updates, discharge, terminal release,
// customs, pick-up assignment, gate check, gate-out), about one command in ten refused, at a fixed
// arrival rate: each arrival is the next step of a container whose previous step is done, or the
// release of a new container when none is waiting. With o.Webhooks it also measures the
// Forwarder's webhooks; an error is only about setting them up.
func PortDay(ctx context.Context, p *Port, o PortDayOptions) (PortDayResult, error) {
	var (
		rc       *receiver
		answered answers
	)
	if o.Webhooks {
		var err error
		if rc, err = startReceiver(); err != nil {
			return PortDayResult{}, err
		}
		defer rc.srv.Close()
		unsubscribe, err := rc.subscribe(ctx, p, Forwarder, "ReleaseRight")
		if err != nil {
			return PortDayResult{}, err
		}
		defer unsubscribe()
	}
	rng := rand.New(rand.NewPCG(o.Seed, 7))
	var rngMu sync.Mutex
	chance := func(pct int) bool {
		rngMu.Lock()
		defer rngMu.Unlock()
		return rng.IntN(100) < pct
	}
	var (
		serial, started, completed, rejected atomic.Int64
		gateMu                               sync.Mutex
		gates                                []time.Duration
	)
	ready := make(chan *lifecycle, 1<<16)
	newLifecycle := func() *lifecycle {
		n := int(serial.Add(1))
		started.Add(1)
		return &lifecycle{eq: p.Container(500_000 + n), steps: p.script(p.Container(500_000+n), chance)}
	}
	res := Run(ctx, "port day commands", o.Rate, o.Duration, o.Workers, func(ctx context.Context, _ int) error {
		var lc *lifecycle
		select {
		case lc = <-ready:
		default:
			lc = newLifecycle()
		}
		for {
			s := lc.steps[lc.next]
			lc.next++
			var observed func(error) <-chan struct{}
			if o.Observe != nil && !s.gate {
				observed = o.Observe(lc.eq, s.told)
			}
			t := time.Now()
			pub, err := s.do(ctx)
			if s.gate {
				gateMu.Lock()
				gates = append(gates, time.Since(t))
				gateMu.Unlock()
				if err != nil {
					return err
				}
				continue // a gate check is no command: the arrival is the next step
			}
			if s.bad {
				rejected.Add(1)
			}
			if s.told && rc != nil && err == nil {
				answered.add(pub, time.Now())
			}
			var wait <-chan struct{}
			if observed != nil {
				wait = observed(err)
			}
			switch {
			case lc.next == len(lc.steps):
				completed.Add(1)
			case wait != nil:
				go func() { <-wait; ready <- lc }()
			default:
				ready <- lc
			}
			return err
		}
	})
	out := PortDayResult{Commands: res, GateChecks: Summarise(gates), GateCount: len(gates),
		Containers: int(started.Load()), Completed: int(completed.Load()), Rejected: int(rejected.Load())}
	if rc != nil {
		w := rc.latencies(&answered, res, 30*time.Second)
		out.Webhooks, out.Duplicates = &w, rc.duplicates()
	}
	return out, nil
}

// script is the life of container eq. chance(pct) draws the variations.
func (p *Port) script(eq string, chance func(int) bool) []step {
	var s []step
	add := func(do func(ctx context.Context) (string, error)) { s = append(s, step{do: do}) }
	bad := func(do func(ctx context.Context) (string, error)) { s = append(s, step{do: do, bad: true}) }
	// right is a release-right action the script expects to be applied: the Forwarder is told
	// of it when it is the releaseFrom or releaseTo.
	right := func(as, action, from, to string) {
		s = append(s, step{told: from == Forwarder || to == Forwarder, do: func(ctx context.Context) (string, error) {
			return p.Right(ctx, as, action, eq, from, to)
		}})
	}
	refused := func(as, action, from, to string) {
		bad(func(ctx context.Context) (string, error) { return p.Right(ctx, as, action, eq, from, to) })
	}
	ingest := func(action string) func(ctx context.Context) (string, error) {
		return func(ctx context.Context) (string, error) { return p.Ingest(ctx, action, eq) }
	}
	terminal := func(action string) func(ctx context.Context) (string, error) {
		return func(ctx context.Context) (string, error) { return p.TerminalEvent(ctx, action, eq) }
	}
	if chance(50) {
		s = append(s, step{told: true, do: func(ctx context.Context) (string, error) { return p.Release(ctx, eq, Forwarder) }})
	} else {
		add(func(ctx context.Context) (string, error) { return p.Release(ctx, eq, "") })
		right(ShippingAgent, "Transfer", ShippingAgent, Forwarder)
		if chance(10) {
			right(Forwarder, "Decline", ShippingAgent, Forwarder)
			right(ShippingAgent, "Transfer", ShippingAgent, Forwarder)
		}
	}
	if chance(25) {
		refused(secondForwarder, "Accept", ShippingAgent, secondForwarder) // not the party it is pending to
	}
	right(Forwarder, "Accept", ShippingAgent, Forwarder)
	right(Forwarder, "Transfer", Forwarder, Haulier)
	if chance(10) {
		right(Forwarder, "Revoke", Forwarder, Haulier)
		right(Forwarder, "Transfer", Forwarder, Haulier)
	}
	if chance(25) {
		refused(Forwarder, "Transfer", Forwarder, Terminal) // pending: no second transfer
	}
	right(Haulier, "Accept", Forwarder, Haulier)
	if chance(20) {
		add(ingest("Block"))
		if chance(50) {
			bad(ingest("Block")) // identical light
		}
		add(ingest("Unblock"))
	}
	if chance(20) {
		add(ingest("Update"))
	}
	add(terminal("Discharge"))
	if chance(25) {
		bad(terminal("Discharge")) // identical light
	}
	add(terminal("Release"))
	add(func(ctx context.Context) (string, error) { return p.Customs(ctx, eq, "RELEASED") })
	add(func(ctx context.Context) (string, error) { return p.Pickup(ctx, "Assign", eq, "1-BNC-"+eq[7:10]) })
	if chance(25) {
		refused(Haulier, "Transfer", Haulier, secondHaulier) // Pick up Right already generated
	}
	s = append(s, step{gate: true, do: func(ctx context.Context) (string, error) { return "", p.GateCheck(ctx, eq, Haulier, true) }})
	add(terminal("GateOut"))
	return s
}

// Ingest sends a Shipping Agent command (Block, Unblock, Update) for eq's release.
func (p *Port) Ingest(ctx context.Context, action, eq string) (string, error) {
	return p.send(ctx, ShippingAgent, http.MethodPost, p.ingestPath(ShippingAgent), p.ingestBody(action, eq))
}

func (p *Port) ingestBody(action, eq string) []byte {
	b := make([]byte, 0, 320)
	b = append(b, `{"actionType":"`...)
	b = append(b, action...)
	b = p.keyFields(b, eq)
	if action == "Update" {
		b = append(b, `,"vesselName":"BENCH VESSEL II","stayNumber":"STAY1","equipmentType":"45G1"`...)
	}
	return append(b, '}')
}

// GateCheck asks the synchronous gate check for eq and transport operator to; with wantAllowed a
// refusal is an error.
func (p *Port) GateCheck(ctx context.Context, eq, to string, wantAllowed bool) error {
	q := url.Values{"terminalCode": {TerminalCode}, "transportOperator": {to}}
	resp, err := p.As(Terminal).Do(ctx, http.MethodGet, "/certified-pickup/v1/"+p.Creds.PortLoCode+"/containers/"+eq+"/import/gate-check", q, nil, "")
	if err != nil {
		return err
	}
	if resp.Status != http.StatusOK {
		return fmt.Errorf("gate check %s: HTTP %d %s", eq, resp.Status, resp.Body)
	}
	if wantAllowed && !jsonAllowed(resp.Body) {
		return fmt.Errorf("gate check %s: a ready container is refused: %s", eq, resp.Body)
	}
	return nil
}
