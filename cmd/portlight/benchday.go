package main

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/portlight/portlight/bench"
	"github.com/portlight/portlight/config"
	"github.com/portlight/portlight/server"
	"github.com/portlight/portlight/store"
)

// portDayReport is the JSON report of `portlight bench port-day`.
type portDayReport struct {
	Store        string                  `json:"store"`
	Cores        int                     `json:"cores"`
	Preload      *bench.HistoryResult    `json:"preload,omitempty"`
	ListTotals   map[string]int          `json:"rightsListTotals,omitempty"`
	Day          bench.PortDayResult     `json:"portDay"`
	RightsLists  *bench.RightsListResult `json:"rightsLists,omitempty"`
	ServerCPU    float64                 `json:"serverCpuCoresBusy,omitempty"`
	DatabaseCPU  float64                 `json:"databaseCpuCoresBusy,omitempty"` // a PostgreSQL server on this machine
	ServerPeakMB float64                 `json:"serverPeakRssMB,omitempty"`
	HTTPCeiling  *bench.Result           `json:"httpCeiling,omitempty"`
	StoreCeiling *bench.Result           `json:"storeCeiling,omitempty"`
	Ratios       map[string]float64      `json:"ratios,omitempty"`
	Options      bench.PortDayOptions    `json:"options"`
	ListOptions  bench.RightsListOptions `json:"rightsListOptions"`
}

func benchPortDayCmd() *cobra.Command {
	var (
		o          bench.PortDayOptions
		start      bool
		containers int
		ceilings   bool
		report     string
		serverPID  int
		list       bench.RightsListOptions
		preloadW   int
		histOwner  string
	)
	cmd := &cobra.Command{
		Use:   "port-day",
		Short: "Play containers through their whole life at a fixed rate and measure (see README)",
		Args:  cobra.NoArgs,
	}
	cmd.Flags().Float64Var(&o.Rate, "rate", 1000, "commands per second (0: flat out)")
	cmd.Flags().DurationVar(&o.Duration, "duration", 20*time.Second, "how long to measure")
	cmd.Flags().IntVar(&o.Workers, "workers", 256, "concurrent callers")
	cmd.Flags().Uint64Var(&o.Seed, "seed", 1, "seed of the variations")
	cmd.Flags().BoolVar(&o.Webhooks, "webhooks", true, "push the Forwarder's Release Right notifications to a webhook receiver of the run and measure command → webhook")
	cmd.Flags().BoolVar(&start, "start", false, "start a fresh sandbox node for the run (store from --database-url, else SQLite), and measure its CPU and memory")
	cmd.Flags().IntVar(&containers, "containers", 0, "releases to store before measuring (a stored history)")
	cmd.Flags().BoolVar(&ceilings, "ceilings", true, "also measure the HTTP-only and store-only ceilings (with --start)")
	cmd.Flags().StringVar(&report, "json", "", "also write the report as JSON to this file")
	cmd.Flags().Float64Var(&list.Rate, "list-rate", 20, "rights-list pages asked per second during the day, beside the commands (0: none)")
	cmd.Flags().IntVar(&preloadW, "preload-workers", 256, "concurrent callers of the preload")
	cmd.Flags().StringVar(&histOwner, "history-owner", "", "the --containers history is already stored (without --start), by an earlier run whose report names this owner code: no preload")
	cmd.Flags().IntVar(&serverPID, "server-pid", 0, "the server's process id, to report its CPU and memory when it was not started by --start")
	return withConfig(cmd, func(ctx context.Context, cfg config.Config) error {
		rep := portDayReport{Store: "sqlite", Cores: runtime.NumCPU(), Options: o, Ratios: map[string]float64{}}
		if cfg.DatabaseURL != "" {
			rep.Store = "postgres"
		}
		creds, pid, stop, err := benchSandbox(ctx, cmd, cfg, start)
		if err != nil {
			return err
		}
		defer stop()
		if start {
			serverPID = pid
		}
		p := bench.NewPort(creds)
		hist := p.NewHistory(containers)
		var before map[string]int // the lists before this run's preload, to check what it stored
		if histOwner != "" {
			hist.Owner = histOwner
		} else if containers > 0 {
			var err error
			if before, err = bench.ListTotals(ctx, p); err != nil {
				return err
			}
			h, err := bench.StoreHistory(ctx, p, hist, preloadW)
			for _, r := range h.Steps {
				fmt.Println(r)
			}
			if err != nil {
				return err
			}
			fmt.Printf("preload: %d commands in %.0f s, %.0f /s (history owner code %s)\n", h.Commands, h.Seconds, h.Rate, hist.Owner)
			rep.Preload = &h
		}
		if list.Rate > 0 {
			totals, err := bench.ListTotals(ctx, p)
			if err != nil {
				return err
			}
			rep.ListTotals = totals
			if before != nil {
				added := maps.Clone(totals)
				for company, n := range before {
					added[company] -= n
				}
				if want := bench.ExpectedListTotals(containers); !maps.Equal(added, want) {
					return fmt.Errorf("the preload added %v to the rights lists, want %v", added, want)
				}
			}
		}
		cpu0, _, _ := procStats(serverPID)
		local := localDatabase(cfg.DatabaseURL)
		var db0 time.Duration
		if local {
			db0, _ = bench.CPUOf("postgres")
		}
		t0 := time.Now()
		var lists sync.WaitGroup
		if list.Rate > 0 {
			list.Duration, list.Seed, list.History, list.Workers = o.Duration, o.Seed, hist, 16
			lists.Go(func() {
				r := bench.RightsLists(ctx, p, rep.ListTotals, list)
				rep.RightsLists = &r
			})
		}
		day, err := bench.PortDay(ctx, p, o)
		lists.Wait()
		if err != nil {
			return err
		}
		rep.Day = day
		if serverPID > 0 {
			cpu1, peak, err := bench.ProcStats(serverPID)
			if err == nil {
				rep.ServerCPU = (cpu1 - cpu0).Seconds() / time.Since(t0).Seconds()
				rep.ServerPeakMB = float64(peak) / (1 << 20)
			}
		}
		if local {
			if db1, err := bench.CPUOf("postgres"); err == nil {
				rep.DatabaseCPU = (db1 - db0).Seconds() / time.Since(t0).Seconds()
			}
		}
		if start && ceilings {
			h := bench.HTTPCeiling(ctx, p, 10*time.Second, o.Workers)
			rep.HTTPCeiling = &h
			st, cleanup, err := ceilingStore(ctx, cfg)
			if err != nil {
				return err
			}
			s := bench.StoreCeiling(ctx, st, 10*time.Second, o.Workers)
			cleanup()
			rep.StoreCeiling = &s
			rep.Ratios["commandsToHTTPCeiling"] = rep.Day.Commands.Achieved / h.Achieved
			rep.Ratios["commandsToStoreCeiling"] = rep.Day.Commands.Achieved / s.Achieved
		}
		rep.ListOptions = list
		printPortDay(rep)
		return writeReport(report, rep)
	}, benchStartOptions...)
}

