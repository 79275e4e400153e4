package api

import (
	"github.com/portlight/portlight/delivery"
	"github.com/portlight/portlight/edi"
	"github.com/portlight/portlight/service"
)

// doc is what /openapi.json says about a route.
type doc struct {
	id          string // operationId: stable, camelCase, unique; generated clients name their methods after it
	summary     string
	description string
	tag         string
	body        any      // request body (a zero value of its type), nil for none
	lenient     bool     // the body's decoder ignores unknown fields (the CPu bodies); else they are refused
	form        []string // form-encoded body fields
	query       []string // query parameters
	status      int      // success status
	answer      any      // success body (a zero value of its type); nil or any body with 204: none
	example     any      // an example request body, in the seeds' shapes
	answerEx    any      // an example success body
	edifact     bool     // the request body is an EDIFACT interchange (application/edifact or text/plain), not JSON
	edifactOut  bool     // the success answer is an EDIFACT interchange
	maxBody     int64    // the bound of the request body, when not MaxBodyBytes
}

// exInterchange is a terminal's gate-out report of one container, and the gateway's answer to it.
var (
	exInterchange = "UNA:+.? 'UNB+UNOA:2+TERMINAL0100:ZZZ+PORTLIGHT:ZZZ+261206:0815+CD1'UNH+1+CODECO:D:95B:UN'BGM+36+GO1+9'" +
		"EQD+CN+CAIU7654321+45G1:102:5'LOC+165+BEANR:139:6+0100:TER:ZZZ'UNT+5+1'UNZ+1+CD1'"
	exInterchangeAnswer = map[string]any{"publicReferenceId": "01a249c0-2a87-7932-95bc-4af175b960c7", "externalReferenceId": nil,
		"messages": []any{map[string]any{"messageReference": "1", "messageType": "CODECO",
			"publicReferenceId": "01a249c0-2a86-7b1d-8c21-5e0f2b7a9d31", "status": "Accepted"}}}
)

// The examples follow the seeds' own (shipping-agent integration guide), with the sandbox's parties
// and terminals, so that they can be sent to `portlight serve --sandbox` as they are.
var (
	exReceipt = map[string]any{"publicReferenceId": "2b1f0c8e-6a43-4f0e-9d0b-0f6f3c1a7e55", "externalReferenceId": "MyRef-0001"}
	exParty   = func(id string) map[string]string {
		return map[string]string{"identificationType": "NxtEntityId", "identificationCode": id}
	}
	exRelease = map[string]any{
		"releaseIdentification": "ReleaseID7654321", "releaseOrderReference": "RO-1234", "equipmentType": "45G1",
		"vesselName": "EVER GIVEN", "voyageNumber": "042W", "billOfLadingNumbers": []string{"BL1234567"},
		"terminalCode": "0100", "actionType": "Release", "carrier": exParty("NXT100000000001"),
		"releaseTo": exParty("NXT300000000001"), "releaseDateTimeUtc": "2026-11-28T08:52:12.928Z",
		"expirationDateTimeUtc": "2026-12-28T08:52:12.928Z", "equipmentNumber": "CAIU7654321", "portLoCode": "BEANR",
	}
	exRight = map[string]any{
		"releaseIdentification": "ReleaseID7654321", "equipmentNumber": "CAIU7654321", "billOfLadingNumbers": []string{"BL1234567"},
		"portLoCode": "BEANR", "terminalCode": "0100", "actionType": "Transfer",
		"releaseFrom": exParty("NXT300000000001"), "releaseTo": exParty("NXT400000000001"),
	}
	exBulk          = map[string]any{"portLoCode": "BEANR", "actionType": "Transfer", "releaseRights": []any{exRight}}
	exNotifications = []any{map[string]any{
		"nxtEntityId": "NXT300000000001", "equipmentNumber": "CAIU7654321", "publicReferenceId": "2b1f0c8e-6a43-4f0e-9d0b-0f6f3c1a7e55",
		"releaseId": "01a249c0-2a87-7932-95bc-4af175b960c7", "externalReferenceId": "MyRef-0001", "storedOn": "2026-11-28T08:52:13.104Z",
		"message": `{"assetId":"CAIU7654321","body":{},"errors":[],"event":"Transferred","externalReferenceId":"MyRef-0001","id":"01a249c0-2a87-7932-95bc-4af175b960c7",` +
			`"publicReferenceId":"2b1f0c8e-6a43-4f0e-9d0b-0f6f3c1a7e55","receiverId":"NXT300000000001","senderId":"NXT100000000001","timestamp":"2026-11-28T08:52:13.104Z","type":"ReleaseRight","warnings":[]}`,
		"type": "ReleaseRight", "event": "Transferred",
	}}
	exEntities = map[string]any{
		"searchFilter": map[string]any{"eori": nil, "duns": nil, "vat": nil, "nxtEntityId": nil, "entityName": "demo", "apcsCode": nil, "page": 1, "pageSize": 25},
		"phoneBookItems": []any{map[string]any{"apcsCode": "ZA1001", "addresses": []any{map[string]any{"addressTypeCode": "Main", "city": "Antwerpen", "country": "BE"}},
			"nxtEntityId": "NXT100000000001", "name": "Demo Shipping Agent One", "vat": "BE0100000001", "duns": nil, "eori": "BE0100000001",
			"scac": nil, "apcs": "ZA1001", "externalId": nil}},
		"totalRows": 1, "totalPages": 1, "publicReferenceId": "2b1f0c8e-6a43-4f0e-9d0b-0f6f3c1a7e55", "externalReferenceId": nil,
	}
	exGateCheck = map[string]any{
		"allowed": false, "reasons": []string{"No Pick-up Right has been assigned"}, "releaseId": "01a249c0-2a87-7932-95bc-4af175b960c7",
		"lights": nil, "overallLight": nil, "pickupRight": nil,
		"checked": map[string]any{"portLoCode": "BEANR", "equipmentNumber": "CAIU7654321", "terminalCode": "0100", "transportOperator": "NXT400000000001"},
	}
)

