// Package api is Portlight's HTTP interface: one route table on the standard library mux, with
// the paths, bodies and error shapes of the NxtPort CPu seeds. Handlers decode, call the service
// and map its errors; they hold no rules.
package api

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/portlight/portlight/admin"
	"github.com/portlight/portlight/delivery"
	"github.com/portlight/portlight/edi"
	"github.com/portlight/portlight/service"
)

// access says what a route asks of its caller.
type access int

const (
	public       access = iota // no credentials (token endpoint, health, OpenAPI)
	bearer                     // a bearer token
	bearerAndKey               // a bearer token and the Ocp-Apim-Subscription-Key
	operator                   // the operator's admin token
)

// handler is a route's handler; c is nil on public routes.
type handler func(w http.ResponseWriter, r *http.Request, c *service.Caller) error

// route is one line of the route table, with what /openapi.json says about it.
type route struct {
	method, path string
	access       access
	style        style
	handle       handler
	doc          doc
}

// API serves the platform over HTTP.
type API struct {
	svc        *service.Service
	limiter    *RateLimiter
	admin      *admin.Admin
	adminToken string
	bench      bool
	metrics    http.Handler // GET /metrics
	sealer     *delivery.Sealer
	routes     []route
	openapi    []byte
	edi        *edi.Gateway
}

// Options are the API's collaborators besides the service, all optional.
type Options struct {
	// Limiter counts every authenticated call (nil: no limit).
	Limiter *RateLimiter
	// Admin turns on the admin API (/admin/v1/...) for callers presenting AdminToken as their
	// bearer token; without both the admin routes answer 401.
	Admin      *admin.Admin
	AdminToken string
	// BenchEndpoints turns on the benchmark ceiling route (--bench-endpoints).
	BenchEndpoints bool
	// Metrics (the Prometheus handler) is served on GET /metrics; nil: /metrics is 404.
	Metrics http.Handler
	// Sealer seals the answers kept for Idempotency-Key retries (a new channel's secret is in
	// one); nil keeps them in clear.
	Sealer *delivery.Sealer
}

// New builds the API on the service and its other collaborators.
func New(svc *service.Service, o Options) *API {
	a := &API{svc: svc, limiter: o.Limiter, admin: o.Admin, adminToken: o.AdminToken, bench: o.BenchEndpoints, metrics: o.Metrics, sealer: o.Sealer,
		edi: edi.NewGateway(svc, time.Now)}
	a.routes = append(a.table(), a.adminRoutes()...)
	a.openapi = buildOpenAPI(a.routes)
	return a
}

// table is the one route table of the platform.
func (a *API) table() []route {
	const cpu = "/certified-pickup/v1"
	return []route{
		{"POST", "/connect/token", public, styleSync, a.postToken, docToken},
		{"POST", "/ingestion/v1/ingestion/{ingestionId}", bearer, styleAsync, a.ingest, docIngest},
		{"PUT", cpu + "/{port}/containers/{eq}/import/release-rights", bearerAndKey, styleAsync, a.putReleaseRight, docPutRight},
		{"PUT", cpu + "/{port}/containers/import/release-rights", bearerAndKey, styleAsync, a.putReleaseRights, docPutRights},
		{"GET", cpu + "/{port}/containers/import/release-rights/{eq}", bearerAndKey, styleAsync, a.getReleaseDetail, docDetail},
		{"GET", cpu + "/{port}/containers/import/release-rights", bearerAndKey, styleAsync, a.getReleaseRights, docList},
		{"POST", cpu + "/{port}/containers/{eq}/import/terminal-events", bearerAndKey, styleAsync, a.postTerminalEvent, docTerminalEvent},
		{"POST", cpu + "/{port}/containers/{eq}/import/pickup-validations", bearerAndKey, styleAsync, a.postPickupValidation, docValidation},
		{"GET", cpu + "/{port}/containers/{eq}/import/gate-check", bearerAndKey, styleSync, a.getGateCheck, docGateCheck},
		{"PUT", cpu + "/{port}/containers/{eq}/import/pickup-rights", bearerAndKey, styleAsync, a.putPickupRight, docPickup},
		{"POST", "/ccrm/v1/{port}/containers/{eq}/customs-status", bearer, styleAsync, a.postCustomsStatus, docCustomsFeed},
		{"GET", "/ccrm/v1/{port}/containers/{eq}", bearer, styleSync, a.getCustomsStatus, docCustomsGet},
		{"GET", cpu + "/notifications", bearerAndKey, styleSync, a.getNotifications, docNotifications},
		{"GET", cpu + "/entities", bearerAndKey, styleSync, a.getEntities, docEntities},
		{"GET", cpu + "/notification-channels", bearerAndKey, styleSync, a.getChannels, docChannels},
		{"POST", cpu + "/notification-channels", bearerAndKey, styleSync, a.postChannel, docCreateChannel},
		{"GET", cpu + "/notification-channels/{channelId}", bearerAndKey, styleSync, a.getChannel, docChannel},
		{"PUT", cpu + "/notification-channels/{channelId}", bearerAndKey, styleSync, a.putChannel, docUpdateChannel},
		{"DELETE", cpu + "/notification-channels/{channelId}", bearerAndKey, styleSync, a.deleteChannel, docDeleteChannel},
		{"GET", cpu + "/notification-channels/{channelId}/deliveries", bearerAndKey, styleSync, a.getDeliveries, docDeliveries},
		{"POST", cpu + "/notification-channels/{channelId}/deliveries/{deliveryId}/replay", bearerAndKey, styleSync, a.postReplay, docReplay},
		{"POST", cpu + "/notification-channels/{channelId}/rotate-secret", bearerAndKey, styleSync, a.postRotateSecret, docRotateSecret},
		{"POST", "/edi/v1/{port}/interchanges", bearerAndKey, styleSync, a.postInterchange, docInterchange},
		{"GET", "/edi/v1/{port}/interchanges/{publicReferenceId}/aperak", bearerAndKey, styleSync, a.getAperak, docAperak},
		{"GET", "/.well-known/openid-configuration", public, styleSync, a.discovery, docDiscovery},
		{"GET", "/.well-known/jwks.json", public, styleSync, a.jwks, docJWKS},
		{"POST", "/bench/v1/ingestion/{ingestionId}", bearer, styleAsync, a.benchIngest, docBench},
		{"GET", "/healthz", public, styleSync, a.health, docHealth},
		{"GET", "/readyz", public, styleSync, a.ready, docReady},
		{"GET", "/metrics", public, styleSync, a.getMetrics, docMetrics},
		{"GET", "/openapi.json", public, styleSync, a.serveOpenAPI, docOpenAPI},
	}
}

