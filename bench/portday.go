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
}

// PortDayResult is what a port day measured.
type PortDayResult struct {
	Commands   Result      `json:"commands"`
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

// step is one call of a lifecycle; gate marks the synchronous gate check (measured apart), bad a
// command meant to be refused (a NotValidated, as about one in ten commands is in real life).
type step struct {
	do   func(ctx context.Context) error
	gate bool
	bad  bool
}

// PortDay plays containers through their whole life (release with or without releaseTo,
// transfers, accepts, some declines and revokes, blocks, updates, discharge, terminal release,
// customs, pick-up assignment, gate check, gate-out), about one command in ten refused, at a fixed
// arrival rate: each arrival is the next step of a container whose previous step is done, or the
// release of a new container when none is waiting.
func PortDay(ctx context.Context, p *Port, o PortDayOptions) PortDayResult {
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
			t := time.Now()
			err := s.do(ctx)
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
			if lc.next == len(lc.steps) {
				completed.Add(1)
			} else {
				ready <- lc
			}
			return err
		}
	})
	return PortDayResult{Commands: res, GateChecks: Summarise(gates), GateCount: len(gates),
		Containers: int(started.Load()), Completed: int(completed.Load()), Rejected: int(rejected.Load())}
}

// script is the life of container eq. chance(pct) draws the variations.
func (p *Port) script(eq string, chance func(int) bool) []step {
	var s []step
	add := func(do func(ctx context.Context) error) { s = append(s, step{do: do}) }
	bad := func(do func(ctx context.Context) error) { s = append(s, step{do: do, bad: true}) }
	right := func(as, action, from, to string) func(ctx context.Context) error {
		return func(ctx context.Context) error { return p.Right(ctx, as, action, eq, from, to) }
	}
	ingest := func(action string) func(ctx context.Context) error {
		return func(ctx context.Context) error { return p.Ingest(ctx, action, eq) }
	}
	terminal := func(action string) func(ctx context.Context) error {
		return func(ctx context.Context) error { return p.TerminalEvent(ctx, action, eq) }
	}
	if chance(50) {
		add(func(ctx context.Context) error { return p.Release(ctx, eq, Forwarder) })
	} else {
		add(func(ctx context.Context) error { return p.Release(ctx, eq, "") })
		add(right(ShippingAgent, "Transfer", ShippingAgent, Forwarder))
		if chance(10) {
			add(right(Forwarder, "Decline", ShippingAgent, Forwarder))
			add(right(ShippingAgent, "Transfer", ShippingAgent, Forwarder))
		}
	}
	if chance(25) {
		bad(right(secondForwarder, "Accept", ShippingAgent, secondForwarder)) // not the party it is pending to
	}
	add(right(Forwarder, "Accept", ShippingAgent, Forwarder))
	add(right(Forwarder, "Transfer", Forwarder, Haulier))
	if chance(10) {
		add(right(Forwarder, "Revoke", Forwarder, Haulier))
		add(right(Forwarder, "Transfer", Forwarder, Haulier))
	}
	if chance(25) {
		bad(right(Forwarder, "Transfer", Forwarder, Terminal)) // pending: no second transfer
	}
	add(right(Haulier, "Accept", Forwarder, Haulier))
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
	add(func(ctx context.Context) error { return p.Customs(ctx, eq, "RELEASED") })
	add(func(ctx context.Context) error { return p.Pickup(ctx, "Assign", eq, "1-BNC-"+eq[7:10]) })
	if chance(25) {
		bad(right(Haulier, "Transfer", Haulier, secondHaulier)) // Pick up Right already generated
	}
	s = append(s, step{gate: true, do: func(ctx context.Context) error { return p.GateCheck(ctx, eq, Haulier, true) }})
	add(terminal("GateOut"))
	return s
}

// Ingest sends a Shipping Agent command (Block, Unblock, Update) for eq's release.
func (p *Port) Ingest(ctx context.Context, action, eq string) error {
	return p.call202(ctx, ShippingAgent, http.MethodPost, p.ingestPath(ShippingAgent), p.ingestBody(action, eq))
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
