package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/portlight/portlight/bench"
)

// benchConsoleListCmd measures the console's "My containers" of a company with many releases
// (docs/performance.md).
func benchConsoleListCmd() *cobra.Command {
	var o bench.ConsoleListOptions
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
	return resultsBench(cmd, func(ctx context.Context, p *bench.Port) ([]bench.Result, error) {
		return bench.ConsoleList(ctx, p, o)
	})
}
