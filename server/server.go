// Package server assembles a Portlight node from its configuration: the store, the registry,
// the token keys, the service and the HTTP API, and runs it until told to stop.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/portlight/portlight/admin"
	"github.com/portlight/portlight/api"
	"github.com/portlight/portlight/config"
	"github.com/portlight/portlight/delivery"
	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/sandbox"
	"github.com/portlight/portlight/service"
	"github.com/portlight/portlight/store"
	"github.com/portlight/portlight/store/postgres"
	"github.com/portlight/portlight/store/sqlite"
)

// Server is a running node.
type Server struct {
	cfg      config.Config
	stop     context.CancelFunc
	done     chan struct{}
	store    store.Store
	http     *http.Server
	listener net.Listener
	hooks    *webhooks
	// BaseURL is where the node is reached (the chosen port filled in).
	BaseURL string
}

// OpenStore opens the store the configuration names: PostgreSQL when --database-url is set,
// SQLite in the data dir otherwise. Either brings its schema up to date on the way.
func OpenStore(ctx context.Context, cfg config.Config) (store.Store, error) {
	if cfg.DatabaseURL != "" {
		return postgres.Open(ctx, cfg.DatabaseURL, postgres.Options{MaxConns: cfg.DBMaxConns})
	}
	return sqlite.Open(ctx, cfg.SQLitePath())
}

// Start opens everything and starts serving; out receives what a person should read (the
// address, the sandbox credentials).
func Start(ctx context.Context, cfg config.Config, out io.Writer) (*Server, error) {
	st, err := OpenStore(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	s := &Server{cfg: cfg, store: st}
	if err := s.start(ctx, out); err != nil {
		_ = st.Close()
		return nil, err
	}
	return s, nil
}

func (s *Server) start(ctx context.Context, out io.Writer) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	maxConns := s.cfg.MaxConns
	if maxConns <= 0 {
		maxConns = DefaultMaxConns
	}
	ln = limitConns(ln, maxConns)
	s.listener = ln
	s.BaseURL = s.cfg.PublicURL
	if s.BaseURL == "" {
		s.BaseURL = "http://" + ln.Addr().String()
	}
	now := time.Now().UTC()
	var creds *sandbox.Credentials
	// The operator's token opens the admin API and the console's operator pages; a sandbox has
	// one of its own unless one is configured.
	operatorToken := s.cfg.AdminToken
	if s.cfg.Sandbox {
		var err error
		creds, err = sandbox.Seed(ctx, s.store, s.cfg.DataDir, s.BaseURL, now)
		if err != nil {
			ln.Close()
			return fmt.Errorf("seed sandbox: %w", err)
		}
		if operatorToken == "" {
			operatorToken = creds.OperatorToken
		} else {
			creds.OperatorToken = "" // a configured secret is not written out
		}
		if err := sandbox.Write(s.cfg.DataDir, creds); err != nil {
			ln.Close()
			return fmt.Errorf("write sandbox credentials: %w", err)
		}
		sandbox.Print(out, creds, filepath.Join(s.cfg.DataDir, sandbox.CredentialsFile))
	}
	sealer, err := Sealer(s.cfg)
	if err != nil {
		ln.Close()
		return err
	}
	tokens, err := signingKeys(ctx, s.store, s.BaseURL, now, sealer)
	if err != nil {
		ln.Close()
		return err
	}
	dir, err := identity.NewDirectory(ctx, s.store)
	if err != nil {
		ln.Close()
		return fmt.Errorf("load registry: %w", err)
	}
	hooks, err := newWebhooks(s.cfg, s.store)
	if err != nil {
		ln.Close()
		return err
	}
	s.hooks = hooks
	// This node sees a revocation at once, the others within a second or two.
	adm := admin.New(s.store, time.Now, func(ctx context.Context) { _ = dir.Reload(ctx) }, sealer)
	// The console's live updates look at once when this node commits (console/live.go).
	committed := make(chan struct{}, 1)
	svc := service.New(delivery.WakeAfterApply(hooks.wrap(s.store), func() {
		select {
		case committed <- struct{}{}:
		default:
		}
	}), dir, tokens, hooks.manager, service.Config{StrictCheckDigit: s.cfg.StrictCheckDigit,
		AuthConcurrency: s.cfg.AuthConcurrency, TrustedProxies: s.cfg.TrustedProxies}, time.Now)
	limiter := api.NewRateLimiter(s.cfg.RateLimit, s.store)
	if s.cfg.Sandbox && !s.cfg.SandboxEmpty {
		if err := sandbox.SeedContainers(ctx, svc, creds); err != nil {
			ln.Close()
			return fmt.Errorf("seed sandbox containers: %w", err)
		}
	}
	handler, stopConsole, err := withConsole(ctx, s.store, svc, adm, operatorToken, s.BaseURL, s.cfg.ConsolePort, committed,
		api.New(svc, api.Options{Limiter: limiter, Admin: adm, AdminToken: operatorToken,
			BenchEndpoints: s.cfg.BenchEndpoints, Metrics: hooks.metrics, Sealer: hooks.sealer}).Handler())
	if err != nil {
		ln.Close()
		return fmt.Errorf("console: %w", err)
	}
	if err := hooks.start(ctx); err != nil {
		ln.Close()
		return fmt.Errorf("start webhook delivery: %w", err)
	}
	s.http = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	s.http.RegisterOnShutdown(stopConsole)
	background, stop := context.WithCancel(context.Background())
	s.stop, s.done = stop, make(chan struct{})
	go func() {
		defer close(s.done)
		go s.reloadKeys(background, tokens, 30*time.Second)
		go limiter.Run(background)
		go runEvery(background, PurgeJob, purgeInterval, led(s.store, PurgeJob, purgeRound(svc)))
		runEvery(background, ExpiryJob, s.cfg.ExpiryInterval, led(s.store, ExpiryJob, expiryRound(svc)))
	}()
	go func() {
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			slog.Error("http server stopped", "err", err)
		}
	}()
	if s.cfg.DebugAddr != "" {
		go serveDebug(s.cfg.DebugAddr)
	}
	fmt.Fprintf(out, "Portlight listening on %s\n", s.BaseURL)
	return nil
}

