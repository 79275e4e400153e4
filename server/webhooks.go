package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/portlight/portlight/config"
	"github.com/portlight/portlight/delivery"
	"github.com/portlight/portlight/store"
)

// webhooks is the notification channel side of a node: the channel manager the API uses, the
// dispatcher that delivers, and the metrics.
type webhooks struct {
	manager    *delivery.Manager
	dispatcher *delivery.Dispatcher
	metrics    http.Handler
	// sealer seals the channels' secrets, and the answers kept for Idempotency-Key retries.
	sealer *delivery.Sealer
}

// SecretKeyFile is the default key file that seals the channels' secrets, in the data dir.
const SecretKeyFile = "channel-secrets.key"

// nodeIDFile keeps the node's id across restarts (its webhook leases come back at once).
const nodeIDFile = "node-id"

// Sealer returns the sealer of the channels' secrets the configuration names: the key in
// --secret-key-file, or with SQLite the one in the data dir (made on first use). With
// PostgreSQL every node must share the key, so it must be given.
func Sealer(cfg config.Config) (*delivery.Sealer, error) {
	var key []byte
	var err error
	switch {
	case cfg.SecretKeyFile != "":
		key, err = delivery.LoadKey(cfg.SecretKeyFile)
	case cfg.DatabaseURL == "":
		key, err = delivery.LoadOrCreateKey(filepath.Join(cfg.DataDir, SecretKeyFile))
	default:
		return nil, errors.New("--secret-key-file is required with PostgreSQL: every node must seal and open the notification channels' secrets with the same key")
	}
	if err != nil {
		return nil, err
	}
	return delivery.NewSealer(key)
}

// Policy is where webhooks may point under the configuration.
func Policy(cfg config.Config) delivery.Policy {
	return delivery.Policy{AllowPrivate: cfg.AllowPrivateWebhooks || cfg.Sandbox}
}

// newWebhooks sets up the webhooks of the node on st; the dispatcher is not started.
func newWebhooks(cfg config.Config, st store.Store) (*webhooks, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	w := &webhooks{metrics: promhttp.HandlerFor(reg, promhttp.HandlerOpts{})}
	sealer, err := Sealer(cfg)
	if err != nil {
		return nil, fmt.Errorf("notification channel secrets: %w", err)
	}
	w.sealer = sealer
	node, err := delivery.LoadOrCreateNodeID(filepath.Join(cfg.DataDir, nodeIDFile))
	if err != nil {
		return nil, fmt.Errorf("node id: %w", err)
	}
	policy := Policy(cfg)
	concurrency := cfg.WebhookConcurrency
	if concurrency <= 0 {
		concurrency = 16
	}
	metrics := delivery.NewMetrics(reg, st)
	w.dispatcher = delivery.NewDispatcher(st, sealer, delivery.NewHTTPClient(policy, concurrency), metrics,
		delivery.Options{Node: node, Timeout: cfg.WebhookTimeout, Concurrency: concurrency})
	w.manager = delivery.NewManager(st, sealer, policy, delivery.DefaultRetry, time.Now, w.dispatcher.ChannelsChanged)
	w.manager.MaxChannels = cfg.MaxChannels
	return w, nil
}

// wrap makes st wake the dispatcher after every command it commits.
func (w *webhooks) wrap(st store.Store) store.Store {
	return delivery.WakeAfterApply(st, w.dispatcher.Wake)
}

func (w *webhooks) start(ctx context.Context) error {
	return w.dispatcher.Start(ctx)
}

// shutdown stops delivering: attempts under way finish until ctx ends, the rest are released.
func (w *webhooks) shutdown(ctx context.Context) error {
	if w == nil { // the node stopped before it set up its webhooks
		return nil
	}
	return w.dispatcher.Shutdown(ctx)
}
