package openapicheck_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/schema_validation"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"github.com/pb33f/libopenapi/orderedmap"

	"github.com/portlight/portlight/api"
)

// TestOpenAPIIsValid holds /openapi.json against the OpenAPI 3.1 specification's own schema, with
// libopenapi-validator, and checks that every $ref resolves when libopenapi builds the model; and
// that the same check refuses the empty schema name the document once had.
func TestOpenAPIIsValid(t *testing.T) {
	raw := api.New(nil, api.Options{}).OpenAPI()
	for _, e := range validateDocument(t, raw) {
		t.Error(e)
	}
	broken := strings.Replace(string(raw), `"Receipt": {`, `"": {"type": "object"}, "Receipt": {`, 1)
	if len(validateDocument(t, []byte(broken))) == 0 {
		t.Error("a schema named \"\" passes the validation")
	}
}

// validateDocument lists what libopenapi and libopenapi-validator find wrong with the document.
func validateDocument(t *testing.T, raw []byte) []string {
	t.Helper()
	doc, err := libopenapi.NewDocument(raw)
	if err != nil {
		return []string{"libopenapi cannot read the document: " + err.Error()}
	}
	var out []string
	if v := doc.GetVersion(); v != "3.1.0" {
		out = append(out, fmt.Sprintf("openapi %q, want 3.1.0", v))
	}
	if _, err := doc.BuildV3Model(); err != nil {
		out = append(out, fmt.Sprintf("the model does not build (unresolved $ref?): %v", err))
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		return append(out, fmt.Sprintf("validator: %v", errs))
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, e := range verrs {
			out = append(out, fmt.Sprintf("invalid: %s: %s %v", e.Message, e.Reason, e.SchemaValidationErrors))
		}
	}
	return out
}

// reservedNames are type names that common Go generators declare themselves: oapi-codegen's client
// (Client, NewClient, ClientInterface, ClientOption, ClientWithResponses, HttpRequestDoer, RequestEditorFn)
// and ogen's (Server, Handler, Invoker, Option, Error, Response).
var reservedNames = []string{"Client", "NewClient", "NewClientWithResponses", "ClientInterface", "ClientOption", "ClientWithResponses", "ClientWithResponsesInterface",
	"HttpRequestDoer", "RequestEditorFn", "Server", "Handler", "Invoker", "Option", "Error", "Response", "Request", "Options"}

var (
	operationIDPattern = regexp.MustCompile(`^[a-z][A-Za-z0-9]*$`)
	schemaNamePattern  = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
	pathParam          = regexp.MustCompile(`\{(\w+)\}`) // a path parameter, as api/openapi.go finds them
)

// lintOpenAPI checks what Redocly's recommended ruleset checks and an integrator's generator
// trips on, on the document as JSON; it returns one line per violation, prefixed by the rule.
func lintOpenAPI(raw []byte) []string {
	var spec struct {
		Servers []struct {
			URL string `json:"url"`
		} `json:"servers"`
		Info struct {
			License *struct {
				Name string `json:"name"`
			} `json:"license"`
		} `json:"info"`
		Tags []struct {
			Name        string `json:"name"`
			Description string `json:"description"`
		} `json:"tags"`
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas         map[string]json.RawMessage `json:"schemas"`
			Responses       map[string]json.RawMessage `json:"responses"`
			SecuritySchemes map[string]json.RawMessage `json:"securitySchemes"`
		} `json:"components"`
	}
	var out []string
	bad := func(rule, format string, args ...any) { out = append(out, rule+": "+fmt.Sprintf(format, args...)) }
	if err := json.Unmarshal(raw, &spec); err != nil {
		return []string{"json: " + err.Error()}
	}
	if len(spec.Servers) == 0 || spec.Servers[0].URL == "" {
		bad("no-empty-servers", "the document declares no server")
	}
	for _, s := range spec.Servers {
		if strings.Contains(s.URL, "example.com") {
			bad("no-server-example.com", "server %s", s.URL)
		}
	}
	if spec.Info.License == nil || spec.Info.License.Name == "" {
		bad("info-license", "info has no license")
	}
	tags := map[string]bool{}
	for _, tg := range spec.Tags {
		tags[tg.Name] = true
		if tg.Description == "" {
			bad("tag-description", "tag %q has no description", tg.Name)
		}
	}
	for name := range spec.Components.Schemas {
		if !schemaNamePattern.MatchString(name) || slices.Contains(reservedNames, name) {
			bad("schema-name", "components.schemas has %q: empty, not a Go-like type name, or one a generator declares itself", name)
		}
	}
	ids := map[string]string{}
	for path, ops := range spec.Paths {
		for method, rawOp := range ops {
			var op struct {
				OperationID string                      `json:"operationId"`
				Summary     string                      `json:"summary"`
				Tags        []string                    `json:"tags"`
				Security    *[]map[string][]string      `json:"security"`
				Parameters  []struct{ Name, In string } `json:"parameters"`
				RequestBody json.RawMessage             `json:"requestBody"`
				Responses   map[string]json.RawMessage  `json:"responses"`
			}
			if err := json.Unmarshal(rawOp, &op); err != nil {
				bad("json", "%s %s: %v", method, path, err)
				continue
			}
			where := strings.ToUpper(method) + " " + path
			switch {
			case op.OperationID == "":
				bad("operation-operationId", "%s has none", where)
			case !operationIDPattern.MatchString(op.OperationID):
				bad("operation-operationId-url-safe", "%s: %q is not camelCase letters and digits", where, op.OperationID)
			case ids[op.OperationID] != "":
				bad("operation-operationId-unique", "%s and %s share %q", where, ids[op.OperationID], op.OperationID)
			}
			ids[op.OperationID] = where
			if op.Summary == "" {
				bad("operation-summary", "%s has none", where)
			}
			for _, tg := range op.Tags {
				if !tags[tg] {
					bad("operation-tag-defined", "%s: tag %q is not declared", where, tg)
				}
			}
			if op.Security == nil {
				bad("security-defined", "%s declares no security (public: [])", where)
			} else {
				for _, req := range *op.Security {
					for scheme := range req {
						if spec.Components.SecuritySchemes[scheme] == nil {
							bad("security-defined", "%s: scheme %q is not in components.securitySchemes", where, scheme)
						}
					}
				}
			}
			declared := map[string]bool{}
			for _, p := range op.Parameters {
				if p.In == "path" {
					declared[p.Name] = true
				}
			}
			for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
				if !declared[m[1]] {
					bad("path-parameters-defined", "%s: {%s} is not a path parameter", where, m[1])
				}
				delete(declared, m[1])
			}
			for name := range declared {
				bad("path-parameters-defined", "%s: path parameter %s is not in the path", where, name)
			}
			takesInput := len(op.Parameters) > 0 || op.RequestBody != nil || (op.Security != nil && len(*op.Security) > 0)
			has4xx := false
			for status, resp := range op.Responses {
				has4xx = has4xx || strings.HasPrefix(status, "4")
				if strings.HasPrefix(status, "4") || strings.HasPrefix(status, "5") {
					var r struct {
						Ref     string          `json:"$ref"`
						Content json.RawMessage `json:"content"`
					}
					_ = json.Unmarshal(resp, &r)
					if r.Ref == "" && r.Content == nil {
						bad("error-response-shape", "%s: %s has no body schema", where, status)
					}
				}
			}
			if takesInput && !has4xx {
				bad("operation-4xx-response", "%s takes input but declares no 4xx answer", where)
			}
		}
	}
	out = append(out, unresolvedRefs(raw)...)
	slices.Sort(out)
	return out
}

