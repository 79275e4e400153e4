package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/portlight/portlight/bench"
	"github.com/portlight/portlight/config"
)

// benchPasswordFloodCmd measures another tenant's gate checks while password guessers flood the
// token endpoint (issue 14; docs/security.md has the figures).
func benchPasswordFloodCmd() *cobra.Command {
	var o bench.PasswordFloodOptions
	var report string
	cmd := &cobra.Command{
		Use:   "password-flood",
		Short: "Measure the gate check quiet, then while parallel callers guess passwords",
		Args:  cobra.NoArgs,
	}
	cmd.Flags().IntVar(&o.Ready, "ready", 200, "containers walked up to an assigned Pick-up Right first")
	cmd.Flags().Float64Var(&o.Rate, "rate", 200, "gate checks per second")
	cmd.Flags().DurationVar(&o.Duration, "duration", 15*time.Second, "how long each half measures")
	cmd.Flags().IntVar(&o.Workers, "workers", 32, "concurrent gate-check callers")
	cmd.Flags().IntVar(&o.Guessers, "guessers", 100, "parallel password guessers")
	cmd.Flags().BoolVar(&o.Spread, "spread", false, "each guesser from its own loopback address (127.0.1.x), so the per-address lock does not apply")
	cmd.Flags().StringVar(&report, "json", "", "also write the results as JSON to this file")
	return withConfig(cmd, func(ctx context.Context, cfg config.Config) error {
		creds, err := runningSandbox(ctx, cmd, cfg.DataDir)
		if err != nil {
			return err
		}
		results, err := bench.PasswordFlood(ctx, bench.NewPort(creds), o)
		for _, r := range results {
			fmt.Println(r)
		}
		if werr := writeReport(report, results); werr != nil {
			return werr
		}
		return err
	}, sandboxOptions...)
}
