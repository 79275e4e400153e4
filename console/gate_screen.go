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
	Check             *service.GateCheck
	Error             string
	Self              string
	// PickupHolder is the name of the Transport Operator holding the Pick-up Right.
	PickupHolder string
}

// gateScreen handles GET /console/gate: a Terminal Operator types a container and picks a
// Transport Operator and sees whether it may take the container out now, with the reasons when
// not: the API's gate check (service.GateCheck), kept up to date by the live updates.
func (c *Console) gateScreen(w http.ResponseWriter, r *http.Request) {
	caller := callerOf(r)
	qs := r.URL.Query()
	d := gateData{EquipmentNumber: identity.NormaliseCode(qs.Get("eq")), TransportOperator: strings.TrimSpace(qs.Get("to")),
		Terminal: strings.TrimSpace(qs.Get("terminal"))}
	var err error
	if d.Terminals, err = c.svc.TerminalsOf(r.Context(), caller, c.opts.PortLoCode); err != nil {
		c.fail(w, r, err)
		return
	}
	if d.Terminal == "" && len(d.Terminals) > 0 {
		d.Terminal = d.Terminals[0]
	}
	for _, co := range c.svc.Companies(r.Context()) {
		if co.HasRole(release.RoleTransportOperator) {
			d.Operators = append(d.Operators, co)
		}
	}
	if d.EquipmentNumber != "" {
		if res := requireRole(caller, release.RoleTerminalOperator); res != nil {
			d.Error = res.Error
		} else if check, err := c.svc.GateCheck(r.Context(), caller, c.opts.PortLoCode, d.EquipmentNumber, d.Terminal, d.TransportOperator, nil); err != nil {
			d.Error = serviceMessage(err)
		} else {
			d.Check = &check
			if p := check.PickupRight; p != nil {
				d.PickupHolder = p.TransportOperator
				for _, co := range d.Operators {
					if co.NxtEntityID == p.TransportOperator {
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