// signingKeys loads the token signing keys, making the first one on a fresh database. Their
// private parts are sealed with the key of the channels' secrets (identity/keyseal.go); a key a
// database holds in clear from before is sealed here, once.
func signingKeys(ctx context.Context, st store.Store, issuer string, now time.Time, sealer identity.KeySealer) (*identity.Tokens, error) {
	keys, err := st.SigningKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("load signing keys: %w", err)
	}
	active := 0
	for i, k := range keys {
		if k.RetiredAt == nil {
			active++
		}
		if !identity.SigningKeySealed(k) {
			sealed, err := identity.SealSigningKey(k, sealer)
			if err == nil {
				err = st.ResealSigningKey(ctx, k.KeyID, sealed.JWK)
			}
			if err != nil {
				return nil, fmt.Errorf("seal signing key %s: %w", k.KeyID, err)
			}
			keys[i] = sealed
		}
	}
	if active == 0 {
		k, err := identity.NewSigningKey(now)
		if err == nil {
			k, err = identity.SealSigningKey(k, sealer)
		}
		if err != nil {
			return nil, err
		}
		if err := st.AddSigningKey(ctx, k); err != nil {
			return nil, fmt.Errorf("store signing key: %w", err)
		}
		keys = append(keys, k)
	}
	// The issuer is the public URL, the same on every node behind one address (--public-url).
	return identity.NewTokens(issuer, keys, sealer)
}

// Shutdown stops accepting calls, lets in-flight ones finish within the configured time, and
// closes the store (which commits whatever its writer holds).
func (s *Server) Shutdown(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.ShutdownTimeout)
	defer cancel()
	err := s.http.Shutdown(ctx)
	err = errors.Join(err, s.hooks.shutdown(ctx)) // attempts under way finish in time, or are released
	s.stop()
	<-s.done
	return errors.Join(err, s.store.Close())
}

// reloadKeys picks up signing keys added or retired by `portlight admin keys` (possibly on another
// node) every interval.
func (s *Server) reloadKeys(ctx context.Context, tokens *identity.Tokens, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		keys, err := s.store.SigningKeys(ctx)
		if err == nil {
			err = tokens.Load(keys)
		}
		if err != nil && ctx.Err() == nil {
			slog.Error("reload signing keys", "err", err)
		}
	}
}
