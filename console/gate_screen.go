package console

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// gateData is the data of the gate screen.
type gateData struct {
	EquipmentNumber   string
	TransportOperator string
	Terminal          string
	Terminals         []string
	Operators         []identity.Company
	Check             *gateVerdict
	Error             string
	Self              string
	// PickupHolder is the name of the Transport Operator holding the Pick-up Right.
	PickupHolder string
}

// gateVerdict is the core's answer to the gate's question as the screen shows it: allowed or not,
// why not, the lights of the release it concerns and its Pick-up Right.
type gateVerdict struct {
	Allowed     bool
	Reasons     []string
	Lights      *release.Lights
	PickupRight *release.PickupRight
}

// gateScreen handles GET /console/gate: a Terminal Operator types a container and picks a
// Transport Operator and sees whether it may take the container out now, with the reasons when
// not: the API's gate check (service.GateCheck), kept up to date by the live updates.
func (c *Console) gateScreen(w http.ResponseWriter, r *http.Request) {
	caller := callerOf(r)
	qs := r.URL.Query()
	d := gateData{EquipmentNumber: release.NormaliseCode(qs.Get("eq")), TransportOperator: strings.TrimSpace(qs.Get("to")),
		Terminal: strings.TrimSpace(qs.Get("terminal"))}
	var err error
	if d.Terminals, err = c.svc.TerminalsOf(r.Context(), caller, c.opts.PortLoCode); err != nil {
		c.fail(w, r, err)
		return
	}
	if d.Terminal == "" && len(d.Terminals) > 0 {
		d.Terminal = d.Terminals[0]
	}
	for _, co := range c.companies(r) {
		if co.HasRole(release.RoleTransportOperator) {
			d.Operators = append(d.Operators, co)
		}
	}
	if d.EquipmentNumber != "" {
		verdict, _, err := c.svc.GateCheck(r.Context(), caller, service.GateQuestion{PortLoCode: c.opts.PortLoCode,
			EquipmentNumber: d.EquipmentNumber, TerminalCode: d.Terminal, TransportOperator: d.TransportOperator})
		if err != nil {
			d.Error = serviceMessage(err)
		} else {
			d.Check = &gateVerdict{Allowed: verdict.Allowed, Reasons: verdict.Reasons}
			if rt := verdict.Right; rt != nil {
				d.Check.Lights, d.Check.PickupRight = &rt.Lights, rt.Pickup
			}
			if p := d.Check.PickupRight; p != nil {
				holder := p.TransportOperator.NxtEntityID
				d.PickupHolder = holder
				for _, co := range d.Operators {
					if co.NxtEntityID == holder {
						d.PickupHolder = co.Name + " (" + co.NxtEntityID + ")"
					}
				}
			}
		}
		d.Self = "/console/gate?" + url.Values{"eq": {d.EquipmentNumber}, "to": {d.TransportOperator}, "terminal": {d.Terminal}}.Encode()
	}
	fragment := ""
	if r.Header.Get("HX-Request") == "true" {
		fragment = "verdict"
	}
	v := c.view(r, "gate.title", "gate", d)
	if fragment == "" {
		v.Live = c.liveURL(r)
	}
	c.render(w, http.StatusOK, "gate", fragment, v)
}
