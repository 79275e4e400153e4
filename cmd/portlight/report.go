package main

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/portlight/portlight/config"
	"github.com/portlight/portlight/server"
)

var monthPattern = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])$`)

// ccrmUsageCmd prints the CCRM billing report: per company, the containers it read in a month.
func ccrmUsageCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ccrm-usage [MONTH]",
		Short: "Report metered CCRM GET use per company for a month (YYYY-MM, default this month)",
		Args:  cobra.MaximumNArgs(1),
	}
	var month string
	cmd.PreRunE = func(_ *cobra.Command, args []string) error {
		month = time.Now().UTC().Format("2006-01")
		if len(args) == 1 {
			month = args[0]
		}
		if !monthPattern.MatchString(month) {
			return fmt.Errorf("MONTH %q is not YYYY-MM", month)
		}
		return nil
	}
	return withConfig(cmd, func(ctx context.Context, cfg config.Config) error {
		st, err := server.OpenStore(ctx, cfg)
		if err != nil {
			return err
		}
		defer st.Close()
		rows, err := st.CCRMUsage(ctx, month)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(os.Stdout, 0, 2, 2, ' ', 0)
		fmt.Fprintln(tw, "MONTH\tNXTENTITYID\tCONTAINERS")
		total := 0
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%d\n", r.Month, r.CompanyID, r.Containers)
			total += r.Containers
		}
		fmt.Fprintf(tw, "%s\tTOTAL\t%d\n", month, total)
		return tw.Flush()
	}, storeOptions...)
}

// reportCmd groups the operator's reports.
func reportCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "report", Short: "Operator reports"}
	cmd.AddCommand(ccrmUsageCmd())
	return cmd
}
