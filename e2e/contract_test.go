package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	liberrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/helpers"

	"github.com/portlight/portlight/api"
)

// The suite holds the nodes to their OpenAPI document: every request it sends to a node, through
// client.Client, its generated typed client or raw net/http, and every answer it gets, is checked
// against /openapi.json by contractTransport (installed as http.DefaultTransport by TestMain).
//
//   - A request the document accepts must get an answer the document describes (status, headers
//     and body schema), or the handler has drifted from the document.
//   - A request the document refuses (the suite sends many on purpose: missing credentials, bad
//     bodies) must get a 4xx, and a 4xx the document describes; an operation the document does
//     not have must get 404 or 405.
//
// A violation fails the call (the transport returns an error naming it) and the whole run
// (TestMain prints them all and exits 1).

// contractDoc is the document every node serves (startNode checks that its /openapi.json is it).
var contractDoc = api.New(nil, api.Options{}).OpenAPI()

var (
	contractOnce      sync.Once
	contractValidator validator.Validator
	contractMu        sync.Mutex // the validator's caches are not documented as safe for concurrent use
	nodeHosts         sync.Map   // host:port of every node started → true
	violationsMu      sync.Mutex
	violations        []string
)

// contractTransport validates the calls to the nodes against the document and passes every other
// call (webhook receivers, token endpoints of the tests) through.
type contractTransport struct{ next http.RoundTripper }

// watchNode adds a node's base URL to the hosts whose calls are validated.
func watchNode(baseURL string) {
	if u, err := url.Parse(baseURL); err == nil {
		nodeHosts.Store(u.Host, true)
	}
}

func (c contractTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	// The web console (/console/...) is pages for people, not the API: the document leaves it out.
	if _, ok := nodeHosts.Load(req.URL.Host); !ok || strings.HasPrefix(req.URL.Path, "/console/") {
		return c.next.RoundTrip(req)
	}
	contractOnce.Do(func() {
		doc, err := libopenapi.NewDocument(contractDoc)
		if err != nil {
			panic("e2e: the OpenAPI document does not load: " + err.Error())
		}
		v, errs := validator.NewValidator(doc)
		if len(errs) > 0 {
			panic(fmt.Sprintf("e2e: no validator for the OpenAPI document: %v", errs))
		}
		contractValidator = v
	})
	var reqBody []byte
	if req.Body != nil {
		var err error
		if reqBody, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	check := req.Clone(req.Context())
	check.Body = io.NopCloser(bytes.NewReader(reqBody))
	contractMu.Lock()
	reqOK, reqErrs := contractValidator.ValidateHttpRequestSync(check)
	contractMu.Unlock()

	resp, err := c.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	respBody, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))

	call := req.Method + " " + req.URL.RequestURI()
	var problem string
	switch {
	case !reqOK && unknownOperation(reqErrs):
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
			problem = fmt.Sprintf("%s is not in the document, yet answered %d", call, resp.StatusCode)
		}
	case !reqOK && (resp.StatusCode < 400 || resp.StatusCode > 499):
		problem = fmt.Sprintf("%s: the document refuses the request (%s), yet the node answered %d", call, describe(reqErrs), resp.StatusCode)
	default:
		answer := *resp
		answer.Body = io.NopCloser(bytes.NewReader(respBody))
		check.Body = io.NopCloser(bytes.NewReader(reqBody))
		contractMu.Lock()
		ok, errs := contractValidator.ValidateHttpResponse(check, &answer)
		contractMu.Unlock()
		if !ok {
			problem = fmt.Sprintf("%s answered %d, which the document does not describe: %s; body %.300s", call, resp.StatusCode, describe(errs), respBody)
		}
	}
	if problem != "" {
		violationsMu.Lock()
		violations = append(violations, problem)
		violationsMu.Unlock()
		return nil, fmt.Errorf("contract violation: %s", problem)
	}
	return resp, nil
}

// unknownOperation says whether the request failed because the document has no such path or method.
func unknownOperation(errs []*liberrors.ValidationError) bool {
	for _, e := range errs {
		if e.ValidationType == helpers.PathValidation || e.ValidationSubType == helpers.ValidationMissingOperation ||
			e.ValidationSubType == helpers.ValidationMissing && e.ValidationType != helpers.ParameterValidation {
			return true
		}
	}
	return false
}

func describe(errs []*liberrors.ValidationError) string {
	var parts []string
	for _, e := range errs {
		s := e.Message
		if e.Reason != "" {
			s += " (" + e.Reason + ")"
		}
		for _, f := range e.SchemaValidationErrors {
			s += "; " + f.Reason + " at " + f.FieldPath
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " | ")
}

// reportViolations prints the contract violations of the run; false when there were some.
func reportViolations() bool {
	violationsMu.Lock()
	defer violationsMu.Unlock()
	for _, v := range violations {
		fmt.Fprintln(os.Stderr, "contract violation:", v)
	}
	return len(violations) == 0
}

// TestContractCatchesDrift points contractTransport at a fake node whose handlers have drifted
// from the document, and checks that each drift fails the call: an answer without a documented
// field, a status the operation does not declare, a request the document refuses but the node
// accepts, and an operation the document does not have that the node serves.
func TestContractCatchesDrift(t *testing.T) {
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/healthz":
			w.WriteHeader(http.StatusTeapot)
			fmt.Fprint(w, `{"status":"ok"}`)
		default:
			w.WriteHeader(http.StatusAccepted)
			fmt.Fprint(w, `{"externalReferenceId":null}`) // a Receipt without publicReferenceId
		}
	}))
	defer fake.Close()
	watchNode(fake.URL)
	defer nodeHosts.Delete(strings.TrimPrefix(fake.URL, "http://"))
	violationsMu.Lock()
	before := len(violations)
	violationsMu.Unlock()
	defer func() { // these violations are this test's, not the run's
		violationsMu.Lock()
		violations = violations[:before]
		violationsMu.Unlock()
	}()

	call := func(method, path, body string, headers ...string) error {
		req, _ := http.NewRequest(method, fake.URL+path, strings.NewReader(body))
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	authed := []string{"Authorization", "Bearer x", "Ocp-Apim-Subscription-Key", "k", "Content-Type", "application/json"}
	for name, err := range map[string]error{
		"answer without a required field": call("PUT", "/certified-pickup/v1/BEANR/containers/CAIU7654321/import/release-rights", `{}`, authed...),
		"status the operation lacks":      call("GET", "/healthz", ""),
		"refused request accepted":        call("PUT", "/certified-pickup/v1/BEANR/containers/CAIU7654321/import/release-rights", `[1]`, authed...),
		"undocumented operation answered": call("GET", "/certified-pickup/v1/secret-admin-page", ""),
	} {
		if err == nil || !strings.Contains(err.Error(), "contract violation") {
			t.Errorf("%s: the transport let it pass (%v)", name, err)
		}
		t.Logf("%s: %v", name, err)
	}
}
