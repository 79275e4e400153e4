package release_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/portlight/portlight/release"
)

// world is the state a scenario runs against: the companies, the terminals, the containers as a
// store would hold them, the clock and the id counters.
//
// Statements (one per input line; "ALIAS" is a company defined with party):
//
//	party ALIAS NXTID "Name" Role[,Role] [eori=] [tin=] [apcs=] [duns=] [externalId=]
//	terminal CODE OPERATOR_ALIAS ["Name"]
//	at 2026-01-01T10:00:00Z          set the clock
//	advance 59d23h                   move the clock on (d = 24h)
//	strict on|off                    StrictCheckDigit for the following commands
//	state [rel=N]                    print the rights (and container facts) as the store holds them
//	[json] expire                    the expiry scheduler: Expire on every container, now
//	gate eq= terminal= [to=] [VEHICLE] the gate check: Container.Evaluate's verdict, not a command
//	[json] ALIAS ingest ACTION ...   a Shipping Agent command (eq bl rid terminal port carrier
//	                                 releaseTo reason ext, and any Details field by its JSON name);
//	                                 a command refused as not allowed prints 405 "reason"
//	[json] ALIAS right ACTION ...    a release-right action (eq bl rid terminal port from to carrier reason ext)
//	[json] ALIAS detail ...          Get Release detail (eq bl rid port ext)
//	[json] ALIAS list ...            Get list of Release Rights (page pageSize and the seed's filters)
//	[json] ALIAS terminal ACTION ... a terminal event (eq terminal stay bl rid reason eventDateTimeUtc port ext)
//	[json] ALIAS customs ...         a customs status (eq status progress bl source eventDateTimeUtc port ext)
//	[json] ALIAS pickup ACTION ...   a Pick-up Right action (eq bl rid terminal port ext VEHICLE)
//	[json] ALIAS validate ...        a pick-up validation request (eq terminal to port ext VEHICLE)
//
// VEHICLE is a means of transport: truck=PLATE [driver= alias= badge=], barge=ENI [bargeName=
// visit=], rail=TRAIN [railOperator=]; type= overrides its type (to test a mismatch); plate=,
// eni= and train= say what the gate sees (validate, gate). A terminal or customs command is
// decided against the container of its eq=, with terminal= resolved like the registry would
// (an unknown code resolves to nothing).
//
// A company in from=, to=, carrier=, releaseTo= is written ALIAS (its NxtEntityId) or TYPE:CODE
// with any identificationType; a TYPE:CODE that no company has resolves to nothing, as the
// registry would. bl= takes a comma-separated list. Each command gets the next publicReferenceId;
// each right created gets the next releaseId, shown as rel=N. The container's facts the outcome
// returns are kept, as a store keeps them.
type world struct {
	parties    map[string]*release.Party
	aliases    map[string]string // NxtEntityId → alias
	terminals  map[string]*release.Terminal
	containers map[string]*release.Container
	order      []string // container keys in creation order
	now        time.Time
	strict     bool
	refs, rels int
}

func newWorld() *world {
	return &world{
		parties:    map[string]*release.Party{},
		aliases:    map[string]string{},
		terminals:  map[string]*release.Terminal{},
		containers: map[string]*release.Container{},
		now:        time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC),
	}
}

// releaseID and publicReferenceID make deterministic GUIDs from counters.
func releaseID(n int) string         { return fmt.Sprintf("00000000-0000-4000-a000-%012d", n) }
func publicReferenceID(n int) string { return fmt.Sprintf("00000000-0000-4000-b000-%012d", n) }

// relNumber turns a releaseId back into its counter, for compact output.
func relNumber(id string) string {
	if n, ok := strings.CutPrefix(id, "00000000-0000-4000-a000-"); ok {
		if v, err := strconv.Atoi(n); err == nil {
			return strconv.Itoa(v)
		}
	}
	return id
}

// run executes the statements of one case and returns its output.
func (w *world) run(input []string) ([]string, error) {
	var stmts [][]string
	var raw []string
	for _, l := range input {
		if t := strings.TrimSpace(l); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		f, err := fields(l)
		if err != nil {
			return nil, err
		}
		stmts = append(stmts, f)
		raw = append(raw, strings.TrimSpace(l))
	}
	printing := 0
	for _, f := range stmts {
		if producesOutput(f) {
			printing++
		}
	}
	var out []string
	for i, f := range stmts {
		if printing > 1 && producesOutput(f) {
			out = append(out, "> "+raw[i])
		}
		lines, err := w.exec(f)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", raw[i], err)
		}
		out = append(out, lines...)
	}
	return out, nil
}

