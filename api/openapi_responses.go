package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/portlight/portlight/service"
)

// The error answers of /openapi.json, in the seeds' shapes (api/respond.go writes them): each is a
// reusable response under components.responses, and every operation refers to the ones it can give.
const (
	respBadRequestAsync = "BadRequestMessage" // an asynchronous CPu call's 400: a JSON string
	respBadRequest      = "ValidationProblem" // a synchronous call's 400: RFC 7807 with errors
	respTokenError      = "TokenError"        // the token endpoint's 400 and 401 (RFC 6749 section 5.2)
	respUnauthorized    = "Unauthorized"
	respForbidden       = "Forbidden"
	respNotFound        = "NotFound"
	respNotAllowed      = "MethodNotAllowed"
	respConflict        = "Conflict"
	respTooMany         = "TooManyRequests"
	respUnprocessable   = "IdempotencyKeyReused" // an Idempotency-Key sent again with another request
	respEdifactRejected = "InterchangeRejected"  // an EDIFACT interchange refused: a CONTRL, or a problem's JSON
	respInternal        = "InternalServerError"
)

// errorResponses builds components.responses, with their schemas in reg and examples from the seeds.
func errorResponses(reg huma.Registry) map[string]*huma.Response {
	schema := func(v any) *huma.Schema { return reg.Schema(typeOf(v), true, "") }
	problemOf := func(status int, detail string) map[string]any {
		return map[string]any{"type": "https://tools.ietf.org/html/rfc7231#section-6.5", "title": http.StatusText(status),
			"status": status, "detail": detail, "instance": "/certified-pickup/v1/notification-channels/0d6b2c61-3a0e-4d8f-9a34-3c1e0f3a2b10"}
	}
	problemResponse := func(status int, description, detail string) *huma.Response {
		return &huma.Response{Description: description, Content: map[string]*huma.MediaType{
			"application/json": {Schema: schema(problem{}), Example: problemOf(status, detail)}}}
	}
	return map[string]*huma.Response{
		respBadRequestAsync: {Description: "The request is not valid: a JSON string that says why.",
			Content: map[string]*huma.MediaType{"application/json": {Schema: &huma.Schema{Type: "string"},
				Example: "Route parameter 'PortLoCode' does not match with PortLoCode from body;Route parameter 'EquipmentNumber' does not match with EquipmentNumber from body"}}},
		respBadRequest: {Description: "One or more validation errors occurred (RFC 7807; errors by field).",
			Content: map[string]*huma.MediaType{"application/json": {Schema: schema(problem{}), Example: map[string]any{
				"type": "https://tools.ietf.org/html/rfc7231#section-6.5.1", "title": "One or more validation errors occurred.", "status": 400,
				"traceId": "00-1fa221c60594f6428678fd0fe54140a8-d1aecb5a9485b64d-00",
				"errors":  map[string][]string{"Page": {"'Page' must be greater than or equal to '1'."}}}}}},
		respTokenError: {Description: "The token request is refused (RFC 6749 section 5.2).",
			Content: map[string]*huma.MediaType{"application/json": {Schema: schema(service.OAuthError{}),
				Example: map[string]string{"error": "invalid_client", "error_description": "unknown client or wrong secret"}}}},
		respUnauthorized: {Description: "Missing or invalid access token or subscription key.",
			Content: map[string]*huma.MediaType{"application/json": {Schema: schema(statusMessage{}), Example: map[string]any{"statusCode": 401,
				"message": "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription."}}}},
		respForbidden: {Description: "The caller may not do this, or see this (an empty object).",
			Headers: map[string]*huma.Param{"WWW-Authenticate": {Schema: &huma.Schema{Type: "string"}, Example: `Bearer error="invalid_token"`}},
			Content: map[string]*huma.MediaType{"application/json": {Schema: &huma.Schema{Type: "object", MaxProperties: intPtr(0)}, Example: map[string]any{}}}},
		respNotFound:   problemResponse(404, "Not found (RFC 7807).", "No notification channel 0d6b2c61-3a0e-4d8f-9a34-3c1e0f3a2b10."),
		respNotAllowed: problemResponse(405, "Not allowed for this request, or nothing matches (RFC 7807).", "No matching notifications found, check your query parameters."),
		respConflict:   problemResponse(409, "The resource is not in a state that allows this (RFC 7807).", "Only a dead delivery can be replayed."),
		respUnprocessable: problemResponse(422, "The Idempotency-Key was used before with another request (RFC 7807).",
			"The Idempotency-Key was used before with another request."),
		respEdifactRejected: {Description: "A syntax fault: a CONTRL interchange names it (nothing of the interchange was applied); " +
			"or a body that is too large or not EDIFACT at all (RFC 7807).",
			Content: map[string]*huma.MediaType{
				"application/edifact": {Schema: &huma.Schema{Type: "string"},
					Example: "UNB+UNOC:3+PORTLIGHT:ZZZ+TERMINAL0100:ZZZ+261206:0816+PL0001'UNH+1+CONTRL:D:3:UN'UCI+CD1+TERMINAL0100:ZZZ+PORTLIGHT:ZZZ+4'UCM+1+CODECO:D:95B:UN+4+29+UNT'UNT+4+1'UNZ+1+PL0001'"},
				"application/json": {Schema: schema(problem{})}}},
		respTooMany: {Description: "Too many requests; Retry-After says when to try again.",
			Headers: map[string]*huma.Param{"Retry-After": {Schema: &huma.Schema{Type: "integer"}, Example: 30, Description: "Seconds to wait"}},
			Content: map[string]*huma.MediaType{"application/json": {Schema: schema(statusMessage{}),
				Example: map[string]any{"statusCode": 429, "message": "Too many failed attempts; try again in 30 seconds."}}}},
		respInternal: {Description: "Something went wrong on the platform's side; quote the identifier to support.",
			Content: map[string]*huma.MediaType{"application/json": {Schema: schema(internalError{}), Example: map[string]any{
				"identifier": "2304c375-30e2-408b-ac74-4c1b67ceaabf", "error": msgInternal, "extraInfo": nil}}}},
	}
}

