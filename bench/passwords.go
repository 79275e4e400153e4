package bench

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// PasswordFloodOptions shape the password-flood benchmark.
type PasswordFloodOptions struct {
	Ready    int           // containers walked up to an assigned Pick-up Right, for the gate checks
	Rate     float64       // gate checks per second
	Duration time.Duration // how long each half measures
	Workers  int           // concurrent gate-check callers
	Guessers int           // parallel password guessers (issue 14: 100)
	// Spread sends each guesser's calls from its own loopback address (127.0.0.2, .3, ...), so
	// that only the concurrency cap can refuse them, not the per-address lock. Loopback targets only.
	Spread bool
}

// PasswordFlood measures what password guessing costs another tenant (issue 14): the gate check's
// latency while nobody guesses, then while o.Guessers callers post wrong passwords for unknown
// users to POST /connect/token as fast as they can. Every guess once ran Argon2id (19 MiB) with no
// cap; now at most --auth-concurrency run at once and the rest are refused with 429.
func PasswordFlood(ctx context.Context, p *Port, o PasswordFloodOptions) ([]Result, error) {
	ready := RunCount(ctx, "preload ready containers", o.Ready, o.Workers, func(ctx context.Context, i int) error {
		return p.ReadyForPickup(ctx, p.Container(i))
	})
	out := []Result{ready}
	if ready.Errors > 0 {
		return out, fmt.Errorf("preload failed: %s", ready.FirstErr)
	}
	check := func(ctx context.Context, i int) error {
		return p.GateCheck(ctx, p.Container(rand.IntN(o.Ready)), Haulier, true)
	}
	out = append(out, Run(ctx, "gate check, quiet", o.Rate, o.Duration, o.Workers, check))

	guessCtx, stop := context.WithCancel(ctx)
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		samples   []time.Duration
		refused   atomic.Int64
		wrong     atomic.Int64
		unexpects atomic.Int64
		firstErr  atomic.Value
	)
	start := time.Now()
	for g := 0; g < o.Guessers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hc := guesserClient(g, o.Spread)
			var local []time.Duration
			for n := 0; guessCtx.Err() == nil; n++ {
				form := url.Values{"grant_type": {"password"}, "username": {fmt.Sprintf("guesser%d-%d", g, n)}, "password": {"wrong"}}
				req, _ := http.NewRequestWithContext(guessCtx, http.MethodPost, p.Creds.BaseURL+"/connect/token", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				t := time.Now()
				resp, err := hc.Do(req)
				if err != nil {
					if guessCtx.Err() == nil && unexpects.Add(1) == 1 {
						firstErr.Store(err.Error())
					}
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				local = append(local, time.Since(t))
				switch resp.StatusCode {
				case http.StatusBadRequest:
					wrong.Add(1)
				case http.StatusTooManyRequests:
					refused.Add(1)
				default:
					if unexpects.Add(1) == 1 {
						firstErr.Store(fmt.Sprintf("password guess: HTTP %d", resp.StatusCode))
					}
				}
			}
			mu.Lock()
			samples = append(samples, local...)
			mu.Unlock()
		}()
	}
	time.Sleep(time.Second) // let the guessers get going
	under := Run(ctx, fmt.Sprintf("gate check, %d guessers", o.Guessers), o.Rate, o.Duration, o.Workers, check)
	stop()
	wg.Wait()
	elapsed := time.Since(start)
	sent := int(wrong.Load() + refused.Load() + unexpects.Load())
	guesses := Result{Name: fmt.Sprintf("guesses (%d checked, %d 429)", wrong.Load(), refused.Load()), Duration: elapsed,
		Seconds: elapsed.Seconds(), Sent: sent, Errors: int(unexpects.Load()), Achieved: float64(sent) / elapsed.Seconds(),
		Latencies: Summarise(samples)}
	if f, ok := firstErr.Load().(string); ok {
		guesses.FirstErr = f
	}
	return append(out, under, guesses), nil
}

// guesserClient is guesser g's HTTP client; with spread it connects from its own loopback
// address, as if every guesser were a different machine.
func guesserClient(g int, spread bool) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second}
	if spread {
		d.LocalAddr = &net.TCPAddr{IP: net.IPv4(127, 0, byte(1+g/250), byte(2+g%250))}
	}
	return &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 4}}
}