func producesOutput(f []string) bool {
	switch f[0] {
	case "state", "gate", "expire", "json":
		return true
	}
	return len(f) > 1 && slices.Contains([]string{"ingest", "right", "detail", "list", "terminal", "customs", "pickup", "validate"}, f[1])
}

func (w *world) exec(f []string) ([]string, error) {
	switch f[0] {
	case "party":
		return nil, w.party(f[1:])
	case "terminal":
		if len(f) < 3 || len(f) > 4 {
			return nil, fmt.Errorf("terminal CODE OPERATOR [NAME]")
		}
		op, ok := w.parties[f[2]]
		if !ok {
			return nil, fmt.Errorf("unknown company %s", f[2])
		}
		t := &release.Terminal{Code: f[1], Operator: *op}
		if len(f) == 4 {
			t.Name = f[3]
		}
		w.terminals[f[1]] = t
		return nil, nil
	case "at":
		t, err := time.Parse(time.RFC3339Nano, f[1])
		w.now = t
		return nil, err
	case "advance":
		d, err := parseDuration(f[1])
		w.now = w.now.Add(d)
		return nil, err
	case "strict":
		w.strict = f[1] == "on"
		return nil, nil
	case "state":
		return w.state(f[1:])
	case "gate":
		return w.gate(f[1:])
	}
	withJSON := false
	if f[0] == "json" {
		withJSON, f = true, f[1:]
	}
	if len(f) == 1 && f[0] == "expire" {
		return w.expire(withJSON)
	}
	if len(f) < 2 {
		return nil, fmt.Errorf("unknown statement")
	}
	sender, ok := w.parties[f[0]]
	if !ok {
		return nil, fmt.Errorf("unknown company %s", f[0])
	}
	args, err := keyValues(f[2:])
	if err != nil {
		return nil, err
	}
	switch f[1] {
	case "ingest", "right", "detail", "terminal", "customs", "pickup", "validate":
		return w.command(sender, f[1], args, withJSON)
	case "list":
		return w.list(sender, args, withJSON)
	}
	return nil, fmt.Errorf("unknown verb %s", f[1])
}

func (w *world) party(f []string) error {
	if len(f) < 4 {
		return fmt.Errorf(`party ALIAS NXTID "Name" Roles [k=v...]`)
	}
	p := &release.Party{NxtEntityID: f[1], Name: f[2]}
	if f[3] != "-" {
		for _, r := range strings.Split(f[3], ",") {
			if !release.ValidRole(release.Role(r)) {
				return fmt.Errorf("unknown role %s", r)
			}
			p.Roles = append(p.Roles, release.Role(r))
		}
	}
	kv, err := keyValues(f[4:])
	if err != nil {
		return err
	}
	for k, v := range kv {
		switch k {
		case "eori":
			p.Eori = v
		case "tin":
			p.Tin = v
		case "apcs":
			p.Apcs = v
		case "duns":
			p.Duns = v
		case "externalId":
			p.ExternalID = v
		default:
			return fmt.Errorf("unknown party field %s", k)
		}
	}
	w.parties[f[0]] = p
	w.aliases[p.NxtEntityID] = f[0]
	return nil
}

// ref resolves a company reference as the registry would: ALIAS or TYPE:CODE.
func (w *world) ref(s string) (release.PartyRef, error) {
	typ, code, found := strings.Cut(s, ":")
	if !found {
		p, ok := w.parties[s]
		if !ok {
			return release.PartyRef{}, fmt.Errorf("unknown company %s (write TYPE:CODE for an unregistered one)", s)
		}
		return release.PartyRef{IdentificationType: string(release.IDNxtEntityID), IdentificationCode: p.NxtEntityID, Party: p}, nil
	}
	ref := release.PartyRef{IdentificationType: typ, IdentificationCode: code}
	t, ok := release.ParseIdentificationType(typ)
	if !ok || code == "" {
		return ref, nil
	}
	for _, alias := range slices.Sorted(maps.Keys(w.parties)) {
		p := w.parties[alias]
		id := map[release.IdentificationType]string{
			release.IDNxtEntityID: p.NxtEntityID, release.IDEori: p.Eori, release.IDDuns: p.Duns,
			release.IDTin: p.Tin, release.IDApcs: p.Apcs,
		}[t]
		if strings.EqualFold(id, code) {
			ref.Party = p
			break
		}
	}
	return ref, nil
}

