package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// MaxBodyBytes bounds a request body: one command's (release.MaxCommandBytes), unless the route's
// doc says otherwise (the bulk release-rights call, the EDIFACT interchange).
const MaxBodyBytes = release.MaxCommandBytes

// MaxBulkBodyBytes bounds the body of the bulk release-rights call, whose MaxBulkRights items
// are each sized at the door like a single command.
const MaxBulkBodyBytes = 2 << 20

// readBody reads the whole (bounded) body, for decoding and for the audit trail.
func readBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, service.Errorf(service.CodeInvalid, "The request body is larger than %d bytes.", tooBig.Limit)
	case err != nil:
		return nil, service.Errorf(service.CodeInvalid, "The request body could not be read.")
	}
	return body, nil
}

// decodeJSON decodes body into v and turns every decoding failure into a 400 that says what is
// wrong and where, never a 500.
func decodeJSON(body []byte, v any) error {
	if len(strings.TrimSpace(string(body))) == 0 {
		return service.Errorf(service.CodeInvalid, "The request body is empty; a JSON object is expected.")
	}
	err := json.Unmarshal(body, v)
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &syntax):
		return service.Errorf(service.CodeInvalid, "The request body is not valid JSON: %s (at byte %d).", syntax.Error(), syntax.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return service.Errorf(service.CodeInvalid, "The request body must be a JSON object, not %s.", typ.Value)
		}
		return service.FieldError(field, fmt.Sprintf("The field '%s' must be %s, not %s.", field, jsonKind(typ.Type.Kind().String()), typ.Value))
	case errors.As(err, new(*time.ParseError)):
		return service.Errorf(service.CodeInvalid, "A date is not in ISO 8601 format: %v", err)
	}
	return service.Errorf(service.CodeInvalid, "The request body is not valid: %v", err)
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "slice":
		return "an array"
	case "struct", "map", "ptr":
		return "an object"
	case "int", "int64", "float64":
		return "a number"
	}
	return goKind
}

// isoTime is a date-time field of a request: ISO 8601 with or without zone (UTC assumed), or a
// bare date; empty or null means not given.
type isoTime struct{ t *time.Time }

var isoLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02"}

// UnmarshalJSON implements json.Unmarshaler.
func (v *isoTime) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == nil || strings.TrimSpace(*s) == "" {
		return nil
	}
	for _, layout := range isoLayouts {
		if t, err := time.Parse(layout, strings.TrimSpace(*s)); err == nil {
			t = t.UTC()
			v.t = &t
			return nil
		}
	}
	_, err := time.Parse(time.RFC3339, *s)
	return err
}

var portLoCodePattern = regexp.MustCompile(`^[A-Z]{2}[A-Z2-9]{3}$`)

// checkPort refuses a portLoCode that is not a UN/LOCODE.
func checkPort(port string) error {
	if !portLoCodePattern.MatchString(strings.ToUpper(port)) {
		return service.Errorf(service.CodeInvalid, "Route parameter 'PortLoCode' must be a UN/LOCODE such as BEANR, not '%s'", port)
	}
	return nil
}

// externalRef is the caller's External-Reference-Id header, or nil.
func externalRef(r *http.Request) *string {
	if v := strings.TrimSpace(r.Header.Get("External-Reference-Id")); v != "" {
		return &v
	}
	return nil
}

// partyRef is a company named in a request.
type partyRef struct {
	IdentificationType string `json:"identificationType"`
	IdentificationCode string `json:"identificationCode"`
}

func (p *partyRef) given() bool {
	return p != nil && (strings.TrimSpace(p.IdentificationType) != "" || strings.TrimSpace(p.IdentificationCode) != "")
}
