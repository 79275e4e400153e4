package service

import (
	"context"

	"github.com/portlight/portlight/release"
)

// GateCheck is the synchronous answer of the gate check.
type GateCheck struct {
	Allowed     bool              `json:"allowed"`
	Reasons     []string          `json:"reasons"`
	ReleaseID   *string           `json:"releaseId"`
	Lights      *release.Lights   `json:"lights"`
	Overall     *release.Colour   `json:"overallLight"`
	PickupRight *GatePickupRight  `json:"pickupRight"`
	Checked     GateCheckQuestion `json:"checked"`
}

// GatePickupRight is the Pick-up Right as the gate sees it.
type GatePickupRight struct {
	TransportOperator string                   `json:"transportOperator"`
	MeansOfTransport  release.MeansOfTransport `json:"meansOfTransport"`
}

// GateCheckQuestion echoes what was asked.
type GateCheckQuestion struct {
	PortLoCode        string `json:"portLoCode"`
	EquipmentNumber   string `json:"equipmentNumber"`
	TerminalCode      string `json:"terminalCode"`
	TransportOperator string `json:"transportOperator"`
}

// GateCheck answers at once whether transportOperator (a NxtEntityId) may take the container out of
// the caller's terminal now: the hot read path of a terminal gate. Only the terminal's operator asks.
func (s *Service) GateCheck(ctx context.Context, caller *Caller, port, eq, terminalCode, transportOperator string, mot *release.MeansOfTransport) (GateCheck, error) {
	if err := Authorize(caller, release.CallGateCheck); err != nil {
		return GateCheck{}, err
	}
	port, eq = release.NormaliseCode(port), release.NormaliseCode(eq)
	t := s.dir.Terminal(ctx, port, terminalCode)
	if t == nil {
		return GateCheck{}, FieldError("terminalCode", "'terminalCode' is not a terminal of port "+port+".")
	}
	if t.Operator.NxtEntityID != caller.Company.NxtEntityID {
		return GateCheck{}, Errorf(CodeForbidden, "Terminal %s is not operated by your company.", t.Code)
	}
	c, err := s.store.Container(ctx, port, eq, s.now())
	if err != nil {
		return GateCheck{}, Internal(err)
	}
	v := c.Evaluate(t.Code, transportOperator, mot, s.now())
	out := GateCheck{Allowed: v.Allowed, Reasons: v.Reasons,
		Checked: GateCheckQuestion{PortLoCode: port, EquipmentNumber: eq, TerminalCode: t.Code, TransportOperator: transportOperator}}
	if r := v.Right; r != nil {
		lights, overall := r.Lights, r.Lights.Overall()
		out.ReleaseID, out.Lights, out.Overall = &r.ReleaseID, &lights, &overall
		if r.Pickup != nil {
			out.PickupRight = &GatePickupRight{TransportOperator: r.Pickup.TransportOperator.NxtEntityID, MeansOfTransport: r.Pickup.MeansOfTransport}
		}
	}
	return out, nil
}