// The CPu routes, the access routes and the operations routes.
var (
	docInterchange = doc{
		id: "postInterchange", summary: "Send an EDIFACT interchange (COREOR, COARRI, CODECO)", tag: "EDIFACT",
		description: "The body is a UN/EDIFACT interchange (D95B or D04A; syntax levels UNOA, UNOB, UNOC), at most 16 MiB. " +
			"202 with where each message stands, each applied through the same rules as the API; a syntax fault answers 400 with a " +
			"CONTRL interchange and applies nothing. The outcome of each message comes back as an APERAK (docs/edifact.md).",
		edifact: true, example: exInterchange, status: 202, answer: edi.InterchangeAnswer{}, answerEx: exInterchangeAnswer,
		maxBody: edi.MaxInterchangeBytes,
	}
	docAperak = doc{
		id: "getAperak", summary: "Get the APERAK of an interchange", tag: "EDIFACT",
		description: "The APERAK interchange answering each message of an interchange your company sent, for 168 hours; 404 when unknown, 403 for another company's.",
		status:      200, edifactOut: true,
	}
	docToken = doc{id: "createToken",
		summary: "Get an access token", tag: "Access",
		description: "OAuth 2.0 token endpoint (client_credentials, or password for a user); the token is a signed JWT for 'Authorization: Bearer'.",
		form:        []string{"grant_type", "client_id", "client_secret", "username", "password"}, status: 200, answer: service.TokenGrant{},
		answerEx: map[string]any{"access_token": "eyJhbGciOiJFUzI1NiIsImtpZCI6IjEifQ.e30.c2ln", "token_type": "Bearer", "expires_in": 3600},
	}
	docIngest = doc{id: "ingestCommercialRelease",
		summary: "Submit, update, block, unblock, revoke or delete a commercial release", tag: "Shipping Agent",
		description: "Asynchronous: 202 with a publicReferenceId once the command is durably accepted; the outcome arrives as notifications. Unblock and Delete that carry other fields answer 405. Every field has a maximum (docs/security.md \"Field sizes\": an equipment number 11 characters, identifiers 35, free texts 512, 200 bills of lading; the body 64 KiB): a field over it is a 400 naming it.",
		body:        ingestionBody{}, lenient: true, status: 202, answer: service.Receipt{}, example: exRelease, answerEx: exReceipt,
	}
	docPutRight = doc{id: "putReleaseRight",
		summary: "Transfer, accept, decline or revoke a Release Right", tag: "Release Rights",
		description: "Asynchronous. The body must name the container of the route (else 400).",
		body:        rightBody{}, lenient: true, status: 202, answer: service.Receipt{}, example: exRight, answerEx: exReceipt,
	}
	docPutRights = doc{id: "putReleaseRights",
		summary: "Bulk action on Release Rights", tag: "Release Rights",
		description: "Asynchronous: each item is applied and notified on its own, under one publicReferenceId.",
		body:        bulkBody{}, lenient: true, status: 202, answer: service.Receipt{}, example: exBulk, answerEx: exReceipt,
		maxBody: MaxBulkBodyBytes,
	}
	docDetail = doc{id: "getReleaseDetail",
		summary: "Get Release detail", tag: "Generic Services",
		description: "Asynchronous: the detail and all lights arrive as a ReleaseDetail notification, for stakeholders only.",
		query:       []string{"billOfLadingNumbers", "releaseIdentification"}, status: 202, answer: service.Receipt{}, answerEx: exReceipt,
	}
	docList = doc{id: "listReleaseRights",
		summary: "Get list of Release Rights assigned to my company", tag: "Generic Services",
		description: "Asynchronous: one page arrives as a ReleaseRightsList notification.",
		query: []string{"page", "pageSize", "status", "equipmentnumberfilter", "billofladingnumberfilter",
			"shippingagentnamefilter", "shippingagenttinfilter", "terminalnamefilter", "currentstakeholdernamefilter",
			"currentstakeholdertinfilter", "releaserightstatusfilter", "actionStatusFilter"},
		status: 202, answer: service.Receipt{}, answerEx: exReceipt,
	}
	docNotifications = doc{id: "listNotifications",
		summary: "Notification Service 2.0: pull my notifications", tag: "Notifications",
		description: "Synchronous. Notifications of the last 168 hours sent to the caller's company; at least one filter. 403 for another company's publicReferenceId, 405 when nothing matches. At most 10,000 items and 4 MiB of messages, oldest first; a cut answer carries X-Portlight-Truncated: true (narrow storedOn and the time window for the rest).",
		query:       []string{"notificationEvent", "equipmentNumber", "publicReferenceId", "releaseId", "storedOn", "timeWindowFrom", "timeWindowTo"},
		status:      200, answer: []PulledNotification{}, answerEx: exNotifications,
	}
	docEntities = doc{id: "searchEntities",
		summary: "Company Registry", tag: "Generic Services",
		description: "Synchronous. Filters are AND-combined; at least one is required.",
		query:       []string{"EORI", "DUNS", "VAT", "NxtEntityId", "entityName", "apcsCode", "page", "pageSize"},
		status:      200, answer: EntitySearch{}, answerEx: exEntities,
	}
	docTerminalEvent = doc{id: "postTerminalEvent",
		summary: "Report a terminal event", tag: "Terminal Operator",
		description: "Asynchronous. Discharge, Release, Block, SelectForScan, GateOut, or CustomsOverwrite (also the release's Shipping Agent), for a container at one of the caller's terminals.",
		body:        terminalEventBody{}, lenient: true, status: 202, answer: service.Receipt{}, answerEx: exReceipt,
		example: map[string]any{"actionType": "Discharge", "terminalCode": "0100", "stayNumber": "123456",
			"billOfLadingNumbers": []string{"BL1234567"}, "releaseIdentification": "ReleaseID7654321", "eventDateTimeUtc": "2026-11-28T10:00:00Z"},
	}
	docValidation = doc{id: "postPickupValidation",
		summary: "Ask whether a transport operator may pick up the container", tag: "Terminal Operator",
		description: "Asynchronous: a ValidationResponse notification lists every unmet condition.",
		body:        validationBody{}, lenient: true, status: 202, answer: service.Receipt{}, answerEx: exReceipt,
	}
	docGateCheck = doc{id: "getGateCheck",
		summary: "Gate check", tag: "Terminal Operator",
		description: "Synchronous: may the transport operator (NxtEntityId) take the container out now? licensePlate, eniNumber or trainReference, when given, must match the Pick-up Right.",
		query:       []string{"terminalCode", "transportOperator", "licensePlate", "eniNumber", "trainReference"}, status: 200, answer: GateCheck{}, answerEx: exGateCheck,
	}
	docPickup = doc{id: "putPickupRight",
		summary: "Assign, update or revoke the Pick-up Right", tag: "Transport Operator",
		description: "Asynchronous. The current owner of an accepted Release Right names the truck and driver, barge or train.",
		body:        pickupBody{}, lenient: true, status: 202, answer: service.Receipt{}, answerEx: exReceipt,
	}
	docCustomsFeed = doc{id: "postCustomsStatus",
		summary: "Customs status feed (CCRM)", tag: "Customs",
		description: "Asynchronous. Sets the Customs and CustomsProgress lights; a status before the commercial release is kept and applied when it is created.",
		body:        customsStatusBody{}, lenient: true, status: 202, answer: service.Receipt{}, answerEx: exReceipt,
	}
	docCustomsGet = doc{id: "getCustomsStatus",
		summary: "CCRM GET: customs status of a container", tag: "Customs",
		description: "Synchronous, for parties entitled to the container; metered per container per company per month.",
		status:      200, answer: CustomsView{},
	}
	docDiscovery = doc{id: "getOpenIDConfiguration", summary: "OpenID Connect discovery", tag: "Access", status: 200, answer: service.Discovery{}}
	docJWKS      = doc{id: "getJSONWebKeySet", summary: "The public keys that verify access tokens", tag: "Access", status: 200, answer: jsonWebKeySet{}}
	docBench     = doc{id: "benchIngest", summary: "Benchmark ceiling: an ingestion call answered without the store", tag: "Operations",
		description: "Off (404) unless the node runs with --bench-endpoints; used by `portlight bench`.",
		body:        ingestionBody{}, lenient: true, status: 202, answer: service.Receipt{}, example: exRelease, answerEx: exReceipt}
	docHealth = doc{id: "getHealth", summary: "Liveness", tag: "Operations", status: 200, answer: liveness{}, answerEx: map[string]string{"status": "ok"}}
	docReady  = doc{id: "getReadiness", summary: "Readiness: the database answers", tag: "Operations", status: 200, answer: readiness{},
		answerEx:    map[string]string{"status": "ready", "database": "ok"},
		description: "200 {\"status\":\"ready\",\"database\":\"ok\"} while the node's database answers; 503 {\"status\":\"unavailable\",\"database\":\"unreachable\"} otherwise, so that a load balancer takes the node out of rotation."}
	docOpenAPI = doc{id: "getOpenAPIDocument", summary: "This OpenAPI document", tag: "Operations", status: 200, answer: openAPIDocument{}}
)

