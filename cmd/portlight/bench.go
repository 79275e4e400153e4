package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/portlight/portlight/bench"
	"github.com/portlight/portlight/config"
)

// benchCmd groups the load generator's scenarios; each drives a running sandbox node.
func benchCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "bench", Short: "Measure a running Portlight sandbox (see README)"}
	cmd.AddCommand(benchGateCheckCmd(), benchPortDayCmd(), benchWebhooksCmd(), benchPasswordFloodCmd())
	return cmd
}

func benchGateCheckCmd() *cobra.Command {
	var o bench.GateCheckOptions
	var report string
	cmd := &cobra.Command{
		Use:   "gate-check",
		Short: "Store active rights, then measure the synchronous gate check at a fixed rate",
		Args:  cobra.NoArgs,
	}
	cmd.Flags().IntVar(&o.Rights, "rights", 100_000, "active rights to store first")
	cmd.Flags().IntVar(&o.Ready, "ready", 1_000, "of which walked up to an assigned Pick-up Right")
	cmd.Flags().Float64Var(&o.Rate, "rate", 2_000, "gate checks per second")
	cmd.Flags().DurationVar(&o.Duration, "duration", 20*time.Second, "how long to measure")
	cmd.Flags().IntVar(&o.Workers, "workers", 64, "concurrent callers")
	cmd.Flags().StringVar(&report, "json", "", "also write the results as JSON to this file")
	return withConfig(cmd, func(ctx context.Context, cfg config.Config) error {
		creds, err := runningSandbox(ctx, cmd, cfg.DataDir)
		if err != nil {
			return err
		}
		results, err := bench.GateCheck(ctx, bench.NewPort(creds), o)
		for _, r := range results {
			fmt.Println(r)
		}
		if report != "" {
			b, _ := json.MarshalIndent(results, "", "  ")
			if werr := os.WriteFile(report, b, 0o644); werr != nil {
				return werr
			}
		}
		return err
	}, sandboxOptions...)
}

// startedServerArgs are the options a node started by a bench's --start takes from the bench's own
// configuration: the store, and the key of the channels' secrets when one is named (else the node
// gets one made for the run).
func startedServerArgs(cfg config.Config) []string {
	var args []string
	if cfg.DatabaseURL != "" {
		args = append(args, "--database-url", cfg.DatabaseURL)
	}
	if cfg.SecretKeyFile != "" {
		args = append(args, "--secret-key-file", cfg.SecretKeyFile)
	}
	return args
}
