package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/portlight/portlight/delivery"
	"github.com/portlight/portlight/edi"
	"github.com/portlight/portlight/service"
)

// doc is what /openapi.json says about a route.
type doc struct {
	summary     string
	description string
	tag         string
	body        any      // request body (a zero value of its type), nil for none
	form        []string // form-encoded body fields
	query       []string // query parameters
	status      int      // success status
	answer      any      // success body (a zero value of its type)
	maxBody     int64    // the bound of the request body, when not MaxBodyBytes
}

var (
	docInterchange = doc{
		summary: "Send an EDIFACT interchange (COREOR, COARRI, CODECO)", tag: "EDIFACT",
		description: "The body is a UN/EDIFACT interchange (application/edifact or text/plain, D95B or D04A). 202 with where each message stands; " +
			"a syntax fault answers 400 with a CONTRL interchange and applies nothing. The outcome of each message comes back as an APERAK (docs/edifact.md).",
		status: 202, answer: edi.Answer{}, maxBody: edi.MaxInterchangeBytes,
	}
	docAperak = doc{
		summary: "Get the APERAK of an interchange", tag: "EDIFACT",
		description: "The APERAK interchange (application/edifact) answering each message of an interchange your company sent, for 168 hours.",
		status:      200,
	}
	docToken = doc{
		summary: "Get an access token", tag: "Access",
		description: "OAuth 2.0 token endpoint (client_credentials, or password for a user); the token is a signed JWT for 'Authorization: Bearer'.",
		form:        []string{"grant_type", "client_id", "client_secret", "username", "password"}, status: 200, answer: service.TokenGrant{},
	}
	docIngest = doc{
		summary: "Submit, update, block, unblock, revoke or delete a commercial release", tag: "Shipping Agent",
		description: "Asynchronous: 202 with a publicReferenceId once the command is durably accepted; the outcome arrives as notifications. Unblock and Delete that carry other fields answer 405.",
		body:        ingestionBody{}, status: 202, answer: service.Receipt{},
	}
	docPutRight = doc{
		summary: "Transfer, accept, decline or revoke a Release Right", tag: "Release Rights",
		description: "Asynchronous. The body must name the container of the route (else 400).",
		body:        rightBody{}, status: 202, answer: service.Receipt{},
	}
	docPutRights = doc{
		summary: "Bulk action on Release Rights", tag: "Release Rights",
		description: "Asynchronous: each item is applied and notified on its own, under one publicReferenceId.",
		body:        bulkBody{}, status: 202, answer: service.Receipt{},
	}
	docDetail = doc{
		summary: "Get Release detail", tag: "Generic Services",
		description: "Asynchronous: the detail and all lights arrive as a ReleaseDetail notification, for stakeholders only.",
		query:       []string{"billOfLadingNumbers", "releaseIdentification"}, status: 202, answer: service.Receipt{},
	}
	docList = doc{
		summary: "Get list of Release Rights assigned to my company", tag: "Generic Services",
		description: "Asynchronous: one page arrives as a ReleaseRightsList notification.",
		query: []string{"page", "pageSize", "status", "equipmentnumberfilter", "billofladingnumberfilter",
			"shippingagentnamefilter", "shippingagenttinfilter", "terminalnamefilter", "currentstakeholdernamefilter",
			"currentstakeholdertinfilter", "releaserightstatusfilter", "actionStatusFilter"},
		status: 202, answer: service.Receipt{},
	}
	docNotifications = doc{
		summary: "Notification Service 2.0: pull my notifications", tag: "Notifications",
		description: "Synchronous. Notifications of the last 168 hours sent to the caller's company; at least one filter. 403 for another company's publicReferenceId, 405 when nothing matches.",
		query:       []string{"notificationEvent", "equipmentNumber", "publicReferenceId", "releaseId", "storedOn", "timeWindowFrom", "timeWindowTo"},
		status:      200, answer: []PulledNotification{},
	}
	docEntities = doc{
		summary: "Company Registry", tag: "Generic Services",
		description: "Synchronous. Filters are AND-combined; at least one is required.",
		query:       []string{"EORI", "DUNS", "VAT", "NxtEntityId", "entityName", "apcsCode", "page", "pageSize"},
		status:      200, answer: EntitySearch{},
	}
	docTerminalEvent = doc{
		summary: "Report a terminal event", tag: "Terminal Operator",
		description: "Asynchronous. Discharge, Release, Block, SelectForScan, GateOut, or CustomsOverwrite (also the release's Shipping Agent), for a container at one of the caller's terminals.",
		body:        terminalEventBody{}, status: 202, answer: service.Receipt{},
	}
	docValidation = doc{
		summary: "Ask whether a transport operator may pick up the container", tag: "Terminal Operator",
		description: "Asynchronous: a ValidationResponse notification lists every unmet condition.",
		body:        validationBody{}, status: 202, answer: service.Receipt{},
	}
	docGateCheck = doc{
		summary: "Gate check", tag: "Terminal Operator",
		description: "Synchronous: may the transport operator (NxtEntityId) take the container out now? licensePlate, eniNumber or trainReference, when given, must match the Pick-up Right.",
		query:       []string{"terminalCode", "transportOperator", "licensePlate", "eniNumber", "trainReference"}, status: 200, answer: GateCheck{},
	}
	docPickup = doc{
		summary: "Assign, update or revoke the Pick-up Right", tag: "Transport Operator",
		description: "Asynchronous. The current owner of an accepted Release Right names the truck and driver, barge or train.",
		body:        pickupBody{}, status: 202, answer: service.Receipt{},
	}
	docCustomsFeed = doc{
		summary: "Customs status feed (CCRM)", tag: "Customs",
		description: "Asynchronous. Sets the Customs and CustomsProgress lights; a status before the commercial release is kept and applied when it is created.",
		body:        customsStatusBody{}, status: 202, answer: service.Receipt{},
	}
	docCustomsGet = doc{
		summary: "CCRM GET: customs status of a container", tag: "Customs",
		description: "Synchronous, for parties entitled to the container; metered per container per company per month.",
		status:      200, answer: CustomsView{},
	}
	docDiscovery = doc{summary: "OpenID Connect discovery", tag: "Access", status: 200, answer: service.Discovery{}}
	docJWKS      = doc{summary: "The public keys that verify access tokens", tag: "Access", status: 200, answer: map[string]any{}}
	docBench     = doc{summary: "Benchmark ceiling: an ingestion call answered without the store", tag: "Operations",
		description: "Off (404) unless the node runs with --bench-endpoints; used by `portlight bench`.",
		body:        ingestionBody{}, status: 202, answer: service.Receipt{}}
	docHealth = doc{summary: "Liveness", tag: "Operations", status: 200, answer: map[string]string{}}
	docReady  = doc{summary: "Readiness: the database answers", tag: "Operations", status: 200, answer: readiness{},
		description: "200 {\"status\":\"ready\",\"database\":\"ok\"} while the node's database answers; 503 {\"status\":\"unavailable\",\"database\":\"unreachable\"} otherwise, so that a load balancer takes the node out of rotation."}
	docOpenAPI = doc{summary: "This OpenAPI document", tag: "Operations", status: 200, answer: map[string]any{}}
)

