package api

import (
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
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

// gateCheckView renders the core's verdict on the question asked.
func gateCheckView(v release.Verdict, q service.GateQuestion) GateCheck {
	out := GateCheck{Allowed: v.Allowed, Reasons: v.Reasons, Checked: GateCheckQuestion{PortLoCode: q.PortLoCode,
		EquipmentNumber: q.EquipmentNumber, TerminalCode: q.TerminalCode, TransportOperator: q.TransportOperator}}
	if r := v.Right; r != nil {
		lights, overall := r.Lights, r.Lights.Overall()
		out.ReleaseID, out.Lights, out.Overall = &r.ReleaseID, &lights, &overall
		if r.Pickup != nil {
			out.PickupRight = &GatePickupRight{TransportOperator: r.Pickup.TransportOperator.NxtEntityID, MeansOfTransport: r.Pickup.MeansOfTransport}
		}
	}
	return out
}
