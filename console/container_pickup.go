package console

import (
	"net/http"
	"strings"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// containerPickup handles POST /console/containers/{port}/{eq}/pickup-right: Assign, Update or
// Revoke of the Pick-up Right with a truck and driver, a barge or a train, as the API's PUT
// .../import/pickup-rights builds it (api/terminal.go).
func (c *Console) containerPickup(w http.ResponseWriter, r *http.Request) {
	rt, ok := c.findRight(w, r)
	if !ok {
		return
	}
	f := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	action := f("action")
	cmd := &release.PickupAction{ActionType: action, PortLoCode: rt.PortLoCode, Key: rt.Key, TerminalCode: rt.Terminal.Code}
	if action != release.PickupRevoke {
		m := &release.MeansOfTransport{Type: f("type")}
		switch m.Type {
		case release.TransportTruck:
			m.Truck = &release.Truck{LicensePlate: f("licensePlate")}
			if f("driverName") != "" || f("driverBadge") != "" {
				m.Truck.Driver = &release.Driver{Name: f("driverName"), BadgeNumberMasked: f("driverBadge")}
			}
		case release.TransportBarge:
			m.Barge = &release.Barge{Name: f("bargeName"), EniNumber: f("eniNumber"), VisitNumber: f("visitNumber")}
		case release.TransportRail:
			m.Rail = &release.Rail{Operator: f("railOperator"), TrainReference: f("trainReference")}
		}
		if err := m.Validate(); err != nil {
			c.showContainer(w, r, http.StatusBadRequest, &actionResult{Action: "Pickup" + action, Error: err.Error()})
			return
		}
		cmd.MeansOfTransport = m
	}
	c.respond(w, r, c.execute(r, "Pickup"+action, service.Request{PortLoCode: rt.PortLoCode, EquipmentNumber: rt.Key.EquipmentNumber,
		Command: cmd, Body: formAudit(r)}))
}
