package api

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// TestOpenAPIDescribesEveryRoute holds /openapi.json against the route table: every route is
// described, and nothing else is.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	a := New(nil, Options{})
	var spec struct {
		Paths map[string]map[string]struct {
			OperationID string         `json:"operationId"`
			Responses   map[string]any `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(a.openapi, &spec); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	described := 0
	for _, ops := range spec.Paths {
		described += len(ops)
	}
	if described != len(a.routes) {
		t.Errorf("openapi.json describes %d operations, the route table has %d routes", described, len(a.routes))
	}
	for _, rt := range a.routes {
		op, ok := spec.Paths[rt.path][strings.ToLower(rt.method)]
		if !ok {
			t.Errorf("route %s %s is missing from openapi.json", rt.method, rt.path)
			continue
		}
		if op.OperationID == "" || len(op.Responses) == 0 {
			t.Errorf("route %s %s: operation without id or responses", rt.method, rt.path)
		}
	}
}

func codeOf(t *testing.T, err error) service.Code {
	t.Helper()
	var e *service.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *service.Error", err, err)
	}
	return e.Code
}

func TestParseIngestion(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		code    service.Code
		message string
	}{
		{"empty body", ``, service.CodeInvalid, "The request body is empty; a JSON object is expected."},
		{"not JSON", `{"actionType": "Release",`, service.CodeInvalid, "The request body is not valid JSON"},
		{"array", `[]`, service.CodeInvalid, "The request body must be a JSON object, not array."},
		{"wrong type", `{"actionType":"Release","isCarrierHaulage":"yes"}`, service.CodeInvalid, "The field 'isCarrierHaulage' must be a boolean, not string."},
		{"bills not an array", `{"actionType":"Release","billOfLadingNumbers":"BL1"}`, service.CodeInvalid, "The field 'billOfLadingNumbers' must be an array, not string."},
		{"no action", `{"equipmentNumber":"MSCU1234565"}`, service.CodeInvalid, "The field 'actionType' must be one of Release, Update, Block, Unblock, Revoke, Delete."},
		{"unknown action", `{"actionType":"Destroy"}`, service.CodeInvalid, "The field 'actionType' must be one of"},
		{"bad date", `{"actionType":"Release","releaseDateTimeUtc":"tomorrow"}`, service.CodeInvalid, "not in ISO 8601"},
		{"bad port", `{"actionType":"Release","portLoCode":"Antwerp"}`, service.CodeInvalid, "must be a UN/LOCODE"},
		{"unblock with other fields", `{"actionType":"Unblock","equipmentNumber":"MSCU1234565","vesselName":"EVER GIVEN","stayNumber":"123"}`,
			service.CodeMethodNotAllowed, "It is not allowed to update other information with action Unblock; remove: stayNumber, vesselName"},
		{"delete with releaseTo", `{"actionType":"Delete","releaseTo":{"identificationType":"NxtEntityId","identificationCode":"NXT1"}}`,
			service.CodeMethodNotAllowed, "remove: releaseTo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseIngestion([]byte(tt.body))
			if err == nil {
				t.Fatal("accepted")
			}
			if got := codeOf(t, err); got != tt.code {
				t.Errorf("code %d, want %d (%v)", got, tt.code, err)
			}
			if !strings.Contains(err.Error(), tt.message) {
				t.Errorf("message %q does not contain %q", err.Error(), tt.message)
			}
		})
	}
}

func TestParseIngestionAcceptsTheSeedsBodies(t *testing.T) {
	// Unblock and Delete with the seed's body (empty values count as absent), case-insensitive action.
	for _, body := range []string{
		`{"releaseIdentification":"R1","equipmentNumber":"MSCU1234565","equipmentType":"","billOfLadingNumbers":["BL1"],"portLoCode":"BEANR","terminalCode":"0100","actionType":"unblock"}`,
		`{"releaseIdentification":"R1","equipmentNumber":"MSCU1234565","billOfLadingNumbers":["BL1"],"portLoCode":"beanr","vesselName":"","carrier":{"identificationType":"","identificationCode":""},"actionType":"Delete"}`,
		`{"releaseIdentification":"R1","releaseOrderReference":"","emptyReturnReference":"","isCarrierHaulage":null,"meansOfTransport":"","billOfLadingNumbers":["BL1","BL2"],"terminalCode":"0100","actionType":"Release","carrier":{"identificationType":"","identificationCode":""},"releaseTo":{"identificationType":"nxtentityid","identificationCode":"NXT3"},"releaseDateTimeUtc":"2026-11-28T08:52:12.928Z","expirationDateTimeUtc":"2026-12-28T08:52:12","equipmentNumber":"MSCU1234565","portLoCode":"BEANR"}`,
	} {
		cmd, err := parseIngestion([]byte(body))
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if cmd.PortLoCode != "BEANR" {
			t.Errorf("port %q", cmd.PortLoCode)
		}
		if cmd.ActionType == release.ActionRelease {
			if !cmd.ReleaseTo.Given() || cmd.Carrier.Given() || cmd.Details.ExpirationDateTimeUtc == nil {
				t.Errorf("release decoded wrongly: %+v", cmd)
			}
		}
	}
}

func TestParseRightAction(t *testing.T) {
	const good = `{"releaseIdentification":"R1","equipmentNumber":"MSCU1234565","billOfLadingNumbers":["BL1"],"portLoCode":"BEANR","terminalCode":"0100","actionType":"Accept","releaseFrom":{"identificationType":"NxtEntityId","identificationCode":"NXT1"},"releaseTo":{"identificationType":"NxtEntityId","identificationCode":"NXT3"}}`
	if _, err := parseRightAction([]byte(good), "BEANR", "MSCU1234565"); err != nil {
		t.Fatal(err)
	}
	_, err := parseRightAction([]byte(`{"actionType":"Transfer"}`), "BEANR", "MSCU1234565")
	want := "Route parameter 'PortLoCode' does not match with PortLoCode from body;Route parameter 'EquipmentNumber' does not match with EquipmentNumber from body"
	if err == nil || err.Error() != want {
		t.Errorf("omitted port and equipment: got %v, want the seed's %q", err, want)
	}
	_, err = parseRightAction([]byte(`{"portLoCode":"BEANR","equipmentNumber":"MSCU1234565","actionType":"Transfer"}`), "BEANR", "MSCU1234565")
	if err == nil || !strings.Contains(err.Error(), "billOfLadingNumbers, releaseIdentification, terminalCode, releaseFrom, releaseTo") {
		t.Errorf("missing fields: %v", err)
	}
}

func TestParseBulk(t *testing.T) {
	item := `{"releaseFrom":{"identificationType":"NxtEntityId","identificationCode":"NXT1"},"releaseTo":{"identificationType":"NxtEntityId","identificationCode":"NXT3"},"terminalCode":"01700","billOfLadingNumbers":["BL1"],"equipmentNumber":"%s","releaseIdentification":"R1"}`
	body := `{"portLoCode":"BEANR","releaseRights":[` + strings.ReplaceAll(item, "%s", "CAIU7654321") + `,` + strings.ReplaceAll(item, "%s", "CAIU1234567") + `],"actionType":"Transfer"}`
	reqs, err := parseBulk([]byte(body), "BEANR")
	if err != nil || len(reqs) != 2 || reqs[1].EquipmentNumber != "CAIU1234567" {
		t.Fatalf("bulk: %v %+v", err, reqs)
	}
	// Each item's audit request is the call with that item only.
	for i, eq := range []string{"CAIU7654321", "CAIU1234567"} {
		want := `{"portLoCode":"BEANR","releaseRights":[` + strings.ReplaceAll(item, "%s", eq) + `],"actionType":"Transfer"}`
		if string(reqs[i].Body) != want {
			t.Errorf("item %d audit request %s, want %s", i, reqs[i].Body, want)
		}
	}
	if _, err := parseBulk([]byte(`{"portLoCode":"BEANR","releaseRights":[],"actionType":"Transfer"}`), "BEANR"); err == nil {
		t.Error("empty bulk accepted")
	}
	if _, err := parseBulk([]byte(`{"portLoCode":"BEANR","releaseRights":[{"equipmentNumber":"X"}],"actionType":"Accept"}`), "BEANR"); err == nil ||
		!strings.Contains(err.Error(), "releaseRights[0].billOfLadingNumbers") {
		t.Errorf("bulk item errors must name the item: %v", err)
	}
}
