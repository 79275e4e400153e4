package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/portlight/portlight/bench"
	"github.com/portlight/portlight/config"
)

// benchWebhooksCmd measures end-to-end webhook latency: command answered → webhook received.
func benchWebhooksCmd() *cobra.Command {
	var (
		o      bench.WebhookOptions
		start  bool
		report string
	)
	cmd := &cobra.Command{
		Use:   "webhooks",
		Short: "Measure command 202 → webhook received at a fixed rate, with a local receiver (see README)",
		Args:  cobra.NoArgs,
	}
	cmd.Flags().Float64Var(&o.Rate, "rate", 1000, "commands per second")
	cmd.Flags().DurationVar(&o.Duration, "duration", 20*time.Second, "how long to send commands")
	cmd.Flags().IntVar(&o.Workers, "workers", 128, "concurrent callers")
	cmd.Flags().DurationVar(&o.Wait, "wait", 30*time.Second, "how long to wait for the last webhooks")
	cmd.Flags().BoolVar(&start, "start", false, "start a fresh sandbox node for the run (store from --database-url, else SQLite; else use the node of --data-dir)")
	cmd.Flags().StringVar(&report, "json", "", "also write the results as JSON to this file")
	return withConfig(cmd, func(ctx context.Context, cfg config.Config) error {
		creds, _, stop, err := benchSandbox(ctx, cmd, cfg, start)
		if err != nil {
			return err
		}
		defer stop()
		res, err := bench.Webhooks(ctx, bench.NewPort(creds), o)
		fmt.Println(res.Commands)
		fmt.Println(res.Webhooks)
		if res.Duplicates > 0 {
			fmt.Printf("duplicate webhooks: %d\n", res.Duplicates)
		}
		if werr := writeReport(report, res); werr != nil {
			return werr
		}
		return err
	}, benchStartOptions...)
}
