package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/google/uuid"

	"github.com/portlight/portlight/internal/fault"
	"github.com/portlight/portlight/service"
)

// style says in which shape a route answers errors: the asynchronous CPu calls answer a 400 with
// a JSON string (the seed's "Route parameter 'PortLoCode' does not match..."), the synchronous
// ones with RFC 7807 problem details ("One or more validation errors occurred.").
type style int

const (
	styleAsync style = iota
	styleSync
)

// statusOf is the one table from the error codes (package fault: the service's, the admin's,
// the notification channels' and the stores') to HTTP statuses.
var statusOf = map[service.Code]int{
	service.CodeInternal:         http.StatusInternalServerError,
	service.CodeInvalid:          http.StatusBadRequest,
	service.CodeUnauthorized:     http.StatusUnauthorized,
	service.CodeForbidden:        http.StatusForbidden,
	service.CodeNotFound:         http.StatusNotFound,
	service.CodeMethodNotAllowed: http.StatusMethodNotAllowed,
	service.CodeNoMatch:          http.StatusMethodNotAllowed,
	service.CodeConflict:         http.StatusConflict,
	service.CodeUnprocessable:    http.StatusUnprocessableEntity,
	service.CodeTooManyRequests:  http.StatusTooManyRequests,
}

// Body shapes of the seeds.
type (
	statusMessage struct {
		StatusCode int    `json:"statusCode"`
		Message    string `json:"message"`
	}
	internalError struct {
		Identifier string  `json:"identifier"`
		Error      string  `json:"error"`
		ExtraInfo  *string `json:"extraInfo"`
	}
	problem struct {
		Type     string              `json:"type"`
		Title    string              `json:"title"`
		Status   int                 `json:"status"`
		Detail   string              `json:"detail,omitempty"`
		Instance string              `json:"instance,omitempty"`
		TraceID  string              `json:"traceId,omitempty"`
		Errors   map[string][]string `json:"errors,omitempty"`
	}
)

const msgInternal = "An unexpected error has occured, please try again later. If the problem persists, please contact support."

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// fail answers err in the shape the route's style and the seeds call for. Internal details are
// logged with an identifier the caller can quote, never shown.
func fail(w http.ResponseWriter, r *http.Request, st style, err error) {
	e := fault.As(err)
	status := statusOf[e.Code]
	switch status {
	case http.StatusInternalServerError:
		id := uuid.NewString()
		slog.Error("request failed", "identifier", id, "method", r.Method, "path", r.URL.Path, "err", err)
		writeJSON(w, status, internalError{Identifier: id, Error: msgInternal})
	case http.StatusTooManyRequests:
		w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds()+0.999)))
		writeJSON(w, status, statusMessage{StatusCode: status, Message: e.Message})
	case http.StatusUnauthorized:
		writeJSON(w, status, statusMessage{StatusCode: status, Message: e.Message})
	case http.StatusForbidden:
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeJSON(w, status, struct{}{})
	case http.StatusBadRequest:
		if st == styleAsync {
			writeJSON(w, status, e.Message)
			return
		}
		fields := e.Fields
		if len(fields) == 0 {
			fields = map[string][]string{"request": {e.Message}}
		}
		writeJSON(w, status, problem{
			Type: "https://tools.ietf.org/html/rfc7231#section-6.5.1", Title: "One or more validation errors occurred.",
			Status: status, TraceID: traceID(), Errors: fields,
		})
	default:
		writeJSON(w, status, problem{
			Type: "https://tools.ietf.org/html/rfc7231#section-6.5", Title: http.StatusText(status),
			Status: status, Detail: e.Message, Instance: r.URL.Path,
		})
	}
}

// traceID makes a W3C trace-context id like the seed's "00-<trace>-<span>-00".
func traceID() string {
	a, b := uuid.New(), uuid.New()
	return "00-" + hex32(a[:]) + "-" + hex32(b[:8]) + "-00"
}

func hex32(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, len(b)*2)
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&15]
	}
	return string(out)
}