// unresolvedRefs lists every local $ref of the document that points at nothing ("no-unresolved-refs").
func unresolvedRefs(raw []byte) []string {
	var root any
	_ = json.Unmarshal(raw, &root)
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				if !resolves(root, ref) {
					out = append(out, "no-unresolved-refs: "+ref)
				}
			}
			for _, c := range v {
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(root)
	return out
}

func resolves(root any, ref string) bool {
	pointer, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return false
	}
	cur := root
	for _, part := range strings.Split(pointer, "/") {
		m, ok := cur.(map[string]any)
		if !ok || part == "" {
			return false
		}
		if cur, ok = m[strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")]; !ok {
			return false
		}
	}
	return true
}

// TestOpenAPILintsClean runs lintOpenAPI on /openapi.json, and on documents with the faults it
// must catch, so that a rule that stopped working would show.
func TestOpenAPILintsClean(t *testing.T) {
	raw := api.New(nil, api.Options{}).OpenAPI()
	for _, v := range lintOpenAPI(raw) {
		t.Error(v)
	}
	faults := map[string]func(string) string{
		"schema-name": func(s string) string { return strings.Replace(s, `"Receipt": {`, `"": {`, 1) },
		"no-unresolved-refs": func(s string) string {
			return strings.Replace(s, `"#/components/schemas/Receipt"`, `"#/components/schemas/"`, 1)
		},
		"operation-operationId-unique": func(s string) string { return strings.Replace(s, `"getHealth"`, `"getReadiness"`, 1) },
		"security-defined":             func(s string) string { return strings.Replace(s, `"security": [],`, ``, 1) },
		"no-empty-servers":             func(s string) string { return strings.Replace(s, `"url": "/"`, `"url": ""`, 1) },
	}
	for rule, inject := range faults {
		broken := inject(string(raw))
		if broken == string(raw) {
			t.Errorf("%s: the fault was not injected", rule)
			continue
		}
		found := false
		for _, v := range lintOpenAPI([]byte(broken)) {
			found = found || strings.HasPrefix(v, rule+":")
		}
		if !found {
			t.Errorf("%s: lintOpenAPI does not see the injected fault", rule)
		}
	}
}

// TestOpenAPIExamplesMatchTheirSchemas validates every example of a request or answer body against
// its schema ("no-invalid-media-type-examples").
func TestOpenAPIExamplesMatchTheirSchemas(t *testing.T) {
	doc, err := libopenapi.NewDocument(api.New(nil, api.Options{}).OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		t.Fatal(err)
	}
	sv := schema_validation.NewSchemaValidator()
	checked := 0
	check := func(where string, content *orderedmap.Map[string, *v3.MediaType]) {
		for ct, mt := range content.FromOldest() {
			if mt.Example == nil || mt.Schema == nil || ct != "application/json" {
				continue
			}
			var ex any
			if err := mt.Example.Decode(&ex); err != nil {
				t.Errorf("%s: example does not decode: %v", where, err)
				continue
			}
			checked++
			if ok, errs := sv.ValidateSchemaObject(mt.Schema.Schema(), ex); !ok {
				for _, e := range errs {
					t.Errorf("%s: example does not match its schema: %s %s", where, e.Message, e.Reason)
				}
			}
		}
	}
	for path, item := range model.Model.Paths.PathItems.FromOldest() {
		for method, op := range item.GetOperations().FromOldest() {
			where := strings.ToUpper(method) + " " + path
			if op.RequestBody != nil {
				check(where+" request", op.RequestBody.Content)
			}
			for status, resp := range op.Responses.Codes.FromOldest() {
				if resp.Content != nil {
					check(where+" "+status, resp.Content)
				}
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d examples checked", checked)
	}
}
