package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/portlight/portlight/bench"
	"github.com/portlight/portlight/config"
)

// benchConsoleLiveCmd measures the console's live updates at scale: many consoles on the live
// stream while the port day runs (docs/performance.md).
func benchConsoleLiveCmd() *cobra.Command {
	var (
		o      bench.ConsoleLiveOptions
		start  bool
		report string
	)
	cmd := &cobra.Command{
		Use:   "console-live",
		Short: "Open many consoles' live streams, run the port day, and measure command → browser event and the node's memory (see docs/performance.md)",
		Args:  cobra.NoArgs,
	}
	cmd.Flags().IntVar(&o.Consoles, "consoles", 1000, "live streams, spread over the sandbox companies")
	cmd.Flags().Float64Var(&o.Day.Rate, "rate", 1000, "port day commands per second")
	cmd.Flags().DurationVar(&o.Day.Duration, "duration", 30*time.Second, "how long the port day runs")
	cmd.Flags().IntVar(&o.Day.Workers, "workers", 256, "concurrent callers of the port day")
	cmd.Flags().Uint64Var(&o.Day.Seed, "seed", 1, "seed of the variations")
	cmd.Flags().DurationVar(&o.Timeout, "timeout", 5*time.Second, "how long an event may take before it counts as missing")
	cmd.Flags().BoolVar(&start, "start", false, "start a fresh sandbox node for the run (store from --database-url, else SQLite; else use the node of --data-dir)")
	cmd.Flags().IntVar(&o.ServerPID, "server-pid", 0, "the server's process id, to report its memory when it was not started by --start")
	cmd.Flags().StringVar(&report, "json", "", "also write the report as JSON to this file")
	return withConfig(cmd, func(ctx context.Context, cfg config.Config) error {
		creds, pid, stop, err := benchSandbox(ctx, cmd, cfg, start)
		if err != nil {
			return err
		}
		defer stop()
		if start {
			o.ServerPID = pid
		}
		r, err := bench.ConsoleLive(ctx, bench.NewPort(creds), o)
		if err != nil {
			return err
		}
		store := "sqlite"
		if cfg.DatabaseURL != "" {
			store = "postgres"
		}
		d := r.Day.Commands
		fmt.Printf("\nPortlight console live updates on %s: %d consoles (connected in %.1f s), port day %s at %.0f/s target\n",
			store, r.Consoles, r.Connect, o.Day.Duration, o.Day.Rate)
		fmt.Printf("  commands accepted    %8.0f /s   answer p50 %.2f ms  p99 %.2f ms  (%d sent, %d errors)\n",
			d.Achieved, d.Latencies.P50, d.Latencies.P99, d.Sent, d.Errors)
		fmt.Printf("  command → event      %8d      p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms  (on the Forwarder's consoles, from the sending; %d missing)\n",
			r.Samples, r.Latencies.P50, r.Latencies.P95, r.Latencies.P99, r.Latencies.Max, r.Missing)
		fmt.Printf("  answer → event                 p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms  (the same from the command's answer: the live updates' own part)\n",
			r.AfterAnswer.P50, r.AfterAnswer.P95, r.AfterAnswer.P99, r.AfterAnswer.Max)
		fmt.Printf("  events received      %8d      by all consoles; %d streams ended early\n", r.Events, r.Ended)
		if o.ServerPID > 0 {
			fmt.Printf("  server RSS           %8.0f MB before the consoles, %.0f MB connected, %.0f MB after the day (growth %.0f MB), peak %.0f MB\n",
				r.RSS.Before, r.RSS.Connected, r.RSS.After, r.RSS.After-r.RSS.Before, r.RSS.Peak)
			fmt.Printf("  server CPU           %8.2f cores busy on average during the day\n", r.ServerCPU)
		}
		if d.FirstErr != "" {
			fmt.Printf("  first error: %s\n", d.FirstErr)
		}
		return writeReport(report, r)
	}, benchStartOptions...)
}
