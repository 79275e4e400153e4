package console

import (
	"net/http"
	"strings"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// pickupFields are the fields of the Pick-up Right form, by means of transport (the form shows
// only the chosen one's; the others are not read).
var pickupFields = map[string][]string{
	release.TransportTruck: {"licensePlate", "driverName", "driverAlias", "driverBadge"},
	release.TransportBarge: {"bargeName", "eniNumber", "visitNumber"},
	release.TransportRail:  {"railOperator", "trainReference"},
}

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
	var typed map[string]string
	if action != release.PickupRevoke {
		typed = map[string]string{"type": f("type")}
		for _, name := range pickupFields[typed["type"]] {
			typed[name] = f(name)
		}
		m := meansOf(typed)
		if err := m.Validate(); err != nil {
			c.showContainer(w, r, http.StatusBadRequest, &actionResult{Action: "Pickup" + action, Error: err.Error(),
				FormKey: "pickup-" + rt.ReleaseID, Form: typed})
			return
		}
		cmd.MeansOfTransport = m
	}
	res := c.execute(r, "Pickup"+action, service.Request{PortLoCode: rt.PortLoCode, EquipmentNumber: rt.Key.EquipmentNumber,
		Command: cmd, Body: formAudit(r)})
	res.FormKey, res.Form = "pickup-"+rt.ReleaseID, typed
	c.respond(w, r, res)
}

// meansOf is the means of transport the form's values describe (of its type's fields only).
func meansOf(v map[string]string) *release.MeansOfTransport {
	m := &release.MeansOfTransport{Type: v["type"]}
	switch m.Type {
	case release.TransportTruck:
		m.Truck = &release.Truck{LicensePlate: v["licensePlate"]}
		if v["driverName"] != "" || v["driverAlias"] != "" || v["driverBadge"] != "" {
			m.Truck.Driver = &release.Driver{Name: v["driverName"], Alias: v["driverAlias"], BadgeNumberMasked: v["driverBadge"]}
		}
	case release.TransportBarge:
		m.Barge = &release.Barge{Name: v["bargeName"], EniNumber: v["eniNumber"], VisitNumber: v["visitNumber"]}
	case release.TransportRail:
		m.Rail = &release.Rail{Operator: v["railOperator"], TrainReference: v["trainReference"]}
	}
	return m
}

// pickupValuesOf is the Pick-up Right form filled in with the means of transport of p (a truck,
// and nothing else, when there is none yet).
func pickupValuesOf(p *release.PickupRight) map[string]string {
	if p == nil {
		return map[string]string{"type": release.TransportTruck}
	}
	m := p.MeansOfTransport
	v := map[string]string{"type": m.Type}
	switch {
	case m.Truck != nil:
		v["licensePlate"] = m.Truck.LicensePlate
		if d := m.Truck.Driver; d != nil {
			v["driverName"], v["driverAlias"], v["driverBadge"] = d.Name, d.Alias, d.BadgeNumberMasked
		}
	case m.Barge != nil:
		v["bargeName"], v["eniNumber"], v["visitNumber"] = m.Barge.Name, m.Barge.EniNumber, m.Barge.VisitNumber
	case m.Rail != nil:
		v["railOperator"], v["trainReference"] = m.Rail.Operator, m.Rail.TrainReference
	}
	return v
}
