package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/portlight/portlight/bench"
	"github.com/portlight/portlight/config"
)

// benchEDICmd measures the EDIFACT gateway: interchanges of thousands of terminal reports parsed
// and applied (docs/edifact.md).
func benchEDICmd() *cobra.Command {
	var (
		o      bench.EDIOptions
		start  bool
		report string
	)
	cmd := &cobra.Command{
		Use:   "edi",
		Short: "Release containers, then measure a COARRI and a CODECO interchange of one message per container (see docs/performance.md)",
		Args:  cobra.NoArgs,
	}
	cmd.Flags().IntVar(&o.Messages, "messages", 10_000, "messages per interchange (one container each)")
	cmd.Flags().IntVar(&o.Workers, "workers", 64, "concurrent callers of the releases made first")
	cmd.Flags().BoolVar(&start, "start", false, "start a fresh sandbox node for the run (store from --database-url, else SQLite; else use the node of --data-dir)")
	cmd.Flags().StringVar(&report, "json", "", "also write the results as JSON to this file")
	return withConfig(cmd, func(ctx context.Context, cfg config.Config) error {
		creds, _, stop, err := benchSandbox(ctx, cmd, cfg, start)
		if err != nil {
			return err
		}
		defer stop()
		results, err := bench.EDI(ctx, bench.NewPort(creds), o)
		for _, r := range results {
			fmt.Println(r)
		}
		if werr := writeReport(report, results); werr != nil {
			return werr
		}
		return err
	}, benchStartOptions...)
}
