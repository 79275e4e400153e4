package api

import (
	"encoding/json"
	"reflect"
	"regexp"

	"github.com/danielgtaylor/huma/v2"
)

// The OpenAPI document (/openapi.json) is built from the route table: openapi_docs.go says what
// each route does, openapi_schemas.go names the schemas, openapi_responses.go lists the error
// answers. internal/openapicheck validates and lints it; client/apiclient is generated from it.

var pathParam = regexp.MustCompile(`\{(\w+)\}`)

// tags are the document's tags, in the order a reader meets them.
var tags = []*huma.Tag{
	{Name: "Access", Description: "OAuth 2.0 tokens and the keys that verify them."},
	{Name: "Shipping Agent", Description: "The commercial release of import containers."},
	{Name: "Release Rights", Description: "Transfer, accept, decline and revoke the right to release a container."},
	{Name: "Transport Operator", Description: "The Pick-up Right: who takes the container out."},
	{Name: "Terminal Operator", Description: "Terminal events, pick-up validations and the gate check."},
	{Name: "Customs", Description: "The customs status of containers (CCRM)."},
	{Name: "Generic Services", Description: "Release detail, rights lists and the company registry."},
	{Name: "Notifications", Description: "Pulling the notifications of the caller's company."},
	{Name: "Notification Channels", Description: "Webhooks that push the notifications of the caller's company."},
	{Name: "EDIFACT", Description: "COREOR, COARRI and CODECO interchanges, and their APERAK."},
	{Name: "Administration", Description: "The operator's API: companies, terminals, credentials and signing keys."},
	{Name: "Operations", Description: "Probes, metrics, this document and the benchmark ceiling."},
}

// buildOpenAPI describes the route table as an OpenAPI 3.1 document, with the JSON schemas of the
// request and answer types generated from the Go types the handlers decode and encode.
func buildOpenAPI(routes []route) []byte {
	reg := huma.NewMapRegistry("#/components/schemas/", schemaName)
	spec := &huma.OpenAPI{
		OpenAPI: "3.1.0",
		Info: &huma.Info{Title: "Portlight Certified Pick-up API", Version: "1.0.0",
			Description: "Wire-compatible with the NxtPort CPu API. Asynchronous calls answer 202 and deliver their outcome as notifications.",
			License:     &huma.License{Name: "Proprietary", URL: "https://github.com/portlight/portlight"}},
		Servers: []*huma.Server{{URL: "/", Description: "The node that serves this document (its --public-url)."}},
		Paths:   map[string]*huma.PathItem{},
		Tags:    tags,
		Components: &huma.Components{Schemas: reg, SecuritySchemes: map[string]*huma.SecurityScheme{
			"bearer":          {Type: "http", Scheme: "bearer", BearerFormat: "JWT", Description: "An access token from POST /connect/token"},
			"subscriptionKey": {Type: "apiKey", In: "header", Name: "Ocp-Apim-Subscription-Key", Description: "The company's subscription key"},
			"operatorToken":   {Type: "http", Scheme: "bearer", Description: "The operator's admin token (--admin-token)"},
		}},
	}
	spec.Components.Responses = errorResponses(reg)
	schema := func(v any) *huma.Schema { return reg.Schema(typeOf(v), true, "") }
	for _, rt := range routes {
		spec.AddOperation(operation(rt, reg, schema))
	}
	allowNull(reg)
	out, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		panic("api: OpenAPI document: " + err.Error()) // the route table is static: a failure is a programming error
	}
	return out
}

