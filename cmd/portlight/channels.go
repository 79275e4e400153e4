package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/portlight/portlight/api"
	"github.com/portlight/portlight/config"
	"github.com/portlight/portlight/delivery"
	"github.com/portlight/portlight/server"
)

// adminChannelsCmd manages the companies' notification channels on the store directly (the nodes
// pick a change up within their poll interval): what a company does through
// /certified-pickup/v1/notification-channels, for the operator.
func adminChannelsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "channels", Short: "Notification channels (webhooks) of the companies"}
	var company string
	withManager := func(c *cobra.Command, do func(ctx context.Context, m *delivery.Manager, args []string) (any, error)) *cobra.Command {
		var positional []string
		c.PreRun = func(_ *cobra.Command, a []string) { positional = a }
		c.Flags().StringVar(&company, "company", "", "the company's NxtEntityId")
		return withConfig(c, func(ctx context.Context, cfg config.Config) error {
			st, err := server.OpenStore(ctx, cfg)
			if err != nil {
				return err
			}
			defer st.Close()
			sealer, err := server.Sealer(cfg)
			if err != nil {
				return err
			}
			m := delivery.NewManager(st, sealer, server.Policy(cfg), delivery.DefaultRetry, time.Now, nil)
			m.MaxChannels = cfg.MaxChannels
			out, err := do(ctx, m, positional)
			if err != nil {
				return err
			}
			if out != nil {
				enc := json.NewEncoder(os.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(out)
			}
			return nil
		}, channelOptions...)
	}
	needCompany := func() error {
		if company == "" {
			return errors.New("--company NXTENTITYID is required")
		}
		return nil
	}

	list := withManager(&cobra.Command{Use: "list", Short: "List the channels of --company (of every company without it)", Args: cobra.NoArgs},
		func(ctx context.Context, m *delivery.Manager, _ []string) (any, error) {
			chs, err := m.List(ctx, company)
			if err != nil {
				return nil, err
			}
			type line struct {
				CompanyID string `json:"companyId"`
				api.ChannelView
			}
			out := make([]line, 0, len(chs))
			for _, ch := range chs {
				out = append(out, line{CompanyID: ch.CompanyID, ChannelView: api.ViewChannel(ch)})
			}
			return out, nil
		})

	var spec delivery.Spec
	var auth delivery.AuthSpec
	var headers []string
	var fromJSON string
	add := withManager(&cobra.Command{Use: "add", Short: "Add a channel to --company; its signing secret is shown once", Args: cobra.NoArgs},
		func(ctx context.Context, m *delivery.Manager, _ []string) (any, error) {
			if err := needCompany(); err != nil {
				return nil, err
			}
			s := spec
			if fromJSON != "" {
				if err := readJSON(fromJSON, &s); err != nil {
					return nil, err
				}
			} else {
				s.Headers = map[string]string{}
				for _, h := range headers {
					k, v, ok := strings.Cut(h, "=")
					if !ok {
						return nil, fmt.Errorf("--header %q: want NAME=VALUE", h)
					}
					s.Headers[k] = v
				}
				if auth.Type != "" {
					a := auth
					s.Authentication = &a
				}
			}
			ch, err := m.Create(ctx, company, s)
			if err != nil {
				return nil, err
			}
			return api.CreatedChannel{ChannelView: api.ViewChannel(ch), Secret: ch.SigningSecret()}, nil
		})
	f := add.Flags()
	f.StringVar(&spec.Name, "name", "", "the channel's name")
	f.StringVar(&spec.URL, "url", "", "the webhook URL (HTTPS; HTTP and private addresses only with --allow-private-webhooks)")
	f.StringSliceVar(&spec.Types, "type", nil, "a notification type it wants (ReleaseLight, ReleaseRight, TerminalEvent); repeat; none: all")
	f.StringArrayVar(&headers, "header", nil, "a static header NAME=VALUE; repeat")
	f.StringVar(&auth.Type, "auth", "", "none, OAuth2ClientCredentials or OAuth2Password")
	f.StringVar(&auth.TokenEndpoint, "token-endpoint", "", "the receiver's OAuth 2.0 token endpoint")
	f.StringVar(&auth.ClientID, "client-id", "", "OAuth 2.0 client id")
	f.StringVar(&auth.ClientSecret, "client-secret", "", "OAuth 2.0 client secret")
	f.StringSliceVar(&auth.Scopes, "scope", nil, "an OAuth 2.0 scope; repeat")
	f.StringVar(&auth.Username, "username", "", "the user of OAuth2Password")
	f.StringVar(&auth.Password, "password", "", "the password of OAuth2Password")
	f.StringVar(&fromJSON, "json", "", "read the whole channel from this JSON file (- for standard input) instead of the flags")

	del := withManager(&cobra.Command{Use: "delete CHANNELID", Short: "Delete a channel of --company and its deliveries", Args: cobra.ExactArgs(1)},
		func(ctx context.Context, m *delivery.Manager, args []string) (any, error) {
			if err := needCompany(); err != nil {
				return nil, err
			}
			return nil, m.Delete(ctx, company, args[0])
		})
	cmd.AddCommand(list, add, del)
	return cmd
}
