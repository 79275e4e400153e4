package main

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/portlight/portlight/client"
	"github.com/portlight/portlight/config"
	"github.com/portlight/portlight/sandbox"
)

var shellName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// sandboxEnvCmd prints a sandbox party's credentials and a fresh access token as shell exports, so that the README's
// walk-through can be pasted without a JSON tool: eval "$(portlight sandbox-env NXT... SA)".
func sandboxEnvCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox-env NXTENTITYID PREFIX",
		Short: "Print a sandbox party's credentials and a fresh token as shell exports (PREFIX_TOKEN, PREFIX_CLIENT_ID, ...)",
		Args:  cobra.ExactArgs(2),
	}
	var args []string
	cmd.PreRun = func(_ *cobra.Command, a []string) { args = a }
	return withConfig(cmd, func(ctx context.Context, cfg config.Config) error {
		id, prefix := args[0], strings.ToUpper(args[1])
		if !shellName.MatchString(prefix) {
			return fmt.Errorf("PREFIX %q is not a shell variable name", prefix)
		}
		creds, err := sandbox.Read(cfg.DataDir)
		if err != nil {
			return fmt.Errorf("read sandbox credentials (start `portlight serve --sandbox` first): %w", err)
		}
		for _, p := range creds.Parties {
			if p.NxtEntityID != id {
				continue
			}
			c := &client.Client{BaseURL: creds.BaseURL, ClientID: p.ClientID, ClientSecret: p.ClientSecret}
			token, err := c.Token(ctx)
			if err != nil {
				return fmt.Errorf("get a token from %s (is the sandbox running?): %w", creds.TokenURL, err)
			}
			for _, kv := range [][2]string{
				{"TOKEN", token},
				{"BASE_URL", creds.BaseURL}, {"NXT_ENTITY_ID", p.NxtEntityID}, {"CLIENT_ID", p.ClientID},
				{"CLIENT_SECRET", p.ClientSecret}, {"SUBSCRIPTION_KEY", p.SubscriptionKey}, {"INGESTION_ID", p.IngestionID},
			} {
				fmt.Fprintf(os.Stdout, "export %s_%s='%s'\n", prefix, kv[0], kv[1])
			}
			return nil
		}
		return fmt.Errorf("no sandbox party %s in %s", id, cfg.DataDir)
	})
}
