package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/portlight/portlight/bench"
	"github.com/portlight/portlight/config"
)

// benchConsoleListCmd measures the console's "My containers" of a company with many releases
// (docs/performance.md).
func benchConsoleListCmd() *cobra.Command {
	var (
		o      bench.ConsoleListOptions
		start  bool
		report string
	)
	cmd := &cobra.Command{
		Use:   "console-list",
		Short: "Store releases of one forwarder, then time its console list pages: first page, filters, searches (see docs/performance.md)",
		Args:  cobra.NoArgs,
	}
	cmd.Flags().IntVar(&o.Releases, "releases", 100_000, "releases in the forwarder's list")
	cmd.Flags().IntVar(&o.PastHolder, "past-holder", 5_000, "of which it accepted and transferred on (a past holder only)")
	cmd.Flags().IntVar(&o.Workers, "workers", 64, "concurrent callers of the releases stored first")
	cmd.Flags().IntVar(&o.Requests, "requests", 300, "list pages per kind of query, one at a time")
	cmd.Flags().StringVar(&o.Stored, "stored", "", "the owner code of the containers an earlier run on the node of --data-dir stored (its first line names it): time the pages only")
	cmd.Flags().BoolVar(&start, "start", false, "start a fresh sandbox node for the run (store from --database-url, else SQLite; else use the node of --data-dir)")
	cmd.Flags().StringVar(&report, "json", "", "also write the results as JSON to this file")
	return withConfig(cmd, func(ctx context.Context, cfg config.Config) error {
		creds, _, stop, err := benchSandbox(ctx, cmd, cfg, start)
		if err != nil {
			return err
		}
		defer stop()
		results, err := bench.ConsoleList(ctx, bench.NewPort(creds), o)
		for _, r := range results {
			fmt.Println(r)
		}
		if werr := writeReport(report, results); werr != nil {
			return werr
		}
		return err
	}, benchStartOptions...)
}
