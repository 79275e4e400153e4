package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
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
	terminal := p.As(Terminal)
	path := "/certified-pickup/v1/" + p.Creds.PortLoCode + "/containers/"
	checks := Run(ctx, "gate check", o.Rate, o.Duration, o.Workers, func(ctx context.Context, i int) error {
		n := rand.IntN(o.Rights)
		wantAllowed := false
		if o.Ready > 0 && i%10 == 0 {
			n, wantAllowed = rand.IntN(o.Ready), true
		}
		eq := p.Container(n)
		q := url.Values{"terminalCode": {TerminalCode}, "transportOperator": {Haulier}}
		resp, err := terminal.Do(ctx, http.MethodGet, path+eq+"/import/gate-check", q, nil, "")
		if err != nil {
			return err
		}
		if resp.Status != http.StatusOK {
			return fmt.Errorf("gate check %s: HTTP %d %s", eq, resp.Status, resp.Body)
		}
		if wantAllowed {
			var v struct {
				Allowed bool     `json:"allowed"`
				Reasons []string `json:"reasons"`
			}
			if err := json.Unmarshal(resp.Body, &v); err != nil || !v.Allowed {
				return fmt.Errorf("gate check %s: a ready container is refused: %s", eq, resp.Body)
			}
		}
		return nil
	})
	return append(out, checks), nil
}
