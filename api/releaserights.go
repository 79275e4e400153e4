package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// rightBody is one Release Right action (seed: "Transfer your Release Rights", "Revoke your
// Release Rights", and the items of the bulk call).
type rightBody struct {
	ReleaseIdentification string    `json:"releaseIdentification"`
	EquipmentNumber       string    `json:"equipmentNumber"`
	BillOfLadingNumbers   []string  `json:"billOfLadingNumbers"`
	PortLoCode            string    `json:"portLoCode"`
	TerminalCode          string    `json:"terminalCode"`
	Carrier               *partyRef `json:"carrier"`
	ActionType            string    `json:"actionType"`
	ReasonForAction       string    `json:"reasonForAction"`
	ReleaseFrom           *partyRef `json:"releaseFrom"`
	ReleaseTo             *partyRef `json:"releaseTo"`
}

// bulkBody is the bulk call: one actionType for every item.
type bulkBody struct {
	PortLoCode    string      `json:"portLoCode"`
	ReleaseRights []rightBody `json:"releaseRights"`
	ActionType    string      `json:"actionType"`
}

// MaxBulkRights bounds the items of one bulk call.
const MaxBulkRights = 1000

// putReleaseRight handles PUT /certified-pickup/v1/{port}/containers/{eq}/import/release-rights.
func (a *API) putReleaseRight(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	return a.containerCommand(w, r, c, func(raw []byte, port, eq string) (release.Command, error) {
		req, err := parseRightAction(raw, port, eq)
		return req.Command, err
	})
}

// putReleaseRights handles the bulk PUT /certified-pickup/v1/{port}/containers/import/release-rights:
// every item is applied and notified on its own, under one publicReferenceId.
func (a *API) putReleaseRights(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	port := r.PathValue("port")
	if err := checkPort(port); err != nil {
		return err
	}
	raw, err := readBody(r)
	if err != nil {
		return err
	}
	reqs, err := parseBulk(raw, port)
	if err != nil {
		return err
	}
	receipt, err := a.svc.Execute(r.Context(), c, reqs, externalRef(r))
	if err != nil {
		return err
	}
	accepted(w, receipt)
	return nil
}

// parseRightAction decodes the body of the single release-right PUT, which must name the
// container of the route (the seed's 400 otherwise).
func parseRightAction(raw []byte, port, eq string) (service.Request, error) {
	var b rightBody
	if err := decodeJSON(raw, &b); err != nil {
		return service.Request{}, err
	}
	if err := routeMatches(port, eq, b.PortLoCode, b.EquipmentNumber); err != nil {
		return service.Request{}, err
	}
	action, err := rightActionType(b.ActionType)
	if err != nil {
		return service.Request{}, err
	}
	req, err := rightRequest(b, port, action, "")
	req.Body = raw
	return req, err
}

// parseBulk decodes the body of the bulk release-right PUT into one request per item.
func parseBulk(raw []byte, port string) ([]service.Request, error) {
	var b bulkBody
	if err := decodeJSON(raw, &b); err != nil {
		return nil, err
	}
	// The call's portLoCode must name the route's port, as the single PUT's must: an omitted one
	// is no exception (the seed's example carries it; its items do not).
	if !strings.EqualFold(strings.TrimSpace(b.PortLoCode), port) {
		return nil, service.Errorf(service.CodeInvalid, "%s", msgPortMismatch)
	}
	action, err := rightActionType(b.ActionType)
	if err != nil {
		return nil, err
	}
	if len(b.ReleaseRights) == 0 {
		return nil, service.FieldError("releaseRights", "The field 'releaseRights' needs at least one release right.")
	}
	if len(b.ReleaseRights) > MaxBulkRights {
		return nil, service.FieldError("releaseRights", fmt.Sprintf("The field 'releaseRights' takes at most %d release rights per call.", MaxBulkRights))
	}
	var items struct {
		ReleaseRights []json.RawMessage `json:"releaseRights"`
	}
	if err := json.Unmarshal(raw, &items); err != nil || len(items.ReleaseRights) != len(b.ReleaseRights) {
		return nil, service.Errorf(service.CodeInvalid, "The field 'releaseRights' could not be read.")
	}
	reqs := make([]service.Request, 0, len(b.ReleaseRights))
	for i, item := range b.ReleaseRights {
		// An item may repeat the port (the single PUT's body has it); it must be the route's.
		if item.PortLoCode != "" && !strings.EqualFold(strings.TrimSpace(item.PortLoCode), port) {
			return nil, service.Errorf(service.CodeInvalid, "%s (releaseRights[%d].portLoCode)", msgPortMismatch, i)
		}
		req, err := rightRequest(item, port, action, fmt.Sprintf("releaseRights[%d].", i))
		if err != nil {
			return nil, err
		}
		// Each item's audit record holds the call with that item only, not the whole call: a
		// thousand items would otherwise store the call a thousand times.
		if req.Body, err = json.Marshal(bulkBodyRaw{PortLoCode: b.PortLoCode, ActionType: b.ActionType,
			ReleaseRights: items.ReleaseRights[i : i+1]}); err != nil {
			return nil, err
		}
		reqs = append(reqs, req)
	}
	return reqs, nil
}

// bulkBodyRaw is a bulk call's body with its items as received (the audit record of one item).
type bulkBodyRaw struct {
	PortLoCode    string            `json:"portLoCode"`
	ReleaseRights []json.RawMessage `json:"releaseRights"`
	ActionType    string            `json:"actionType"`
}

func rightActionType(s string) (string, error) {
	action, ok := canonical(s, release.RightActions)
	if !ok {
		return "", service.FieldError("actionType", "The field 'actionType' must be one of "+strings.Join(release.RightActions, ", ")+".")
	}
	return action, nil
}

// rightRequest checks that an item names everything docs/rules.md "Chain of custody" requires of a Release Right action
// (the right's key, terminalCode, releaseFrom, releaseTo) and makes the command.
func rightRequest(b rightBody, port, action, prefix string) (service.Request, error) {
	var missing []string
	need := func(ok bool, name string) {
		if !ok {
			missing = append(missing, prefix+name)
		}
	}
	need(strings.TrimSpace(b.EquipmentNumber) != "", "equipmentNumber")
	need(len(b.BillOfLadingNumbers) > 0, "billOfLadingNumbers")
	need(strings.TrimSpace(b.ReleaseIdentification) != "", "releaseIdentification")
	need(strings.TrimSpace(b.TerminalCode) != "", "terminalCode")
	need(b.ReleaseFrom.given(), "releaseFrom")
	need(b.ReleaseTo.given(), "releaseTo")
	if len(missing) > 0 {
		return service.Request{}, service.Errorf(service.CodeInvalid, "Missing required field(s): %s", strings.Join(missing, ", "))
	}
	cmd := &release.RightAction{
		ActionType: action, PortLoCode: release.NormaliseCode(port),
		Key:          release.Key{EquipmentNumber: b.EquipmentNumber, BillOfLadingNumbers: b.BillOfLadingNumbers, ReleaseIdentification: b.ReleaseIdentification},
		TerminalCode: strings.TrimSpace(b.TerminalCode), ReleaseFrom: ref(b.ReleaseFrom), ReleaseTo: ref(b.ReleaseTo),
		Carrier: ref(b.Carrier), ReasonForAction: b.ReasonForAction,
	}
	return service.Request{PortLoCode: port, EquipmentNumber: b.EquipmentNumber, Command: cmd}, nil
}
