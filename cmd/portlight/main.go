// Command portlight runs the Portlight Certified Pick-up platform.
//
//	portlight serve --sandbox      run a sandbox on SQLite with demo parties
//	portlight migrate              apply the database migrations and exit
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/portlight/portlight/config"
	"github.com/portlight/portlight/server"
)

func main() {
	tuneGC()
	if err := root().Execute(); err != nil {
		os.Exit(1)
	}
}

func root() *cobra.Command {
	cmd := &cobra.Command{
		Use:           "portlight",
		Short:         "Portlight: a Certified Pick-up platform for import containers",
		SilenceUsage:  true,
		SilenceErrors: false,
	}
	cmd.AddCommand(serveCmd(), migrateCmd(), sandboxEnvCmd(), reportCmd(), benchCmd(), adminCmd())
	return cmd
}

// withConfig adds the configuration flags named (every one when none is named: serve) to cmd,
// and loads the configuration before run.
func withConfig(cmd *cobra.Command, run func(ctx context.Context, cfg config.Config) error, names ...string) *cobra.Command {
	fs := flag.NewFlagSet(cmd.Name(), flag.ContinueOnError)
	if err := config.Bind(fs, names...); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	cmd.Flags().AddGoFlagSet(fs)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg, err := config.Load(fs)
		if err != nil {
			return err
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return run(ctx, cfg)
	}
	return cmd
}

func serveCmd() *cobra.Command {
	return withConfig(&cobra.Command{Use: "serve", Short: "Run a Portlight node", Args: cobra.NoArgs},
		func(ctx context.Context, cfg config.Config) error {
			slog.Info("starting portlight", "config", cfg.Dump())
			srv, err := server.Start(ctx, cfg, os.Stdout)
			if err != nil {
				return err
			}
			if cfg.Sandbox {
				// For sandbox-env, which finds this sandbox from anywhere without --data-dir.
				if err := rememberSandbox(cfg.DataDir); err != nil {
					slog.Warn("could not note the sandbox's data dir for sandbox-env", "err", err)
				}
			}
			<-ctx.Done()
			slog.Info("shutting down")
			return srv.Shutdown(context.Background())
		})
}

func migrateCmd() *cobra.Command {
	return withConfig(&cobra.Command{Use: "migrate", Short: "Apply the database migrations and exit", Args: cobra.NoArgs},
		func(ctx context.Context, cfg config.Config) error {
			// Opening a store applies what migrations it lacks (PostgreSQL: under an advisory lock,
			// so that this may run beside starting nodes).
			st, err := server.OpenStore(ctx, cfg)
			if err != nil {
				return err
			}
			where := "SQLite database " + cfg.SQLitePath()
			if cfg.DatabaseURL != "" {
				where = "PostgreSQL database"
			}
			fmt.Printf("%s is up to date\n", where)
			return st.Close()
		}, storeOptions...)
}