// command builds an Ingestion, RightAction or DetailQuery from args, decides it against the
// container and stores the outcome.
func (w *world) command(sender *release.Party, verb string, args map[string]string, withJSON bool) ([]string, error) {
	port := "BEANR"
	if v, ok := args["port"]; ok {
		port = v
	}
	key := release.Key{EquipmentNumber: args["eq"], ReleaseIdentification: args["rid"], BillOfLadingNumbers: list(args["bl"])}
	m := release.Meta{Now: w.now, Sender: *sender, StrictCheckDigit: w.strict}
	if v, ok := args["ext"]; ok {
		m.ExternalReferenceID = &v
	}
	var cmd release.Command
	known := []string{"port", "eq", "rid", "bl", "ext"}
	switch verb {
	case "ingest":
		in := &release.Ingestion{ActionType: args["action"], PortLoCode: port, Key: key, TerminalCode: args["terminal"],
			Terminal: w.terminals[args["terminal"]], Reason: args["reason"]}
		for field, target := range map[string]*release.PartyRef{"carrier": &in.Carrier, "releaseTo": &in.ReleaseTo} {
			if v, ok := args[field]; ok {
				r, err := w.ref(v)
				if err != nil {
					return nil, err
				}
				*target = r
			}
		}
		details, rest, err := detailsOf(args)
		if err != nil {
			return nil, err
		}
		in.Details = details
		known = append(rest, "action", "terminal", "reason", "carrier", "releaseTo")
		cmd = in
	case "right":
		a := &release.RightAction{ActionType: args["action"], PortLoCode: port, Key: key, TerminalCode: args["terminal"],
			ReasonForAction: args["reason"]}
		for field, target := range map[string]*release.PartyRef{"from": &a.ReleaseFrom, "to": &a.ReleaseTo, "carrier": &a.Carrier} {
			if v, ok := args[field]; ok {
				r, err := w.ref(v)
				if err != nil {
					return nil, err
				}
				*target = r
			}
		}
		known = append(known, "action", "terminal", "reason", "from", "to", "carrier")
		cmd = a
	case "detail":
		cmd = &release.DetailQuery{PortLoCode: port, Key: key}
	default:
		var more []string
		var err error
		cmd, more, err = w.newCommand(verb, port, key, args)
		if err != nil {
			return nil, err
		}
		known = append(known, more...)
	}
	for k := range args {
		if !slices.Contains(known, k) {
			return nil, fmt.Errorf("unknown argument %s", k)
		}
	}
	w.refs++
	m.PublicReferenceID = publicReferenceID(w.refs)
	m.NewReleaseID = releaseID(w.rels + 1)
	c := w.container(port, key.EquipmentNumber)
	out := release.Decide(c, cmd, m)
	for _, r := range out.Changed {
		if r.ReleaseID == m.NewReleaseID && !slices.ContainsFunc(c.Rights, func(h *release.Right) bool { return h.ReleaseID == r.ReleaseID }) {
			w.rels++
		}
	}
	w.store(c, out)
	if out.NotAllowed {
		// Refused in the answer to the call (HTTP 405), with no notification.
		return []string{fmt.Sprintf("405 %q", out.Reason)}, nil
	}
	if len(out.Notifications) == 0 {
		return []string{"no notifications"}, nil
	}
	return w.print(out.Notifications, withJSON)
}

// detailsOf reads the Details fields of an ingestion, written with their JSON names.
func detailsOf(args map[string]string) (release.Details, []string, error) {
	var d release.Details
	names := []string{
		"releaseOrderReference", "emptyReturnReference", "equipmentSupplier", "equipmentStatus",
		"fullEmptyIndicator", "equipmentOperator", "vesselName", "vesselNumber", "stayNumber", "vesselCallSign",
		"voyageNumber", "equipmentType", "isCarrierHaulage", "meansOfTransport", "releaseDateTimeUtc", "expirationDateTimeUtc",
	}
	m := map[string]any{}
	for _, n := range names {
		if v, ok := args[n]; ok {
			m[n] = v
			if n == "isCarrierHaulage" {
				m[n] = v == "true"
			}
		}
	}
	raw, _ := json.Marshal(m)
	err := json.Unmarshal(raw, &d)
	return d, append(names, "port", "eq", "rid", "bl", "ext"), err
}