// The notification channels (webhooks) of the caller's company, and the operator's metrics.
var (
	docChannels = doc{summary: "List my notification channels", tag: "Notification Channels",
		description: "Synchronous. The caller's company's webhooks, without their credentials.",
		status:      200, answer: []ChannelView{}}
	docCreateChannel = doc{summary: "Create a notification channel", tag: "Notification Channels",
		description: "Synchronous. Notifications for the caller's company (of the listed types; none listed: all) are POSTed to url as they are committed: " +
			"at least once, in order per container, retried with back-off for 24 hours, then kept as dead letters. Each request carries the " +
			"Standard Webhooks headers webhook-id (stable across retries, for de-duplication), webhook-timestamp and webhook-signature, signed " +
			"with the channel's secret, which this answer shows once. url must be HTTPS on a public address (plain HTTP and private addresses " +
			"only where the operator allows them, as in the sandbox). With OAuth2ClientCredentials or OAuth2Password authentication Portlight " +
			"fetches a token from tokenEndpoint, caches it, and fetches a new one when the receiver answers 401.",
		body: delivery.Spec{}, status: 201, answer: CreatedChannel{}}
	docChannel = doc{summary: "Get a notification channel", tag: "Notification Channels",
		description: "Synchronous. 404 for a channel of another company.", status: 200, answer: ChannelView{}}
	docUpdateChannel = doc{summary: "Replace a notification channel", tag: "Notification Channels",
		description: "Synchronous. clientSecret and password may be left out to keep them while the login they belong to stays the same. " +
			"Deliveries waiting go to the new url.",
		body: delivery.Spec{}, status: 200, answer: ChannelView{}}
	docDeleteChannel = doc{summary: "Delete a notification channel", tag: "Notification Channels",
		description: "Synchronous. Its waiting deliveries are dropped; the notifications stay available through the pull API.", status: 204}
	docDeliveries = doc{summary: "Recent deliveries of a notification channel", tag: "Notification Channels",
		description: "Synchronous. The newest first, each with its recent attempts (status code, latency, error). status filters " +
			"(Pending, Delivered, Dead); before takes the next of a previous page; limit 1-200 (default 50).",
		query: []string{"status", "before", "limit"}, status: 200, answer: DeliveryList{}}
	docReplay = doc{summary: "Replay a dead delivery", tag: "Notification Channels",
		description: "Synchronous. The dead letter is queued again (behind what its container still has pending) and retried for another 24 hours; 409 when it is not dead.",
		status:      200, answer: DeliveryView{}}
	docRotateSecret = doc{summary: "Rotate a channel's signing secret", tag: "Notification Channels",
		description: "Synchronous. The new secret is shown once; for 24 hours deliveries carry signatures with both the new and the previous secret.",
		status:      200, answer: RotatedSecret{}}
	docMetrics = doc{summary: "Prometheus metrics", tag: "Operations",
		description: "Webhook queue depth, delivery latency, attempts and failures, and the Go runtime. Off (404) unless the node serves metrics.",
		status:      200, answer: ""}
)