// The notification channels (webhooks) of the caller's company, and the operator's metrics.
var (
	docChannels = doc{id: "listNotificationChannels", summary: "List my notification channels", tag: "Notification Channels",
		description: "Synchronous. The caller's company's webhooks, without their credentials.",
		status:      200, answer: []ChannelView{}}
	docCreateChannel = doc{id: "createNotificationChannel", summary: "Create a notification channel", tag: "Notification Channels",
		description: "Synchronous. Notifications for the caller's company (of the listed types; none listed: all) are POSTed to url as they are committed: " +
			"at least once, in order per container, retried with back-off for 24 hours, then kept as dead letters. Each request carries the " +
			"Standard Webhooks headers webhook-id (stable across retries, for de-duplication), webhook-timestamp and webhook-signature, signed " +
			"with the channel's secret, which this answer shows once. url must be HTTPS on a public address (plain HTTP and private addresses " +
			"only where the operator allows them, as in the sandbox). With OAuth2ClientCredentials or OAuth2Password authentication Portlight " +
			"fetches a token from tokenEndpoint, caches it, and fetches a new one when the receiver answers 401.",
		body: delivery.Spec{}, status: 201, answer: CreatedChannel{},
		example: map[string]any{"name": "ops webhook", "url": "https://hooks.example.org/portlight", "types": []string{"ReleaseRight", "ReleaseLight"}}}
	docChannel = doc{id: "getNotificationChannel", summary: "Get a notification channel", tag: "Notification Channels",
		description: "Synchronous. 404 for a channel of another company.", status: 200, answer: ChannelView{}}
	docUpdateChannel = doc{id: "replaceNotificationChannel", summary: "Replace a notification channel", tag: "Notification Channels",
		description: "Synchronous. clientSecret and password may be left out to keep them while the login they belong to stays the same. " +
			"Deliveries waiting go to the new url.",
		body: delivery.Spec{}, status: 200, answer: ChannelView{}}
	docDeleteChannel = doc{id: "deleteNotificationChannel", summary: "Delete a notification channel", tag: "Notification Channels",
		description: "Synchronous. Its waiting deliveries are dropped; the notifications stay available through the pull API.", status: 204}
	docDeliveries = doc{id: "listDeliveries", summary: "Recent deliveries of a notification channel", tag: "Notification Channels",
		description: "Synchronous. The newest first, each with its recent attempts (status code, latency, error). status filters " +
			"(Pending, Delivered, Dead); before takes the next of a previous page; limit 1-200 (default 50).",
		query: []string{"status", "before", "limit"}, status: 200, answer: DeliveryList{}}
	docReplay = doc{id: "replayDelivery", summary: "Replay a dead delivery", tag: "Notification Channels",
		description: "Synchronous. The dead letter is queued again (behind what its container still has pending) and retried for another 24 hours; 409 when it is not dead.",
		status:      200, answer: DeliveryView{}}
	docRotateSecret = doc{id: "rotateChannelSecret", summary: "Rotate a channel's signing secret", tag: "Notification Channels",
		description: "Synchronous. The new secret is shown once; for 24 hours deliveries carry signatures with both the new and the previous secret.",
		status:      200, answer: RotatedSecret{}}
	docMetrics = doc{id: "getMetrics", summary: "Prometheus metrics", tag: "Operations",
		description: "Webhook queue depth, delivery latency, attempts and failures, and the Go runtime, in Prometheus' text format. Off (404) unless the node serves metrics.",
		status:      200, answer: ""}
)