func intPtr(i int) *int { return &i }

// errorsOf lists the error answers a route can give, by status.
func errorsOf(rt route) map[int]string {
	out := map[int]string{500: respInternal}
	switch rt.access {
	case public:
		if rt.path == "/connect/token" {
			out[400], out[401], out[429] = respTokenError, respTokenError, respTokenError // 429: slow_down, with Retry-After
		}
	case operator:
		out[400], out[401], out[404], out[409], out[429] = respBadRequest, respUnauthorized, respNotFound, respConflict, respTooMany
	default:
		out[400], out[401], out[403], out[429] = respBadRequest, respUnauthorized, respForbidden, respTooMany
		if rt.style == styleAsync {
			out[400] = respBadRequestAsync
		}
	}
	switch {
	case rt.path == "/ingestion/v1/ingestion/{ingestionId}", rt.path == "/certified-pickup/v1/notifications":
		out[405] = respNotAllowed
	case strings.Contains(rt.path, "/notification-channels"), rt.path == "/metrics", strings.HasPrefix(rt.path, "/bench/"):
		out[404] = respNotFound
	}
	if strings.HasSuffix(rt.path, "/replay") {
		out[409] = respConflict
	}
	if strings.HasPrefix(rt.path, "/edi/") {
		out[404] = respNotFound
		if rt.doc.edifact {
			out[400] = respEdifactRejected
		}
	}
	if mutating(rt.method) && rt.access != public && rt.access != operator {
		out[409], out[422] = respConflict, respUnprocessable // an Idempotency-Key still in use, or reused
	}
	return out
}

// addResponses puts the route's success answer and its error answers on op.
func addResponses(op *huma.Operation, rt route, schema func(any) *huma.Schema) {
	success := &huma.Response{Description: http.StatusText(rt.doc.status)}
	switch {
	case rt.doc.edifactOut:
		success.Content = map[string]*huma.MediaType{"application/edifact": {Schema: &huma.Schema{Type: "string"}}}
	case rt.doc.status == http.StatusNoContent || rt.doc.answer == nil:
	case rt.path == "/metrics":
		success.Content = map[string]*huma.MediaType{"text/plain": {Schema: &huma.Schema{Type: "string"}}}
	default:
		success.Content = map[string]*huma.MediaType{"application/json": {Schema: schema(rt.doc.answer), Example: rt.doc.answerEx}}
	}
	op.Responses[strconv.Itoa(rt.doc.status)] = success
	if rt.path == "/readyz" {
		op.Responses["503"] = &huma.Response{Description: "The node's database does not answer: take the node out of rotation.",
			Content: map[string]*huma.MediaType{"application/json": {Schema: schema(readiness{}),
				Example: readiness{Status: "unavailable", Database: "unreachable"}}}}
	}
	for status, name := range errorsOf(rt) {
		op.Responses[strconv.Itoa(status)] = &huma.Response{Ref: "#/components/responses/" + name}
	}
}