var pathParam = regexp.MustCompile(`\{(\w+)\}`)

// buildOpenAPI describes the route table as an OpenAPI 3.1 document, with the JSON schemas of the
// request and answer types generated from the Go types the handlers decode and encode.
func buildOpenAPI(routes []route) []byte {
	reg := huma.NewMapRegistry("#/components/schemas/", huma.DefaultSchemaNamer)
	spec := &huma.OpenAPI{
		OpenAPI: "3.1.0",
		Info: &huma.Info{Title: "Portlight Certified Pick-up API", Version: "1.0.0",
			Description: "Wire-compatible with the NxtPort CPu API. Asynchronous calls answer 202 and deliver their outcome as notifications."},
		Paths: map[string]*huma.PathItem{},
		Components: &huma.Components{Schemas: reg, SecuritySchemes: map[string]*huma.SecurityScheme{
			"bearer":          {Type: "http", Scheme: "bearer", BearerFormat: "JWT"},
			"subscriptionKey": {Type: "apiKey", In: "header", Name: "Ocp-Apim-Subscription-Key"},
			"operatorToken":   {Type: "http", Scheme: "bearer", Description: "The operator's admin token (--admin-token)"},
		}},
	}
	schema := func(v any) *huma.Schema { return reg.Schema(reflect.TypeOf(v), true, "") }
	str := &huma.Schema{Type: "string"}
	for _, rt := range routes {
		op := &huma.Operation{
			Method: rt.method, Path: rt.path, OperationID: operationID(rt), Summary: rt.doc.summary,
			Description: rt.doc.description, Tags: []string{rt.doc.tag}, Responses: map[string]*huma.Response{},
		}
		for _, m := range pathParam.FindAllStringSubmatch(rt.path, -1) {
			op.Parameters = append(op.Parameters, &huma.Param{Name: m[1], In: "path", Required: true, Schema: str})
		}
		for _, q := range rt.doc.query {
			op.Parameters = append(op.Parameters, &huma.Param{Name: q, In: "query", Schema: str})
		}
		if rt.access == operator {
			op.Security = []map[string][]string{{"operatorToken": {}}}
		} else if rt.access != public {
			op.Parameters = append(op.Parameters, &huma.Param{Name: "External-Reference-Id", In: "header", Schema: str,
				Description: "Your own reference, echoed in the answer and in your notifications."})
			sec := map[string][]string{"bearer": {}}
			if rt.access == bearerAndKey {
				sec["subscriptionKey"] = []string{}
			}
			op.Security = []map[string][]string{sec}
		}
		if rt.doc.body != nil {
			op.RequestBody = &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{"application/json": {Schema: schema(rt.doc.body)}}}
		}
		if len(rt.doc.form) > 0 {
			props := map[string]*huma.Schema{}
			for _, f := range rt.doc.form {
				props[f] = str
			}
			op.RequestBody = &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
				"application/x-www-form-urlencoded": {Schema: &huma.Schema{Type: "object", Properties: props}}}}
		}
		op.Responses[strconv.Itoa(rt.doc.status)] = &huma.Response{Description: http.StatusText(rt.doc.status)}
		if rt.doc.answer != nil { // nil: an answer without a body (204)
			op.Responses[strconv.Itoa(rt.doc.status)].Content = map[string]*huma.MediaType{"application/json": {Schema: schema(rt.doc.answer)}}
		}
		for _, status := range errorStatuses(rt) {
			op.Responses[strconv.Itoa(status)] = &huma.Response{Description: http.StatusText(status)}
		}
		spec.AddOperation(op)
	}
	out, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		panic("api: OpenAPI document: " + err.Error()) // the route table is static: a failure is a programming error
	}
	return out
}

func errorStatuses(rt route) []int {
	if rt.path == "/connect/token" {
		return []int{400, 401, 429, 500} // 401 invalid_client; 429 a locked login or a full node (docs/security.md)
	}
	if rt.access == public {
		return []int{400, 500}
	}
	s := []int{400, 401, 403, 429, 500}
	if rt.path == "/ingestion/v1/ingestion/{ingestionId}" || rt.path == "/certified-pickup/v1/notifications" {
		s = append(s, 405)
	}
	if strings.Contains(rt.path, "/notification-channels/") {
		s = append(s, 404)
	}
	if strings.HasSuffix(rt.path, "/replay") {
		s = append(s, 409)
	}
	return s
}

// operationID derives a stable id from method and path ("put-certified-pickup-v1-port-containers-eq-import-release-rights").
func operationID(rt route) string {
	return strings.Trim(nonWord.ReplaceAllString(strings.ToLower(rt.method+" "+rt.path), "-"), "-")
}

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

// Schema describes request date-times in /openapi.json (huma.SchemaProvider).
func (isoTime) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: "string", Format: "date-time", Description: "ISO 8601; UTC when no zone is given"}
}