// localDatabase tells whether a PostgreSQL URL names a server on this machine (whose processes
// the bench can see).
func localDatabase(databaseURL string) bool {
	if databaseURL == "" {
		return false
	}
	u, err := url.Parse(databaseURL)
	if err != nil {
		return false
	}
	switch u.Hostname() {
	case "", "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}

func procStats(pid int) (time.Duration, int64, error) {
	if pid <= 0 {
		return 0, 0, nil
	}
	return bench.ProcStats(pid)
}

// ceilingStore opens an empty store of the kind the run measures, for the store-only ceiling.
func ceilingStore(ctx context.Context, cfg config.Config) (store.Store, func(), error) {
	dir, err := os.MkdirTemp("", "portlight-ceiling")
	if err != nil {
		return nil, nil, err
	}
	c := cfg
	c.DataDir = dir
	if c.DatabaseURL == "" {
		c.DataDir = filepath.Join(dir, "data")
	}
	st, err := server.OpenStore(ctx, c)
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	return st, func() { st.Close(); os.RemoveAll(dir) }, nil
}

func printPortDay(r portDayReport) {
	d := r.Day
	fmt.Printf("\nPortlight port day on %s, %d cores, %s at %.0f/s target\n", r.Store, r.Cores, r.Options.Duration, r.Options.Rate)
	fmt.Printf("  commands accepted    %8.0f /s   answer p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms  (%d sent, %d errors)\n",
		d.Commands.Achieved, d.Commands.Latencies.P50, d.Commands.Latencies.P95, d.Commands.Latencies.P99, d.Commands.Latencies.Max, d.Commands.Sent, d.Commands.Errors)
	if w := d.Webhooks; w != nil {
		fmt.Printf("  command → webhook    %8d      p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms  (%d missing, %d duplicates)\n",
			w.Sent, w.Latencies.P50, w.Latencies.P95, w.Latencies.P99, w.Latencies.Max, w.Errors, d.Duplicates)
	}
	fmt.Printf("  gate checks          %8d      p50 %.2f ms  p99 %.2f ms\n", d.GateCount, d.GateChecks.P50, d.GateChecks.P99)
	if l := r.RightsLists; l != nil {
		fmt.Printf("  rights-list pages    %8d      p50 %.2f ms  p99 %.2f ms  max %.2f ms  (%.0f/s, %d errors)\n",
			l.Sent, l.Latencies.P50, l.Latencies.P99, l.Latencies.Max, l.Achieved, l.Errors)
		for _, k := range slices.Sorted(maps.Keys(l.ByKind)) {
			fmt.Printf("    %-18s %8d      p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", k, l.Counts[k], l.ByKind[k].P50, l.ByKind[k].P99, l.ByKind[k].Max)
		}
		if l.FirstErr != "" {
			fmt.Printf("    first error: %s\n", l.FirstErr)
		}
	}
	fmt.Printf("  containers           %8d started, %d picked up, %d commands refused on purpose\n", d.Containers, d.Completed, d.Rejected)
	if r.DatabaseCPU > 0 {
		fmt.Printf("  database             %8.2f cores busy on average (the PostgreSQL server's processes on this machine)\n", r.DatabaseCPU)
	}
	if r.ServerCPU > 0 {
		fmt.Printf("  server               %8.2f cores busy on average, peak RSS %.0f MB\n", r.ServerCPU, r.ServerPeakMB)
	}
	if r.HTTPCeiling != nil {
		fmt.Printf("  ceiling HTTP only    %8.0f /s   (commands are %.2f of it)\n", r.HTTPCeiling.Achieved, r.Ratios["commandsToHTTPCeiling"])
	}
	if r.StoreCeiling != nil {
		fmt.Printf("  ceiling store only   %8.0f /s   (commands are %.2f of it)\n", r.StoreCeiling.Achieved, r.Ratios["commandsToStoreCeiling"])
	}
	if d.Commands.FirstErr != "" {
		fmt.Printf("  first error: %s\n", d.Commands.FirstErr)
	}
}
