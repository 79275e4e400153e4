// Package bench is Portlight's measuring instrument: it drives a running node over HTTP at a fixed
// arrival rate (open loop, so a slow server cannot slow the load down and hide its own latency) or
// flat out, and reports throughput and latency percentiles.
package bench

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Call is one request of a load; it returns an error for a failed or unexpected answer.
type Call func(ctx context.Context, i int) error

// Result is what a load measured.
type Result struct {
	Name      string        `json:"name"`
	Rate      float64       `json:"targetRate"`
	Duration  time.Duration `json:"-"`
	Seconds   float64       `json:"seconds"`
	Sent      int           `json:"sent"`
	Errors    int           `json:"errors"`
	FirstErr  string        `json:"firstError,omitempty"`
	Achieved  float64       `json:"achievedPerSecond"`
	Latencies Percentiles   `json:"latencyMs"`
}

// Percentiles of a latency distribution, in milliseconds.
type Percentiles struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// Percentile returns the q-quantile (0..1) of the sorted samples.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Summarise computes the percentiles of samples.
func Summarise(samples []time.Duration) Percentiles {
	s := slices.Clone(samples)
	slices.Sort(s)
	return Percentiles{P50: ms(percentile(s, .50)), P95: ms(percentile(s, .95)), P99: ms(percentile(s, .99)), Max: ms(percentile(s, 1))}
}

// Run sends calls for duration: at rate calls per second (each call's latency counted from the
// moment it was due, not from when a worker got to it), or, with rate 0, as fast as `workers`
// concurrent callers can (each call's latency counted from its start: the calls queued for the
// workers are the generator's backlog, not the server's). It stops by itself after duration.
func Run(ctx context.Context, name string, rate float64, duration time.Duration, workers int, call Call) Result {
	ctx, cancel := context.WithTimeout(ctx, duration+30*time.Second)
	defer cancel()
	type job struct {
		i   int
		due time.Time
	}
	jobs := make(chan job, workers*4)
	var (
		mu      sync.Mutex
		samples = make([]time.Duration, 0, int(rate*duration.Seconds())+1024)
		errs    atomic.Int64
		first   atomic.Value
		wg      sync.WaitGroup
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, 1024)
			for j := range jobs {
				if j.due.IsZero() { // flat out: from the start of the call, not the wait in the queue
					j.due = time.Now()
				}
				err := call(ctx, j.i)
				local = append(local, time.Since(j.due))
				if err != nil {
					if errs.Add(1) == 1 {
						first.Store(err.Error())
					}
				}
			}
			mu.Lock()
			samples = append(samples, local...)
			mu.Unlock()
		}()
	}
	start := time.Now()
	end := start.Add(duration)
	sent := 0
	if rate > 0 {
		interval := time.Duration(float64(time.Second) / rate)
		for next := start; next.Before(end) && ctx.Err() == nil; next = next.Add(interval) {
			if d := time.Until(next); d > 0 {
				time.Sleep(d)
			}
			jobs <- job{i: sent, due: next}
			sent++
		}
	} else {
		for time.Now().Before(end) && ctx.Err() == nil {
			jobs <- job{i: sent}
			sent++
		}
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	r := Result{Name: name, Rate: rate, Duration: elapsed, Seconds: elapsed.Seconds(), Sent: sent, Errors: int(errs.Load()),
		Achieved: float64(sent) / elapsed.Seconds(), Latencies: Summarise(samples)}
	if f, ok := first.Load().(string); ok {
		r.FirstErr = f
	}
	return r
}

// String renders a result as one table line.
func (r Result) String() string {
	return fmt.Sprintf("%-28s %8.0f/s target %8.0f/s achieved  p50 %7.2f ms  p95 %7.2f ms  p99 %7.2f ms  max %8.2f ms  errors %d/%d",
		r.Name, r.Rate, r.Achieved, r.Latencies.P50, r.Latencies.P95, r.Latencies.P99, r.Latencies.Max, r.Errors, r.Sent)
}

// RunCount makes n calls as fast as `workers` concurrent callers can, and reports like Run.
func RunCount(ctx context.Context, name string, n, workers int, call Call) Result {
	var (
		next    atomic.Int64
		errs    atomic.Int64
		first   atomic.Value
		mu      sync.Mutex
		samples = make([]time.Duration, 0, n)
		wg      sync.WaitGroup
	)
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, n/workers+1)
			for i := int(next.Add(1) - 1); i < n && ctx.Err() == nil; i = int(next.Add(1) - 1) {
				t := time.Now()
				if err := call(ctx, i); err != nil && errs.Add(1) == 1 {
					first.Store(err.Error())
				}
				local = append(local, time.Since(t))
			}
			mu.Lock()
			samples = append(samples, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	r := Result{Name: name, Duration: elapsed, Seconds: elapsed.Seconds(), Sent: len(samples), Errors: int(errs.Load()),
		Achieved: float64(len(samples)) / elapsed.Seconds(), Latencies: Summarise(samples)}
	if f, ok := first.Load().(string); ok {
		r.FirstErr = f
	}
	return r
}