// adminIDs are the operationIds of the admin routes (api/admin.go), by method and path.
var adminIDs = map[string]string{
	"GET /admin/v1/companies":                         "listCompanies",
	"PUT /admin/v1/companies/{id}":                    "putCompany",
	"POST /admin/v1/companies/{id}/ingestion-id":      "rotateIngestionId",
	"GET /admin/v1/terminals":                         "listTerminals",
	"PUT /admin/v1/terminals/{port}/{code}":           "putTerminal",
	"DELETE /admin/v1/terminals/{port}/{code}":        "deleteTerminal",
	"GET /admin/v1/companies/{id}/clients":            "listClientApplications",
	"POST /admin/v1/companies/{id}/clients":           "createClientApplication",
	"DELETE /admin/v1/clients/{clientId}":             "revokeClientApplication",
	"GET /admin/v1/companies/{id}/subscription-keys":  "listSubscriptionKeys",
	"POST /admin/v1/companies/{id}/subscription-keys": "createSubscriptionKey",
	"DELETE /admin/v1/subscription-keys/{keyId}":      "revokeSubscriptionKey",
	"GET /admin/v1/companies/{id}/users":              "listUsers",
	"POST /admin/v1/companies/{id}/users":             "createUser",
	"DELETE /admin/v1/users/{username}":               "revokeUser",
	"GET /admin/v1/signing-keys":                      "listSigningKeys",
	"POST /admin/v1/signing-keys":                     "addSigningKey",
	"DELETE /admin/v1/signing-keys/{kid}":             "retireSigningKey",
}
