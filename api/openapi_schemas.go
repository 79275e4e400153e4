package api

import (
	"reflect"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// The names and shapes of /openapi.json's schemas. Names come from the Go types, except where a
// bare name would collide with what code generators declare themselves (oapi-codegen's Client and NewClient,
// ogen's Server, ...) or say too little (Spec): schemaNames renames those.
var schemaNames = map[string]string{
	"Client":             "ClientApplication",
	"NewClient":          "CreatedClientApplication",
	"NewUser":            "CreatedUser",
	"NewSubscriptionKey": "CreatedSubscriptionKey",
	"Spec":               "NotificationChannelSpec",
	"AuthSpec":           "NotificationChannelAuthSpec",
	"AuthView":           "NotificationChannelAuthView",
	"ChannelView":        "NotificationChannel",
	"User":               "UserAccount",
	"Response":           "ResponseBody",
	"Server":             "ServerInfo",
	"Error":              "ErrorBody",
	"statusMessage":      "StatusMessage",
	"internalError":      "InternalError",
	"problem":            "Problem",
}

// schemaName names a Go type's schema: its type name, renamed by schemaNames, first letter upper.
// Anonymous types have no name: the registry inlines them (huma names them after hint, which the
// builder never gives), and a name that comes out empty is a programming error caught by the tests.
func schemaName(t reflect.Type, hint string) string {
	name := huma.DefaultSchemaNamer(t, hint)
	if n, ok := schemaNames[name]; ok {
		return n
	}
	if n, ok := schemaNames[t.Name()]; ok {
		return n
	}
	return name
}

// liveness is the answer of GET /healthz.
type liveness struct {
	Status string `json:"status" enum:"ok"`
}

// jsonWebKeySet describes the answer of GET /.well-known/jwks.json (RFC 7517), which go-jose encodes.
type jsonWebKeySet struct{}

// Schema describes a JSON Web Key Set (huma.SchemaProvider).
func (jsonWebKeySet) Schema(huma.Registry) *huma.Schema {
	str := &huma.Schema{Type: "string"}
	key := &huma.Schema{Type: "object", Required: []string{"kty"}, Properties: map[string]*huma.Schema{
		"kty": str, "kid": str, "use": str, "alg": str, "crv": str, "x": str, "y": str, "n": str, "e": str,
	}}
	return &huma.Schema{Type: "object", Required: []string{"keys"}, Description: "JSON Web Key Set (RFC 7517)",
		Properties: map[string]*huma.Schema{"keys": {Type: "array", Items: key}}}
}

// openAPIDocument describes the answer of GET /openapi.json: this document.
type openAPIDocument struct{}

// Schema describes an OpenAPI document, loosely (huma.SchemaProvider).
func (openAPIDocument) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: "object", Required: []string{"openapi", "info", "paths"}, Description: "An OpenAPI 3.1 document",
		Properties: map[string]*huma.Schema{"openapi": {Type: "string"}, "info": {Type: "object"}, "paths": {Type: "object"}}}
}

// loosen makes a request body's schema (and the schemas it refers to) what a lenient decoder
// accepts: unknown fields are ignored and no field is required by the decoder (the rules answer a
// missing field with a 400 in the documented shape).
func loosen(reg huma.Registry, s *huma.Schema, seen map[*huma.Schema]bool) {
	if s == nil || seen[s] {
		return
	}
	seen[s] = true
	if s.Ref != "" {
		loosen(reg, reg.SchemaFromRef(s.Ref), seen)
		return
	}
	if s.Type == "object" && s.Properties != nil {
		s.Required, s.AdditionalProperties = nil, nil
	}
	for _, p := range s.Properties {
		loosen(reg, p, seen)
	}
	loosen(reg, s.Items, seen)
}

// allowNull makes the schemas say what encoding/json writes for a nil pointer or map in a field
// without omitempty: null. huma does so for pointers to scalars and for slices; a pointer to a
// struct becomes anyOf its schema and null, a map an object or null.
func allowNull(reg huma.Registry) {
	for name, s := range reg.Map() {
		t := reg.TypeFromRef("#/components/schemas/" + name)
		if t == nil || s.Properties == nil {
			continue
		}
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() == reflect.Struct {
			allowNullFields(t, s)
		}
	}
}

func allowNullFields(t reflect.Type, s *huma.Schema) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			allowNullFields(f.Type, s) // huma flattens embedded structs
			continue
		}
		if !f.IsExported() || name == "-" || strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero") {
			continue
		}
		if name == "" {
			name = f.Name
		}
		p := s.Properties[name]
		if p == nil {
			continue
		}
		switch {
		case f.Type.Kind() == reflect.Pointer && p.Ref != "":
			s.Properties[name] = &huma.Schema{AnyOf: []*huma.Schema{{Ref: p.Ref}, {Type: "null"}}, Description: p.Description}
		case f.Type.Kind() == reflect.Map && p.Type == "object":
			p.Nullable = true
		}
	}
}