// Handler returns the HTTP handler of the whole API.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	// paths matches a request's path against every route's path whatever the method, so that the
	// catch-all can tell a known path asked with another method (405 with Allow, as the seeds'
	// "405 Method not allowed" and RFC 9110 say) from an unknown path (404). The catch-all "/"
	// would otherwise take every request the mux's own 405 would have answered.
	paths := http.NewServeMux()
	allowed := map[string][]string{}
	for _, rt := range a.routes {
		mux.Handle(rt.method+" "+rt.path, a.wrap(rt))
		if _, seen := allowed[rt.path]; !seen {
			paths.Handle(rt.path, http.NotFoundHandler())
		}
		allowed[rt.path] = append(allowed[rt.path], rt.method)
		if rt.method == http.MethodGet {
			allowed[rt.path] = append(allowed[rt.path], http.MethodHead) // the mux serves HEAD with GET
		}
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if _, path := paths.Handler(r); path != "" {
			methods := allowed[path]
			w.Header().Set("Allow", strings.Join(methods, ", "))
			fail(w, r, styleSync, service.Errorf(service.CodeMethodNotAllowed,
				"Method not allowed: %s %s is not served; allowed: %s.", r.Method, r.URL.Path, strings.Join(methods, ", ")))
			return
		}
		fail(w, r, styleSync, service.Errorf(service.CodeNotFound, "No endpoint %s %s.", r.Method, r.URL.Path))
	})
	return mux
}

// wrap adds what every route needs: a bounded body, a recovered panic answered as a 500, and
// authentication as the route asks.
func (a *API) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				id := uuid.NewString()
				slog.Error("panic", "identifier", id, "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
				writeJSON(w, http.StatusInternalServerError, internalError{Identifier: id, Error: msgInternal})
			}
		}()
		r.Body = http.MaxBytesReader(w, r.Body, cmp.Or(rt.doc.maxBody, MaxBodyBytes))
		var caller *service.Caller
		switch rt.access {
		case bearer, bearerAndKey:
			var err error
			caller, err = a.svc.Authenticate(r.Context(), bearerToken(r), r.Header.Get("Ocp-Apim-Subscription-Key"), rt.access == bearerAndKey)
			if err != nil {
				fail(w, r, rt.style, err)
				return
			}
		case operator:
			if err := a.checkOperator(r); err != nil {
				fail(w, r, rt.style, err)
				return
			}
		}
		// Some routes echo the header without passing the door's check (the registry search, the
		// operator's calls): it is sized here for every route that takes it.
		if err := service.CheckExternalReferenceID(externalRef(r)); err != nil && rt.access != public {
			fail(w, r, rt.style, err)
			return
		}
		a.serve(w, r, rt, caller)
	})
}

// bearerToken is the token of the Authorization header ("Bearer <token>"), or "".
func bearerToken(r *http.Request) string {
	token := strings.TrimSpace(r.Header.Get("Authorization"))
	if len(token) > 7 && strings.EqualFold(token[:7], "Bearer ") {
		return strings.TrimSpace(token[7:])
	}
	return ""
}

func (a *API) health(w http.ResponseWriter, _ *http.Request, _ *service.Caller) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// readyTimeout bounds the database check of /readyz: a probe that hangs is an answer too late.
const readyTimeout = 2 * time.Second

// ready answers the readiness probe: 200 while the database answers, 503 otherwise (the node stays
// alive, /healthz says so, but should get no traffic). The cause is logged, never shown.
func (a *API) ready(w http.ResponseWriter, r *http.Request, _ *service.Caller) error {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	if err := a.svc.Ready(ctx); err != nil {
		slog.Warn("not ready: database check failed", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, readiness{Status: "unavailable", Database: "unreachable"})
		return nil
	}
	writeJSON(w, http.StatusOK, readiness{Status: "ready", Database: "ok"})
	return nil
}

// readiness is the answer of GET /readyz.
type readiness struct {
	Status   string `json:"status"`
	Database string `json:"database"`
}

func (a *API) discovery(w http.ResponseWriter, _ *http.Request, _ *service.Caller) error {
	writeJSON(w, http.StatusOK, a.svc.Discovery())
	return nil
}

func (a *API) jwks(w http.ResponseWriter, _ *http.Request, _ *service.Caller) error {
	writeJSON(w, http.StatusOK, a.svc.JWKS())
	return nil
}

func (a *API) serveOpenAPI(w http.ResponseWriter, _ *http.Request, _ *service.Caller) error {
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(a.openapi)
	return err
}

func newID() string { return uuid.NewString() }