// operation describes one route.
func operation(rt route, reg huma.Registry, schema func(any) *huma.Schema) *huma.Operation {
	str := &huma.Schema{Type: "string"}
	id := rt.doc.id
	if id == "" {
		id = adminIDs[rt.method+" "+rt.path]
	}
	op := &huma.Operation{
		Method: rt.method, Path: rt.path, OperationID: id, Summary: rt.doc.summary,
		Description: rt.doc.description, Tags: []string{rt.doc.tag}, Responses: map[string]*huma.Response{},
		Security: []map[string][]string{}, // public: an explicit empty list
	}
	for _, m := range pathParam.FindAllStringSubmatch(rt.path, -1) {
		op.Parameters = append(op.Parameters, &huma.Param{Name: m[1], In: "path", Required: true, Schema: str})
	}
	for _, q := range rt.doc.query {
		op.Parameters = append(op.Parameters, &huma.Param{Name: q, In: "query", Schema: queryParam(rt, q)})
	}
	switch rt.access {
	case operator:
		op.Security = []map[string][]string{{"operatorToken": {}}}
	case bearer, bearerAndKey:
		op.Parameters = append(op.Parameters, &huma.Param{Name: "External-Reference-Id", In: "header", Schema: str,
			Description: "Your own reference, echoed in the answer and in your notifications."})
		sec := map[string][]string{"bearer": {}}
		if rt.access == bearerAndKey {
			sec["subscriptionKey"] = []string{}
		}
		op.Security = []map[string][]string{sec}
	}
	if rt.doc.edifact {
		text := &huma.Schema{Type: "string", Description: "A UN/EDIFACT interchange, UNA or UNB to UNZ"}
		op.RequestBody = &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
			"application/edifact": {Schema: text, Example: rt.doc.example}, "text/plain": {Schema: text}}}
	}
	if mutating(rt.method) && rt.access != public && rt.access != operator {
		op.Parameters = append(op.Parameters, &huma.Param{Name: HeaderIdempotencyKey, In: "header", Schema: str,
			Description: "A retry with the same key within 24 hours gets the first answer and is not applied again; another body with the same key is 422."})
	}
	if rt.doc.body != nil {
		s := schema(rt.doc.body)
		if rt.doc.lenient {
			loosen(reg, s, map[*huma.Schema]bool{})
		}
		op.RequestBody = &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
			"application/json": {Schema: s, Example: rt.doc.example}}}
	}
	if len(rt.doc.form) > 0 {
		props := map[string]*huma.Schema{}
		for _, f := range rt.doc.form {
			props[f] = str
		}
		props["grant_type"] = &huma.Schema{Type: "string", Enum: []any{"client_credentials", "password"}}
		op.RequestBody = &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
			"application/x-www-form-urlencoded": {Schema: &huma.Schema{Type: "object", Properties: props, Required: []string{"grant_type"}},
				Example: map[string]string{"grant_type": "client_credentials", "client_id": "my-client-id", "client_secret": "my-client-secret"}}}}
	}
	addResponses(op, rt, schema)
	return op
}

func typeOf(v any) reflect.Type { return reflect.TypeOf(v) }

// queryParam is the schema of a query parameter: the pages and limits are whole numbers within the
// bounds the handlers check (api/queries.go, api/entities.go, api/channels.go), the rest strings.
func queryParam(rt route, name string) *huma.Schema {
	one := 1.0
	switch name {
	case "page":
		return &huma.Schema{Type: "integer", Minimum: &one, Default: 1}
	case "pageSize":
		most := float64(MaxListPageSize)
		if rt.doc.id == docEntities.id {
			most = MaxEntityPageSize
		}
		return &huma.Schema{Type: "integer", Minimum: &one, Maximum: &most, Default: 25}
	case "limit":
		return &huma.Schema{Type: "integer", Minimum: &one, Default: 50}
	}
	return &huma.Schema{Type: "string"}
}

// Schema describes request date-times in /openapi.json (huma.SchemaProvider).
func (isoTime) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: "string", Description: "ISO 8601 date-time (UTC when no zone is given) or date; empty: not given",
		Examples: []any{"2026-11-28T08:52:12.928Z"}}
}

// OpenAPI returns the OpenAPI document that GET /openapi.json serves.
func (a *API) OpenAPI() []byte { return a.openapi }
