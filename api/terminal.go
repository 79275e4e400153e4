package api

import (
	"net/http"
	"strings"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// terminalEventBody is a Terminal Operator's report about a container (docs/rules.md "Terminal events").
type terminalEventBody struct {
	ActionType            string   `json:"actionType"`
	TerminalCode          string   `json:"terminalCode"`
	StayNumber            string   `json:"stayNumber"`
	BillOfLadingNumbers   []string `json:"billOfLadingNumbers"`
	ReleaseIdentification string   `json:"releaseIdentification"`
	EventDateTimeUtc      isoTime  `json:"eventDateTimeUtc"`
	Reason                string   `json:"reason"`
}

// parseTerminalEvent decodes a terminal event for container eq of port.
func parseTerminalEvent(raw []byte, port, eq string) (*release.TerminalEvent, error) {
	var b terminalEventBody
	if err := decodeJSON(raw, &b); err != nil {
		return nil, err
	}
	action, ok := canonical(b.ActionType, release.TerminalActions)
	if !ok {
		return nil, service.FieldError("actionType", "The field 'actionType' must be one of "+strings.Join(release.TerminalActions, ", ")+".")
	}
	if strings.TrimSpace(b.TerminalCode) == "" {
		return nil, service.FieldError("terminalCode", "The field 'terminalCode' is required.")
	}
	return &release.TerminalEvent{
		ActionType: action, PortLoCode: release.NormaliseCode(port), EquipmentNumber: eq, TerminalCode: strings.TrimSpace(b.TerminalCode),
		StayNumber: strings.TrimSpace(b.StayNumber), BillOfLadingNumbers: b.BillOfLadingNumbers,
		ReleaseIdentification: strings.TrimSpace(b.ReleaseIdentification), EventDateTimeUtc: b.EventDateTimeUtc.t, Reason: b.Reason,
	}, nil
}

// postTerminalEvent handles POST /certified-pickup/v1/{port}/containers/{eq}/import/terminal-events.
func (a *API) postTerminalEvent(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	return a.containerCommand(w, r, c, func(raw []byte, port, eq string) (release.Command, error) { return parseTerminalEvent(raw, port, eq) })
}

// containerCommand handles a call that is one command for the container of its route: it checks
// the port, reads the body, has parse make the command, and answers 202 once it is committed.
func (a *API) containerCommand(w http.ResponseWriter, r *http.Request, c *service.Caller, parse func(raw []byte, port, eq string) (release.Command, error)) error {
	port, eq := r.PathValue("port"), r.PathValue("eq")
	if err := checkPort(port); err != nil {
		return err
	}
	raw, err := readBody(r)
	if err != nil {
		return err
	}
	cmd, err := parse(raw, port, eq)
	if err != nil {
		return err
	}
	receipt, err := a.svc.Execute(r.Context(), c, []service.Request{{PortLoCode: port, EquipmentNumber: eq, Command: cmd, Body: raw}}, externalRef(r))
	if err != nil {
		return err
	}
	accepted(w, receipt)
	return nil
}

// validationBody is a terminal's pick-up validation request.
type validationBody struct {
	TerminalCode      string                    `json:"terminalCode"`
	TransportOperator *partyRef                 `json:"transportOperator"`
	MeansOfTransport  *release.MeansOfTransport `json:"meansOfTransport"`
}

func parseValidation(raw []byte, port, eq string) (*release.PickupValidation, error) {
	var b validationBody
	if err := decodeJSON(raw, &b); err != nil {
		return nil, err
	}
	var missing []string
	if strings.TrimSpace(b.TerminalCode) == "" {
		missing = append(missing, "terminalCode")
	}
	if !b.TransportOperator.given() {
		missing = append(missing, "transportOperator")
	}
	if len(missing) > 0 {
		return nil, service.Errorf(service.CodeInvalid, "Missing required field(s): %s", strings.Join(missing, ", "))
	}
	return &release.PickupValidation{
		PortLoCode: release.NormaliseCode(port), EquipmentNumber: eq, TerminalCode: strings.TrimSpace(b.TerminalCode),
		TransportOperator: ref(b.TransportOperator), MeansOfTransport: b.MeansOfTransport,
	}, nil
}

// postPickupValidation handles POST .../{eq}/import/pickup-validations: asynchronous, answered by
// a ValidationResponse notification to the terminal.
func (a *API) postPickupValidation(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	return a.containerCommand(w, r, c, func(raw []byte, port, eq string) (release.Command, error) { return parseValidation(raw, port, eq) })
}

// getGateCheck handles GET .../{eq}/import/gate-check?terminalCode=&transportOperator=: synchronous,
// for gate systems that cannot wait for a webhook. licensePlate, eniNumber or trainReference, when
// given, must match the Pick-up Right's vehicle.
func (a *API) getGateCheck(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	port, eq := r.PathValue("port"), r.PathValue("eq")
	if err := checkPort(port); err != nil {
		return err
	}
	q := lowerKeys(r.URL.Query())
	terminal, operator := strings.TrimSpace(q.Get("terminalcode")), strings.TrimSpace(q.Get("transportoperator"))
	if terminal == "" {
		return service.FieldError("terminalCode", "The query parameter 'terminalCode' is required.")
	}
	var mot *release.MeansOfTransport
	switch {
	case q.Get("licenseplate") != "":
		mot = &release.MeansOfTransport{Type: release.TransportTruck, Truck: &release.Truck{LicensePlate: q.Get("licenseplate")}}
	case q.Get("eninumber") != "":
		mot = &release.MeansOfTransport{Type: release.TransportBarge, Barge: &release.Barge{EniNumber: q.Get("eninumber")}}
	case q.Get("trainreference") != "":
		mot = &release.MeansOfTransport{Type: release.TransportRail, Rail: &release.Rail{TrainReference: q.Get("trainreference")}}
	}
	v, asked, err := a.svc.GateCheck(r.Context(), c, service.GateQuestion{PortLoCode: port, EquipmentNumber: eq,
		TerminalCode: terminal, TransportOperator: operator, MeansOfTransport: mot})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, gateCheckView(v, asked))
	return nil
}

