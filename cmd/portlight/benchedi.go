package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/portlight/portlight/bench"
)

// benchEDICmd measures the EDIFACT gateway: interchanges of thousands of terminal reports parsed
// and applied (docs/edifact.md).
func benchEDICmd() *cobra.Command {
	var o bench.EDIOptions
	cmd := &cobra.Command{
		Use:   "edi",
		Short: "Release containers, then measure a COARRI and a CODECO interchange of one message per container (see docs/performance.md)",
		Args:  cobra.NoArgs,
	}
	cmd.Flags().IntVar(&o.Messages, "messages", 10_000, "messages per interchange (one container each)")
	cmd.Flags().IntVar(&o.Workers, "workers", 64, "concurrent callers of the releases made first")
	return resultsBench(cmd, func(ctx context.Context, p *bench.Port) ([]bench.Result, error) {
		return bench.EDI(ctx, p, o)
	})
}
