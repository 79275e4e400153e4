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

// GateCheck stores o.Rights releases (o.Ready of them ready for pick-up), then asks the
// synchronous gate check o.Rate times a second for o.Duration, for random containers (one in ten a
// ready one, which must be allowed). It returns the preload and the measurement.
func GateCheck(ctx context.Context, p *Port, o GateCheckOptions) ([]Result, error) {
	var out []Result
	preload := RunCount(ctx, "preload releases", o.Rights-o.Ready, o.Workers, func(ctx context.Context, i int) error {
		return p.Release(ctx, p.Container(o.Ready+i), "")
	})
	out = append(out, preload)
	ready := RunCount(ctx, "preload ready containers", o.Ready, o.Workers, func(ctx context.Context, i int) error {
		return p.ReadyForPickup(ctx, p.Container(i))
	})
	out = append(out, ready)
	if preload.Errors+ready.Errors > 0 {
		return out, fmt.Errorf("preload failed: %s %s", preload.FirstErr, ready.FirstErr)
	}

	checks := Run(ctx, "gate check", o.Rate, o.Duration, o.Workers, func(ctx context.Context, i int) error {
		n := rand.IntN(o.Rights)
		wantAllowed := false
		if o.Ready > 0 && i%10 == 0 {
			n, wantAllowed = rand.IntN(o.Ready), true
		}
		return p.GateCheck(ctx, p.Container(n), Haulier, wantAllowed)
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