// pickupBody is a Transport Operator's Pick-up Right action.
type pickupBody struct {
	ActionType            string                    `json:"actionType"`
	EquipmentNumber       string                    `json:"equipmentNumber"`
	BillOfLadingNumbers   []string                  `json:"billOfLadingNumbers"`
	ReleaseIdentification string                    `json:"releaseIdentification"`
	PortLoCode            string                    `json:"portLoCode"`
	TerminalCode          string                    `json:"terminalCode"`
	MeansOfTransport      *release.MeansOfTransport `json:"meansOfTransport"`
}

func parsePickup(raw []byte, port, eq string) (*release.PickupAction, error) {
	var b pickupBody
	if err := decodeJSON(raw, &b); err != nil {
		return nil, err
	}
	if err := routeMatches(port, eq, b.PortLoCode, b.EquipmentNumber); err != nil {
		return nil, err
	}
	action, ok := canonical(b.ActionType, release.PickupActions)
	if !ok {
		return nil, service.FieldError("actionType", "The field 'actionType' must be one of "+strings.Join(release.PickupActions, ", ")+".")
	}
	var missing []string
	if len(b.BillOfLadingNumbers) == 0 {
		missing = append(missing, "billOfLadingNumbers")
	}
	if strings.TrimSpace(b.ReleaseIdentification) == "" {
		missing = append(missing, "releaseIdentification")
	}
	if strings.TrimSpace(b.TerminalCode) == "" {
		missing = append(missing, "terminalCode")
	}
	if action != release.PickupRevoke && b.MeansOfTransport == nil {
		missing = append(missing, "meansOfTransport")
	}
	if len(missing) > 0 {
		return nil, service.Errorf(service.CodeInvalid, "Missing required field(s): %s", strings.Join(missing, ", "))
	}
	if action != release.PickupRevoke {
		if err := b.MeansOfTransport.Validate(); err != nil {
			return nil, service.FieldError("meansOfTransport", err.Error())
		}
	}
	return &release.PickupAction{
		ActionType: action, PortLoCode: release.NormaliseCode(port),
		Key:          release.Key{EquipmentNumber: b.EquipmentNumber, BillOfLadingNumbers: b.BillOfLadingNumbers, ReleaseIdentification: b.ReleaseIdentification},
		TerminalCode: strings.TrimSpace(b.TerminalCode), MeansOfTransport: b.MeansOfTransport,
	}, nil
}

// putPickupRight handles PUT .../{eq}/import/pickup-rights.
func (a *API) putPickupRight(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	return a.containerCommand(w, r, c, func(raw []byte, port, eq string) (release.Command, error) { return parsePickup(raw, port, eq) })
}

// msgPortMismatch is the seed's 400 for a body whose portLoCode is not the route's.
const msgPortMismatch = "Route parameter 'PortLoCode' does not match with PortLoCode from body"

// routeMatches is the seed's 400 when the body names another container than the route.
func routeMatches(port, eq, bodyPort, bodyEq string) error {
	var mismatch []string
	if !strings.EqualFold(strings.TrimSpace(bodyPort), port) {
		mismatch = append(mismatch, msgPortMismatch)
	}
	if !strings.EqualFold(strings.TrimSpace(bodyEq), eq) {
		mismatch = append(mismatch, "Route parameter 'EquipmentNumber' does not match with EquipmentNumber from body")
	}
	if len(mismatch) > 0 {
		return service.Errorf(service.CodeInvalid, "%s", strings.Join(mismatch, ";"))
	}
	return nil
}
