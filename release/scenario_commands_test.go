package release_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/portlight/portlight/release"
)

// The scenario statements for the terminal, customs and transport-operator commands, the expiry
// scheduler and the gate check (see the list in scenario_world_test.go).

// newCommand builds a TerminalEvent, CustomsStatus, PickupAction or PickupValidation from args; it
// returns the argument names it read besides port, eq, rid, bl and ext.
func (w *world) newCommand(verb, port string, key release.Key, args map[string]string) (release.Command, []string, error) {
	eventTime, err := optionalTime(args["eventDateTimeUtc"])
	if err != nil {
		return nil, nil, err
	}
	switch verb {
	case "terminal":
		return &release.TerminalEvent{
			ActionType: args["action"], PortLoCode: port, EquipmentNumber: key.EquipmentNumber,
			TerminalCode: args["terminal"], Terminal: w.terminals[args["terminal"]], StayNumber: args["stay"],
			BillOfLadingNumbers: key.BillOfLadingNumbers, ReleaseIdentification: key.ReleaseIdentification,
			EventDateTimeUtc: eventTime, Reason: args["reason"],
		}, []string{"action", "terminal", "stay", "reason", "eventDateTimeUtc"}, nil
	case "customs":
		return &release.CustomsStatus{
			PortLoCode: port, EquipmentNumber: key.EquipmentNumber, Status: args["status"], Progress: args["progress"],
			BillOfLadingNumbers: key.BillOfLadingNumbers, Source: args["source"], EventDateTimeUtc: eventTime,
		}, []string{"status", "progress", "source", "eventDateTimeUtc"}, nil
	case "pickup":
		mot, names := vehicle(args)
		return &release.PickupAction{
			ActionType: args["action"], PortLoCode: port, Key: key, TerminalCode: args["terminal"], MeansOfTransport: mot,
		}, append(names, "action", "terminal"), nil
	case "validate":
		v := &release.PickupValidation{
			PortLoCode: port, EquipmentNumber: key.EquipmentNumber, TerminalCode: args["terminal"],
			Terminal: w.terminals[args["terminal"]],
		}
		if to, ok := args["to"]; ok {
			ref, err := w.ref(to)
			if err != nil {
				return nil, nil, err
			}
			v.TransportOperator = ref
		}
		mot, names := vehicle(args)
		v.MeansOfTransport = mot
		return v, append(names, "terminal", "to"), nil
	}
	return nil, nil, fmt.Errorf("unknown verb %s", verb)
}

func optionalTime(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return &t, err
}

// vehicleArgs are the argument names vehicle reads.
var vehicleArgs = []string{"truck", "plate", "driver", "alias", "badge", "barge", "eni", "bargeName", "visit", "rail", "train", "railOperator", "type"}

// vehicle reads a means of transport from args (nil when none is named).
func vehicle(args map[string]string) (*release.MeansOfTransport, []string) {
	var m *release.MeansOfTransport
	plate, truck := args["truck"]
	if p, ok := args["plate"]; ok {
		plate, truck = p, true
	}
	if truck {
		m = &release.MeansOfTransport{Type: release.TransportTruck, Truck: &release.Truck{LicensePlate: plate}}
		if args["driver"] != "" || args["alias"] != "" || args["badge"] != "" {
			m.Truck.Driver = &release.Driver{Name: args["driver"], Alias: args["alias"], BadgeNumberMasked: args["badge"]}
		}
	}
	eni, barge := args["barge"]
	if e, ok := args["eni"]; ok {
		eni, barge = e, true
	}
	if _, ok := args["bargeName"]; ok {
		barge = true
	}
	if barge {
		b := &release.Barge{EniNumber: eni, Name: args["bargeName"], VisitNumber: args["visit"]}
		if m == nil {
			m = &release.MeansOfTransport{Type: release.TransportBarge}
		}
		m.Barge = b
	}
	train, rail := args["rail"]
	if t, ok := args["train"]; ok {
		train, rail = t, true
	}
	if rail {
		r := &release.Rail{TrainReference: train, Operator: args["railOperator"]}
		if m == nil {
			m = &release.MeansOfTransport{Type: release.TransportRail}
		}
		m.Rail = r
	}
	if t, ok := args["type"]; ok {
		if m == nil {
			m = &release.MeansOfTransport{}
		}
		m.Type = t
	}
	return m, vehicleArgs
}

// expire runs the expiry scheduler: Expire, with no sender, on every container in creation order,
// each run a command of its own.
func (w *world) expire(withJSON bool) ([]string, error) {
	var out []string
	for _, k := range w.order {
		c := w.containers[k]
		w.refs++
		o := release.Decide(c, release.Expire{}, release.Meta{Now: w.now, PublicReferenceID: publicReferenceID(w.refs)})
		if o.Rejected {
			return nil, fmt.Errorf("expire rejected: %s", o.Reason)
		}
		w.store(c, o)
		lines, err := w.print(o.Notifications, withJSON)
		if err != nil {
			return nil, err
		}
		out = append(out, lines...)
	}
	if len(out) == 0 {
		out = append(out, "nothing expired")
	}
	return out, nil
}

// gate prints the verdict of the gate check (Container.Evaluate) on one container: the first line
// says whether the pick-up may go ahead, one line per unmet condition follows.
func (w *world) gate(f []string) ([]string, error) {
	args, err := keyValues(f)
	if err != nil {
		return nil, err
	}
	mot, known := vehicle(args)
	known = append(known, "eq", "terminal", "to", "port")
	for k := range args {
		if !contains(known, k) {
			return nil, fmt.Errorf("unknown argument %s", k)
		}
	}
	port := "BEANR"
	if v, ok := args["port"]; ok {
		port = v
	}
	to := ""
	if a, ok := args["to"]; ok {
		p, ok := w.parties[a]
		if !ok {
			return nil, fmt.Errorf("unknown company %s", a)
		}
		to = p.NxtEntityID
	}
	v := w.container(port, args["eq"]).Evaluate(args["terminal"], to, mot, w.now)
	line := fmt.Sprintf("allowed=%t", v.Allowed)
	if v.Right != nil {
		line += " rel=" + relNumber(v.Right.ReleaseID) + " owner=" + w.alias(v.OwnerID)
	}
	if v.PickupFor != "" {
		line += " pickupFor=" + w.alias(v.PickupFor)
	}
	out := []string{line}
	for _, r := range v.Reasons {
		out = append(out, "  - "+r)
	}
	return out, nil
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// vehicleString renders a means of transport compactly: Truck(PLATE "driver" alias BADGE),
// Barge(ENI "name" visit), Rail(TRAIN operator).
func vehicleString(m *release.MeansOfTransport) string {
	if m == nil {
		return "null"
	}
	var parts []string
	add := func(s string, quote bool) {
		if s != "" {
			if quote {
				s = fmt.Sprintf("%q", s)
			}
			parts = append(parts, s)
		}
	}
	if t := m.Truck; t != nil {
		add(t.LicensePlate, false)
		if d := t.Driver; d != nil {
			add(d.Name, true)
			add(d.Alias, false)
			add(d.BadgeNumberMasked, false)
		}
	}
	if b := m.Barge; b != nil {
		add(b.EniNumber, false)
		add(b.Name, true)
		add(b.VisitNumber, false)
	}
	if r := m.Rail; r != nil {
		add(r.TrainReference, false)
		add(r.Operator, true)
	}
	return m.Type + "(" + strings.Join(parts, " ") + ")"
}
