package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/portlight/portlight/admin"
	"github.com/portlight/portlight/config"
	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/server"
)

// adminCmd is the operator's command line: it works on the store of --data-dir or
// --database-url directly, so it needs no running node. Nodes see changes within seconds.
func adminCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "admin", Short: "Manage companies, terminals, clients, keys, users and signing keys"}
	run := func(use, short string, args cobra.PositionalArgs, do func(ctx context.Context, a *admin.Admin, args []string) (any, error)) *cobra.Command {
		c := &cobra.Command{Use: use, Short: short, Args: args}
		var positional []string
		c.PreRun = func(_ *cobra.Command, a []string) { positional = a }
		return withConfig(c, func(ctx context.Context, cfg config.Config) error {
			st, err := server.OpenStore(ctx, cfg)
			if err != nil {
				return err
			}
			defer st.Close()
			// New signing keys are sealed with the nodes' key (docs/security.md); without one
			// (PostgreSQL and no --secret-key-file) a new key waits in clear for the next node start.
			var keySealer identity.KeySealer
			if sealer, err := server.Sealer(cfg); err == nil {
				keySealer = sealer
			}
			out, err := do(ctx, admin.New(st, time.Now, nil, keySealer), positional)
			if err != nil {
				return err
			}
			if out != nil {
				enc := json.NewEncoder(os.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(out)
			}
			return nil
		}, storeOptions...)
	}
	group := func(use, short string, subs ...*cobra.Command) *cobra.Command {
		g := &cobra.Command{Use: use, Short: short}
		g.AddCommand(subs...)
		return g
	}
	cmd.AddCommand(
		group("companies", "Companies",
			run("list", "List companies", cobra.NoArgs, func(ctx context.Context, a *admin.Admin, _ []string) (any, error) {
				return a.Companies(ctx)
			}),
			run("put FILE|-", "Create or replace a company from its JSON (nxtEntityId, name, eori, tin, apcs, duns, scac, externalId, roles, addresses)", cobra.ExactArgs(1),
				func(ctx context.Context, a *admin.Admin, args []string) (any, error) {
					var c identity.Company
					if err := readJSON(args[0], &c); err != nil {
						return nil, err
					}
					return a.PutCompany(ctx, c)
				}),
			run("rotate-ingestion-id NXTENTITYID", "Give a company a new ingestion id", cobra.ExactArgs(1),
				func(ctx context.Context, a *admin.Admin, args []string) (any, error) {
					id, err := a.RotateIngestionID(ctx, args[0])
					return map[string]string{"ingestionId": id}, err
				}),
		),
		group("terminals", "Terminals",
			run("list", "List terminals", cobra.NoArgs, func(ctx context.Context, a *admin.Admin, _ []string) (any, error) {
				return a.Terminals(ctx)
			}),
			run("put PORT CODE OPERATOR [NAME]", "Create or replace a terminal run by a Terminal Operator", cobra.RangeArgs(3, 4),
				func(ctx context.Context, a *admin.Admin, args []string) (any, error) {
					t := identity.Terminal{PortLoCode: args[0], Code: args[1], OperatorID: args[2]}
					if len(args) == 4 {
						t.Name = args[3]
					}
					return nil, a.PutTerminal(ctx, t)
				}),
			run("delete PORT CODE", "Delete a terminal", cobra.ExactArgs(2), func(ctx context.Context, a *admin.Admin, args []string) (any, error) {
				return nil, a.DeleteTerminal(ctx, args[0], args[1])
			}),
		),
		group("clients", "Client applications (client credentials)",
			run("list [NXTENTITYID]", "List client applications", cobra.MaximumNArgs(1), func(ctx context.Context, a *admin.Admin, args []string) (any, error) {
				return a.Clients(ctx, first(args))
			}),
			run("create NXTENTITYID [NAME]", "Create a client application; its secret is shown once", cobra.RangeArgs(1, 2),
				func(ctx context.Context, a *admin.Admin, args []string) (any, error) {
					return a.CreateClient(ctx, args[0], strings.Join(args[1:], " "))
				}),
			run("revoke CLIENTID", "Revoke a client application at once", cobra.ExactArgs(1), func(ctx context.Context, a *admin.Admin, args []string) (any, error) {
				return nil, a.RevokeClient(ctx, args[0])
			}),
		),
		group("keys", "Subscription keys (Ocp-Apim-Subscription-Key)",
			run("list [NXTENTITYID]", "List subscription keys", cobra.MaximumNArgs(1), func(ctx context.Context, a *admin.Admin, args []string) (any, error) {
				return a.SubscriptionKeys(ctx, first(args))
			}),
			run("create NXTENTITYID [NAME]", "Create a subscription key; it is shown once", cobra.RangeArgs(1, 2),
				func(ctx context.Context, a *admin.Admin, args []string) (any, error) {
					return a.CreateSubscriptionKey(ctx, args[0], strings.Join(args[1:], " "))
				}),
			run("revoke KEYID", "Revoke a subscription key at once", cobra.ExactArgs(1), func(ctx context.Context, a *admin.Admin, args []string) (any, error) {
				return nil, a.RevokeSubscriptionKey(ctx, args[0])
			}),
		),
		group("users", "Users (password grant)",
			run("list [NXTENTITYID]", "List users", cobra.MaximumNArgs(1), func(ctx context.Context, a *admin.Admin, args []string) (any, error) {
				return a.Users(ctx, first(args))
			}),
			run("create NXTENTITYID USERNAME", "Create a user; the password is read from standard input, or made and shown once when none is given", cobra.ExactArgs(2),
				func(ctx context.Context, a *admin.Admin, args []string) (any, error) {
					password := ""
					if fi, err := os.Stdin.Stat(); err == nil && fi.Mode()&os.ModeCharDevice == 0 {
						b, err := io.ReadAll(io.LimitReader(os.Stdin, 4096))
						if err != nil {
							return nil, err
						}
						password = strings.TrimRight(string(b), "\r\n")
					}
					return a.CreateUser(ctx, args[0], args[1], password)
				}),
			run("revoke USERNAME", "Revoke a user at once", cobra.ExactArgs(1), func(ctx context.Context, a *admin.Admin, args []string) (any, error) {
				return nil, a.RevokeUser(ctx, args[0])
			}),
		),
		group("signing-keys", "Token signing keys",
			run("list", "List signing keys", cobra.NoArgs, func(ctx context.Context, a *admin.Admin, _ []string) (any, error) {
				return a.SigningKeys(ctx)
			}),
			run("rotate", "Add a new signing key; nodes sign with it within 30 s, older keys still verify", cobra.NoArgs,
				func(ctx context.Context, a *admin.Admin, _ []string) (any, error) { return a.RotateSigningKey(ctx) }),
			run("retire KID", "Retire a signing key: its tokens stop working", cobra.ExactArgs(1), func(ctx context.Context, a *admin.Admin, args []string) (any, error) {
				return nil, a.RetireSigningKey(ctx, args[0])
			}),
		),
	)
	cmd.AddCommand(adminChannelsCmd())
	return cmd
}

func first(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

// readJSON decodes a file, or standard input for "-".
func readJSON(path string, v any) error {
	var r io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	dec := json.NewDecoder(io.LimitReader(r, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
