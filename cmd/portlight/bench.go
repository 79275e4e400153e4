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
	"github.com/portlight/portlight/sandbox"
)

// benchCmd groups the load generator's scenarios; each drives a running sandbox node.
func benchCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "bench", Short: "Measure a running Portlight sandbox (see README)"}
	cmd.AddCommand(benchGateCheckCmd(), benchPortDayCmd(), benchWebhooksCmd(), benchPasswordFloodCmd(), benchEDICmd(), benchConsoleListCmd(),
		benchConsoleLiveCmd())
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
		if werr := writeReport(report, results); werr != nil {
			return werr
		}
		return err
	}, sandboxOptions...)
}

// resultsBench finishes a bench command that runs on a sandbox node and gives a list of results:
// --start (a fresh node) or the node of --data-dir, --json, and the results printed.
func resultsBench(cmd *cobra.Command, run func(ctx context.Context, p *bench.Port) ([]bench.Result, error)) *cobra.Command {
	var (
		start  bool
		report string
	)
	cmd.Flags().BoolVar(&start, "start", false, "start a fresh sandbox node for the run (store from --database-url, else SQLite; else use the node of --data-dir)")
	cmd.Flags().StringVar(&report, "json", "", "also write the results as JSON to this file")
	return withConfig(cmd, func(ctx context.Context, cfg config.Config) error {
		creds, _, stop, err := benchSandbox(ctx, cmd, cfg, start)
		if err != nil {
			return err
		}
		defer stop()
		results, err := run(ctx, bench.NewPort(creds))
		for _, r := range results {
			fmt.Println(r)
		}
		if werr := writeReport(report, results); werr != nil {
			return werr
		}
		return err
	}, benchStartOptions...)
}

// writeReport writes a bench's results as JSON to the file of its --json flag, if it has one.
func writeReport(file string, results any) error {
	if file == "" {
		return nil
	}
	b, err := json.MarshalIndent(results, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(file, b, 0o644)
}

// benchSandbox is the sandbox a bench drives: a fresh node it starts when start (stop it with the
// function returned; pid is its process id), else the running one of the configuration.
func benchSandbox(ctx context.Context, cmd *cobra.Command, cfg config.Config, start bool) (creds *sandbox.Credentials, pid int, stop func(), err error) {
	if !start {
		creds, err = runningSandbox(ctx, cmd, cfg.DataDir)
		if err != nil {
			return nil, 0, nil, fmt.Errorf("%w (or use --start)", err)
		}
		return creds, 0, func() {}, nil
	}
	self, err := os.Executable()
	if err != nil {
		return nil, 0, nil, err
	}
	srv, err := bench.StartServer(ctx, self, startedServerArgs(cfg)...)
	if err != nil {
		return nil, 0, nil, err
	}
	return srv.Creds, srv.PID(), func() { _ = srv.Stop() }, nil
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