func list(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// container returns the stored container of port/eq, as the store loads it.
func (w *world) container(port, eq string) *release.Container {
	key := port + "/" + strings.ToUpper(strings.TrimSpace(eq))
	c, ok := w.containers[key]
	if !ok {
		c = &release.Container{PortLoCode: port, EquipmentNumber: strings.ToUpper(strings.TrimSpace(eq))}
		w.containers[key] = c
		w.order = append(w.order, key)
	}
	return c
}

// store replaces the changed rights of c (matched by ReleaseID) or adds the new ones, and keeps
// the facts the outcome returns, as a store would commit an outcome.
func (w *world) store(c *release.Container, out release.Outcome) {
	if out.Facts != nil {
		c.Facts = *out.Facts
	}
	for _, r := range out.Changed {
		i := slices.IndexFunc(c.Rights, func(h *release.Right) bool { return h.ReleaseID == r.ReleaseID })
		if i < 0 {
			c.Rights = append(c.Rights, r)
		} else {
			c.Rights[i] = r
		}
	}
}

// rights lists every stored right in creation order.
func (w *world) rights() []*release.Right {
	var all []*release.Right
	for _, k := range w.order {
		all = append(all, w.containers[k].Rights...)
	}
	slices.SortStableFunc(all, func(a, b *release.Right) int { return strings.Compare(a.ReleaseID, b.ReleaseID) })
	return all
}

func (w *world) list(sender *release.Party, args map[string]string, withJSON bool) ([]string, error) {
	var f release.ListFilter
	page, pageSize := 1, 25
	m := release.Meta{Now: w.now, Sender: *sender}
	for k, v := range args {
		n, nerr := strconv.Atoi(v)
		switch k {
		case "page":
			page = n
		case "pageSize":
			pageSize = n
		case "status":
			f.Status = &n
		case "releaserightstatusfilter":
			s := release.RightStatus(n)
			f.ReleaseRightStatus = &s
		case "actionStatusFilter":
			s := release.ActionStatus(n)
			f.ActionStatus = &s
		case "equipmentnumberfilter":
			f.EquipmentNumber, nerr = v, nil
		case "billofladingnumberfilter":
			f.BillOfLadingNumber, nerr = v, nil
		case "shippingagentnamefilter":
			f.ShippingAgentName, nerr = v, nil
		case "shippingagenttinfilter":
			f.ShippingAgentTin, nerr = v, nil
		case "terminalnamefilter":
			f.TerminalName, nerr = v, nil
		case "currentstakeholdernamefilter":
			f.CurrentStakeholderName, nerr = v, nil
		case "currentstakeholdertinfilter":
			f.CurrentStakeholderTin, nerr = v, nil
		case "ext":
			m.ExternalReferenceID, nerr = &v, nil
		default:
			return nil, fmt.Errorf("unknown argument %s", k)
		}
		if nerr != nil {
			return nil, fmt.Errorf("%s=%s: %w", k, v, nerr)
		}
	}
	w.refs++
	m.PublicReferenceID = publicReferenceID(w.refs)
	// The store hands the core every candidate; the core must keep only what is assigned to the sender.
	n := release.ListRights(w.rights(), f, page, pageSize, m)
	return w.print([]release.Notification{n}, withJSON)
}

// fields splits a statement on blanks; double quotes group words ("a b" or key="a b").
func fields(l string) ([]string, error) {
	var out []string
	var cur strings.Builder
	inQuote, have := false, false
	for _, r := range l {
		switch {
		case r == '"':
			inQuote, have = !inQuote, true
		case (r == ' ' || r == '\t') && !inQuote:
			if have {
				out = append(out, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteRune(r)
			have = true
		}
	}
	if inQuote {
		return nil, fmt.Errorf("unbalanced quote in %q", l)
	}
	if have {
		out = append(out, cur.String())
	}
	return out, nil
}

// keyValues reads key=value arguments; a bare word is the action ("ingest Release").
func keyValues(f []string) (map[string]string, error) {
	m := map[string]string{}
	for _, a := range f {
		k, v, ok := strings.Cut(a, "=")
		if !ok {
			if _, dup := m["action"]; dup {
				return nil, fmt.Errorf("argument %q is not key=value", a)
			}
			k, v = "action", a
		}
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("argument %s given twice", k)
		}
		m[k] = v
	}
	return m, nil
}

// parseDuration reads Go durations with a day unit in front: "60d", "59d23h", "90m".
func parseDuration(s string) (time.Duration, error) {
	var d time.Duration
	if days, rest, ok := strings.Cut(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, err
		}
		d, s = time.Duration(n)*24*time.Hour, rest
	}
	if s == "" {
		return d, nil
	}
	more, err := time.ParseDuration(s)
	return d + more, err
}
