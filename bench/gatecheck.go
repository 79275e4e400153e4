package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"
)

// GateCheckOptions shape the gate-check benchmark.
type GateCheckOptions struct {
	Rights   int           // active rights stored before measuring
	Ready    int           // of which walked up to an assigned Pick-up Right
	Rate     float64       // gate checks per second
	Duration time.Duration // how long to measure
	Workers  int           // concurrent callers
}

// GateCheck stores a history of o.Rights-o.Ready containers (StoreHistory: rights spread over the
// demo companies) and o.Ready containers walked up to an assigned Pick-up Right, then asks the
// synchronous gate check o.Rate times a second for o.Duration, for random containers (one in ten a
// ready one, which must be allowed). It returns the preload and the measurement.
func GateCheck(ctx context.Context, p *Port, o GateCheckOptions) ([]Result, error) {
	var out []Result
	history := p.NewHistory(max(0, o.Rights-o.Ready))
	h, err := StoreHistory(ctx, p, history, o.Workers)
	out = append(out, h.Steps...)
	if err != nil {
		return out, fmt.Errorf("preload failed: %w", err)
	}
	ready := RunCount(ctx, "preload ready containers", o.Ready, o.Workers, func(ctx context.Context, i int) error {
		return p.ReadyForPickup(ctx, p.Container(i))
	})
	out = append(out, ready)
	if ready.Errors > 0 {
		return out, fmt.Errorf("preload failed: %s", ready.FirstErr)
	}

	checks := Run(ctx, "gate check", o.Rate, o.Duration, o.Workers, func(ctx context.Context, i int) error {
		if o.Ready > 0 && (i%10 == 0 || history.N == 0) {
			return p.GateCheck(ctx, p.Container(rand.IntN(o.Ready)), Haulier, true)
		}
		return p.GateCheck(ctx, history.Container(rand.IntN(history.N)), Haulier, false)
	})
	return append(out, checks), nil
}

// jsonAllowed reads the "allowed" of a gate-check answer.
func jsonAllowed(body []byte) bool {
	var v struct {
		Allowed bool `json:"allowed"`
	}
	return json.Unmarshal(body, &v) == nil && v.Allowed
}
