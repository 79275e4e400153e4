package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// ingestionBody is the Shipping Agent's request body (seed: "Submit commercial release" and the
// Update/Block/Unblock/Revoke/Delete variants).
type ingestionBody struct {
	ReleaseIdentification string    `json:"releaseIdentification"`
	ReleaseOrderReference string    `json:"releaseOrderReference"`
	EmptyReturnReference  string    `json:"emptyReturnReference"`
	EquipmentSupplier     string    `json:"equipmentSupplier"`
	EquipmentStatus       string    `json:"equipmentStatus"`
	FullEmptyIndicator    string    `json:"fullEmptyIndicator"`
	EquipmentOperator     string    `json:"equipmentOperator"`
	VesselName            string    `json:"vesselName"`
	VesselNumber          string    `json:"vesselNumber"`
	StayNumber            string    `json:"stayNumber"`
	VesselCallSign        string    `json:"vesselCallSign"`
	VoyageNumber          string    `json:"voyageNumber"`
	EquipmentType         string    `json:"equipmentType"`
	IsCarrierHaulage      *bool     `json:"isCarrierHaulage"`
	MeansOfTransport      string    `json:"meansOfTransport"`
	BillOfLadingNumbers   []string  `json:"billOfLadingNumbers"`
	TerminalCode          string    `json:"terminalCode"`
	ActionType            string    `json:"actionType"`
	Carrier               *partyRef `json:"carrier"`
	ReleaseTo             *partyRef `json:"releaseTo"`
	ReleaseDateTimeUtc    isoTime   `json:"releaseDateTimeUtc"`
	ExpirationDateTimeUtc isoTime   `json:"expirationDateTimeUtc"`
	EquipmentNumber       string    `json:"equipmentNumber"`
	PortLoCode            string    `json:"portLoCode"`
	Reason                string    `json:"reason"`
}

// keyOnlyFields are what an Unblock or Delete may carry: "It is not allowed to update other
// information when unblocking/deleting a Release. This will result in a 405 error message."
var keyOnlyFields = []string{
	"releaseidentification", "equipmentnumber", "equipmenttype", "billofladingnumbers",
	"portlocode", "terminalcode", "actiontype", "reason",
}

// ingest handles POST /ingestion/v1/ingestion/{ingestionId}.
func (a *API) ingest(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	if err := a.svc.CheckIngestionID(r.Context(), c, r.PathValue("ingestionId")); err != nil {
		return err
	}
	raw, err := readBody(r)
	if err != nil {
		return err
	}
	cmd, err := parseIngestion(raw)
	if err != nil {
		return err
	}
	receipt, err := a.svc.Execute(r.Context(), c, []service.Request{{
		PortLoCode: cmd.PortLoCode, EquipmentNumber: cmd.Key.EquipmentNumber, Command: cmd, Body: raw,
	}}, externalRef(r))
	if err != nil {
		return err
	}
	accepted(w, receipt)
	return nil
}

// parseIngestion decodes a Shipping Agent request body into its command. Syntax errors, an
// unknown actionType and a malformed portLoCode are refused here (400), as are Unblock and Delete
// carrying fields outside their template (405); an Unblock or Delete whose template fields would
// change what the release holds (another equipmentType) is the core's to find, against the
// stored release, and is answered 405 all the same (release.Outcome.NotAllowed). Missing
// mandatory fields are the core's to report (NotValidated, as the seed says).
func parseIngestion(raw []byte) (*release.Ingestion, error) {
	var b ingestionBody
	if err := decodeJSON(raw, &b); err != nil {
		return nil, err
	}
	action, ok := canonical(b.ActionType, release.IngestionActions)
	if !ok {
		return nil, service.FieldError("actionType", "The field 'actionType' must be one of "+strings.Join(release.IngestionActions, ", ")+".")
	}
	if action == release.ActionUnblock || action == release.ActionDelete {
		if extra := extraFields(raw, keyOnlyFields); len(extra) > 0 {
			return nil, service.Errorf(service.CodeMethodNotAllowed,
				"It is not allowed to update other information with action %s; remove: %s", action, strings.Join(extra, ", "))
		}
	}
	if b.PortLoCode != "" {
		if err := checkPort(b.PortLoCode); err != nil {
			return nil, err
		}
	}
	cmd := &release.Ingestion{
		ActionType: action, PortLoCode: release.NormaliseCode(b.PortLoCode),
		Key:          release.Key{EquipmentNumber: b.EquipmentNumber, BillOfLadingNumbers: b.BillOfLadingNumbers, ReleaseIdentification: b.ReleaseIdentification},
		TerminalCode: strings.TrimSpace(b.TerminalCode),
		Details: release.Details{
			ReleaseOrderReference: b.ReleaseOrderReference, EmptyReturnReference: b.EmptyReturnReference,
			EquipmentSupplier: b.EquipmentSupplier, EquipmentStatus: b.EquipmentStatus, FullEmptyIndicator: b.FullEmptyIndicator,
			EquipmentOperator: b.EquipmentOperator, VesselName: b.VesselName, VesselNumber: b.VesselNumber,
			StayNumber: b.StayNumber, VesselCallSign: b.VesselCallSign, VoyageNumber: b.VoyageNumber,
			EquipmentType: b.EquipmentType, IsCarrierHaulage: b.IsCarrierHaulage, MeansOfTransport: b.MeansOfTransport,
			ReleaseDateTimeUtc: b.ReleaseDateTimeUtc.t, ExpirationDateTimeUtc: b.ExpirationDateTimeUtc.t,
		},
		Carrier: ref(b.Carrier), ReleaseTo: ref(b.ReleaseTo), Reason: b.Reason,
	}
	return cmd, nil
}

// accepted answers 202 with the receipt, echoing External-Reference-Id.
func accepted(w http.ResponseWriter, receipt service.Receipt) {
	if receipt.ExternalReferenceID != nil {
		w.Header().Set("External-Reference-Id", *receipt.ExternalReferenceID)
	}
	writeJSON(w, http.StatusAccepted, receipt)
}

func ref(p *partyRef) release.PartyRef {
	if !p.given() {
		return release.PartyRef{}
	}
	return release.PartyRef{IdentificationType: strings.TrimSpace(p.IdentificationType), IdentificationCode: strings.TrimSpace(p.IdentificationCode)}
}

// canonical matches s case-insensitively against allowed and returns the canonical spelling.
func canonical(s string, allowed []string) (string, bool) {
	i := slices.IndexFunc(allowed, func(a string) bool { return strings.EqualFold(a, strings.TrimSpace(s)) })
	if i < 0 {
		return "", false
	}
	return allowed[i], true
}

// extraFields lists the top-level fields of a JSON object that carry a value but are not allowed.
func extraFields(raw []byte, allowed []string) []string {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		return nil
	}
	var extra []string
	for name, v := range fields {
		if slices.Contains(allowed, strings.ToLower(name)) || emptyJSON(v) {
			continue
		}
		extra = append(extra, name)
	}
	slices.Sort(extra)
	return extra
}

// emptyJSON reports whether a value carries nothing: null, "", false, [], {} or only such values.
func emptyJSON(v json.RawMessage) bool {
	var x any
	if json.Unmarshal(v, &x) != nil {
		return false
	}
	return emptyValue(x)
}

func emptyValue(x any) bool {
	switch t := x.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(t) == ""
	case bool:
		return !t
	case []any:
		return len(t) == 0
	case map[string]any:
		for _, v := range t {
			if !emptyValue(v) {
				return false
			}
		}
		return true
	}
	return false
}
