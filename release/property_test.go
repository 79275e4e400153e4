package release_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
)

// The property test plays random command sequences from random companies of every role against
// a few containers, and checks after every step what must hold whatever happens (docs/rules.md
// "Who receives what": never anyone who is not a stakeholder of the right). A failure names the
// sequence's seed:
//
//	go test ./release -run Property -prop.seed=N -prop.sequences=1 -v
//
// replays it alone and logs every step. -prop.seed picks another set of sequences.
var (
	propSeed      = flag.Uint64("prop.seed", 1, "seed of the first random sequence of the property test")
	propSequences = flag.Int("prop.sequences", 400, "how many random sequences the property test plays (250 under -race)")
	propSteps     = flag.Int("prop.steps", 80, "commands per random sequence")
)

func TestProperty(t *testing.T) {
	n := *propSequences
	sequencesGiven := false
	flag.Visit(func(f *flag.Flag) { sequencesGiven = sequencesGiven || f.Name == "prop.sequences" })
	switch {
	case testing.Short():
		n = min(n, 50)
	case raceEnabled && !sequencesGiven:
		n = min(n, 250)
	}
	accepted := map[string]int{}
	for i := 0; i < n; i++ {
		seed := *propSeed + uint64(i)
		p := newPlay(seed)
		for step := 0; step < *propSteps; step++ {
			if err := p.step(); err != nil {
				t.Fatalf("sequence seed %d, step %d: %v\nreplay: go test ./release -run Property -prop.seed=%d -prop.sequences=1 -prop.steps=%d -v\nsteps:\n%s",
					seed, step, err, seed, step+1, strings.Join(p.log, "\n"))
			}
		}
		if n == 1 {
			t.Logf("steps:\n%s", strings.Join(p.log, "\n"))
		}
		for k, v := range p.accepted {
			accepted[k] += v
		}
	}
	t.Logf("accepted: %v", accepted)
	// The generators must reach every rule: each kind of command must succeed often enough that a
	// rule it breaks would be seen. The floor is a tenth of what the default seeds reach, per
	// sequence played, so it holds under -short and for other seeds too.
	for kind, perHundred := range propAcceptedFloor {
		if want := perHundred * n / 100; accepted[kind] < max(want, 1) {
			t.Errorf("%s accepted %d times in %d sequences, want at least %d: the generators no longer reach it", kind, accepted[kind], n, max(want, 1))
		}
	}
}

// play is one random sequence: its companies, terminals, containers (as a store holds them) and clock.
type play struct {
	rng        *rand.Rand
	parties    []*release.Party
	terminals  map[string]*release.Terminal
	containers map[string]*release.Container
	order      []string // container keys in creation order: maps must not decide a replay
	now        time.Time
	refs, rels int
	log        []string
	// accepted counts, per action, the commands that changed something (or, for a validation,
	// found the pick-up valid), so the test can tell that the generators reach every rule.
	accepted map[string]int
}

// Small pools, so that commands collide on the same containers and keys. The last entry of each
// is malformed or missing and is drawn rarely.
var (
	propEquipment      = []string{"MSCU1234566", "CSQU3054383", "HBMU2699709", " mscu1234566", "MSCU12345"}
	propBLs            = [][]string{{"BL1"}, {"BL2"}, {"BL1", "BL2"}, {"BL3"}, nil}
	propRIDs           = []string{"R1", "R2", ""}
	propTerminals      = []string{"0100", "01700", "0300", "9999"}
	propEquipmentTypes = []string{"45G1", "22G1", ""}
)

// pickMostly draws from s, the last entry only with probability pct percent.
func (p *play) pickMostly(pct int, n int) int {
	if p.chance(pct) {
		return n - 1
	}
	return p.rng.IntN(n - 1)
}

func newPlay(seed uint64) *play {
	p := &play{
		rng:        rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)),
		terminals:  map[string]*release.Terminal{},
		containers: map[string]*release.Container{},
		now:        time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC),
		accepted:   map[string]int{},
	}
	add := func(id, name string, roles ...release.Role) *release.Party {
		party := &release.Party{NxtEntityID: id, Name: name, Roles: roles, Tin: "BE" + id[3:], Eori: "EO" + id[3:]}
		if len(p.parties)%2 == 0 {
			party.Apcs = "ZA" + id[3:]
		}
		p.parties = append(p.parties, party)
		return party
	}
	add("NXT100000001", "Agent One", release.RoleShippingAgent)
	add("NXT100000002", "Agent Two", release.RoleShippingAgent)
	to1 := add("NXT200000001", "Terminal One", release.RoleTerminalOperator)
	to2 := add("NXT200000002", "Terminal Two", release.RoleTerminalOperator)
	mx := add("NXT500000001", "Terminal and Haulier", release.RoleTerminalOperator, release.RoleTransportOperator)
	add("NXT300000001", "Forwarder One", release.RoleReleaseParty)
	add("NXT300000002", "Broker Two", release.RoleReleaseParty)
	add("NXT400000001", "Haulier One", release.RoleTransportOperator)
	add("NXT400000002", "Barge Two", release.RoleTransportOperator)
	add("NXT600000001", "Customs", release.RoleCustoms)
	add("NXT600000002", "Customs desk and Terminal", release.RoleCustoms, release.RoleTerminalOperator)
	add("NXT700000001", "Agent and Forwarder", release.RoleShippingAgent, release.RoleReleaseParty)
	add("NXT800000001", "No Role Yet")
	p.terminals["0100"] = &release.Terminal{Code: "0100", Operator: *to1}
	p.terminals["01700"] = &release.Terminal{Code: "01700", Operator: *to2}
	p.terminals["0300"] = &release.Terminal{Code: "0300", Operator: *mx}
	return p
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// chance reports true with probability pct percent.
func (p *play) chance(pct int) bool { return p.rng.IntN(100) < pct }

func (p *play) party() *release.Party { return pick(p.rng, p.parties) }

func (p *play) agent() *release.Party {
	for {
		if a := p.party(); a.HasRole(release.RoleShippingAgent) {
			return a
		}
	}
}

// ref names a company as a request would: by one of its identifiers, sometimes a company the
// registry does not know.
func (p *play) ref(party *release.Party) release.PartyRef {
	if party == nil || p.chance(8) {
		return release.PartyRef{IdentificationType: "NxtEntityId", IdentificationCode: "NXT999999999"}
	}
	switch p.rng.IntN(4) {
	case 0:
		return release.PartyRef{IdentificationType: "eori", IdentificationCode: party.Eori, Party: party}
	case 1:
		return release.PartyRef{IdentificationType: "TIN", IdentificationCode: party.Tin, Party: party}
	}
	return release.PartyRef{IdentificationType: "NxtEntityId", IdentificationCode: party.NxtEntityID, Party: party}
}

// key draws a Release Right key: mostly one of a stored right (sometimes naming only one of its
// bills of lading), else one from the pools.
func (p *play) key() release.Key {
	all := p.all()
	if live := slices.DeleteFunc(slices.Clone(all), (*release.Right).Deleted); len(live) > 0 && p.chance(60) {
		all = live
	}
	if len(all) > 0 && p.chance(70) {
		r := pick(p.rng, all)
		k := release.Key{EquipmentNumber: r.Key.EquipmentNumber, BillOfLadingNumbers: r.Key.BillOfLadingNumbers, ReleaseIdentification: r.Key.ReleaseIdentification}
		if len(k.BillOfLadingNumbers) > 1 && p.chance(30) {
			k.BillOfLadingNumbers = []string{pick(p.rng, k.BillOfLadingNumbers)}
		}
		return k
	}
	return release.Key{
		EquipmentNumber:       propEquipment[p.pickMostly(3, len(propEquipment))],
		BillOfLadingNumbers:   propBLs[p.pickMostly(3, len(propBLs))],
		ReleaseIdentification: propRIDs[p.pickMostly(3, len(propRIDs))],
	}
}

func (p *play) container(eq string) *release.Container {
	k := strings.ToUpper(strings.TrimSpace(eq))
	c, ok := p.containers[k]
	if !ok {
		c = &release.Container{PortLoCode: "BEANR", EquipmentNumber: k}
		p.containers[k] = c
		p.order = append(p.order, k)
	}
	return c
}

// all lists every stored right, container by container in creation order.
func (p *play) all() []*release.Right {
	var all []*release.Right
	for _, k := range p.order {
		all = append(all, p.containers[k].Rights...)
	}
	return all
}

// rightFor returns a stored right the key designates, so that commands about it often carry the
// right parties and succeed; nil when there is none.
func (p *play) rightFor(k release.Key) *release.Right {
	c := p.container(k.EquipmentNumber)
	var cands []*release.Right
	for _, r := range c.Rights {
		if r.Key.Matches(release.Key{EquipmentNumber: r.Key.EquipmentNumber, BillOfLadingNumbers: k.BillOfLadingNumbers, ReleaseIdentification: k.ReleaseIdentification}) {
			cands = append(cands, r)
		}
	}
	if len(cands) == 0 {
		return nil
	}
	return pick(p.rng, cands)
}

func (p *play) advance() {
	switch n := p.rng.IntN(1000); {
	case n < 800:
		p.now = p.now.Add(time.Duration(p.rng.IntN(60)) * time.Minute)
	case n < 995:
		p.now = p.now.Add(time.Duration(1+p.rng.IntN(24)) * time.Hour)
	default: // now and then past the 60 days of every right
		p.now = p.now.Add(time.Duration(20+p.rng.IntN(50)) * 24 * time.Hour)
	}
}

// command makes one random command and its sender (for Expire, a party without id: nobody
// sends it).
func (p *play) command() (release.Command, *release.Party, string) {
	if p.chance(20) {
		if cmd, sender, desc := p.guided(); cmd != nil {
			return cmd, sender, desc
		}
	}
	k := p.key()
	r := p.rightFor(k)
	switch n := p.rng.IntN(100); {
	case n < 28:
		return p.ingestion(k, r)
	case n < 56:
		return p.rightAction(k, r)
	case n < 70:
		return p.terminalEvent(k, r)
	case n < 78:
		return p.customsStatus(k, r)
	case n < 89:
		return p.pickupAction(k, r)
	case n < 93:
		return p.validation(k, r)
	case n < 96:
		return release.Expire{}, &release.Party{}, "expire"
	default:
		sender := p.party()
		if r != nil && p.chance(60) {
			sender = p.byID(pick(p.rng, r.Stakeholders()))
		}
		return &release.DetailQuery{PortLoCode: "BEANR", Key: k}, sender, sender.NxtEntityID + " detail"
	}
}

func (p *play) transportOperators() []*release.Party {
	var out []*release.Party
	for _, party := range p.parties {
		if party.HasRole(release.RoleTransportOperator) {
			out = append(out, party)
		}
	}
	return out
}

func (p *play) byID(id string) *release.Party {
	for _, party := range p.parties {
		if party.NxtEntityID == id {
			return party
		}
	}
	panic("unknown company " + id)
}

// weighted draws one of names, each as often as its weight says.
func (p *play) weighted(names []string, weights ...int) string {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := p.rng.IntN(total)
	for i, w := range weights {
		if n < w {
			return names[i]
		}
		n -= w
	}
	panic("unreachable")
}

func (p *play) ingestion(k release.Key, r *release.Right) (release.Command, *release.Party, string) {
	// Release, Update, Block, Unblock, Revoke, Delete
	action := p.weighted(release.IngestionActions, 30, 15, 15, 12, 18, 6)
	sender := p.agent()
	if r != nil && p.chance(70) {
		sender = p.byID(r.Originator.NxtEntityID)
	}
	if p.chance(5) {
		sender = p.party()
	}
	in := &release.Ingestion{ActionType: action, PortLoCode: "BEANR", Key: k, TerminalCode: propTerminals[p.pickMostly(5, len(propTerminals))]}
	if r != nil && p.chance(70) {
		in.TerminalCode = r.Terminal.Code
	}
	if p.chance(2) {
		in.TerminalCode = ""
	}
	in.Terminal = p.terminals[in.TerminalCode]
	if p.chance(30) {
		to := p.party()
		if p.chance(40) {
			to = pick(p.rng, p.transportOperators())
		}
		in.ReleaseTo = p.ref(to)
	}
	if p.chance(10) {
		in.Carrier = p.ref(p.agent())
	}
	if p.chance(25) {
		e := p.now.Add(time.Duration(p.rng.IntN(30*24)-24) * time.Hour)
		in.Details.ExpirationDateTimeUtc = &e
	}
	if p.chance(3) {
		in.PortLoCode = ""
	}
	in.Details.StayNumber = pick(p.rng, propStays)
	if p.chance(30) {
		// An equipmentType: an Unblock or Delete naming another one than the release's is refused.
		in.Details.EquipmentType = pick(p.rng, propEquipmentTypes)
		if r != nil && p.chance(60) {
			in.Details.EquipmentType = r.Details.EquipmentType
		}
	}
	return in, sender, fmt.Sprintf("%s ingest %s", sender.NxtEntityID, action)
}

func (p *play) rightAction(k release.Key, r *release.Right) (release.Command, *release.Party, string) {
	// Transfer, Accept, Decline, Revoke
	action := p.weighted(release.RightActions, 35, 30, 15, 20)
	if action != release.ActionTransfer && (r == nil || r.PendingTo == nil) && p.chance(70) {
		// Answers need a pending transfer: aim most of them at one.
		var pending []*release.Right
		for _, c := range p.all() {
			if c.PendingTo != nil && !c.Deleted() {
				pending = append(pending, c)
			}
		}
		if len(pending) > 0 {
			r = pick(p.rng, pending)
			k = release.Key{EquipmentNumber: r.Key.EquipmentNumber, BillOfLadingNumbers: r.Key.BillOfLadingNumbers, ReleaseIdentification: r.Key.ReleaseIdentification}
		}
	}
	a := &release.RightAction{ActionType: action, PortLoCode: "BEANR", Key: k, TerminalCode: propTerminals[p.pickMostly(5, len(propTerminals))]}
	from, to := p.party(), p.party()
	if action == release.ActionTransfer && p.chance(40) {
		to = pick(p.rng, p.transportOperators())
	}
	if r != nil {
		if p.chance(90) {
			a.TerminalCode = r.Terminal.Code
		}
		if p.chance(75) {
			from = p.byID(r.Owner.NxtEntityID)
		}
		if r.PendingTo != nil && action != release.ActionTransfer && p.chance(75) {
			to = p.byID(r.PendingTo.NxtEntityID)
		}
	}
	a.ReleaseFrom, a.ReleaseTo = p.ref(from), p.ref(to)
	if p.chance(15) {
		// The carrier, optional: mostly the release's, now and then another agent or nobody known.
		carrier := p.agent()
		if r != nil && p.chance(70) {
			carrier = p.byID(r.Carrier.NxtEntityID)
		}
		a.Carrier = p.ref(carrier)
	}
	sender := p.party()
	answer := action == release.ActionAccept || action == release.ActionDecline
	switch n := p.rng.IntN(100); {
	case n < 75:
		sender = from
		if answer {
			sender = to
		}
	case n < 87:
		// The wrong side in the sender's seat, with the right parties named: the owner accepting
		// or declining its own transfer, the party it is pending to transferring or revoking it.
		sender = to
		if answer {
			sender = from
		}
	}
	return a, sender, fmt.Sprintf("%s right %s", sender.NxtEntityID, action)
}

func (p *play) step() error {
	p.advance()
	if p.chance(3) {
		return p.list()
	}
	cmd, sender, desc := p.command()
	p.refs++
	ext := fmt.Sprintf("ERI-%d", p.refs)
	m := release.Meta{
		Now: p.now, PublicReferenceID: publicReferenceID(p.refs), Sender: *sender,
		NewReleaseID: releaseID(p.rels + 1), StrictCheckDigit: p.chance(10),
	}
	_, expire := cmd.(release.Expire)
	if p.chance(70) && !expire {
		m.ExternalReferenceID = &ext
	}
	var eq string
	switch c := cmd.(type) {
	case *release.Ingestion:
		eq = c.Key.EquipmentNumber
	case *release.RightAction:
		eq = c.Key.EquipmentNumber
	case *release.DetailQuery:
		eq = c.Key.EquipmentNumber
	case *release.TerminalEvent:
		eq = c.EquipmentNumber
	case *release.CustomsStatus:
		eq = c.EquipmentNumber
	case *release.PickupAction:
		eq = c.Key.EquipmentNumber
	case *release.PickupValidation:
		eq = c.EquipmentNumber
	case release.Expire:
		eq = p.expireContainer()
		desc += " " + eq
	}
	p.log = append(p.log, fmt.Sprintf("%s %s %s", p.now.Format(time.RFC3339), desc, describe(cmd)))
	c := p.container(eq)
	before := jsonOf(c)
	stakeBefore := stakeholders(c)
	rightsBefore := endedRights(c.Rights, p.now)
	rightsNow := slices.Clone(c.Rights) // Decide copies what it changes: these stay as they were
	out := release.Decide(c, cmd, m)
	for _, n := range out.Notifications {
		line := fmt.Sprintf("    -> %s %s %s %s", n.ReceiverID, n.Type, n.Event, n.ReleaseID)
		if msg, ok := n.Body.(string); ok {
			line += " " + msg
		}
		p.log = append(p.log, line)
	}
	if after := jsonOf(c); after != before {
		return fmt.Errorf("Decide modified its input container:\nbefore %s\nafter  %s", before, after)
	}
	if err := checkRejection(cmd, out); err != nil {
		return err
	}
	if len(out.Changed) > 0 {
		p.accepted[kindOf(cmd)]++
	}
	if out.NotAllowed {
		p.accepted["not allowed "+kindOf(cmd)]++
	}
	if err := checkAuthority(cmd, sender, rightsNow, out); err != nil {
		return err
	}
	for _, n := range out.Notifications {
		if b, ok := n.Body.(release.ValidationBody); ok && b.IsValid {
			p.accepted["valid "+cmd.Action()]++
		}
		if !slices.Contains(release.Events, n.Event) {
			return fmt.Errorf("%s event %q is not in release.Events (the pull API would not accept it as a filter)", n.Type, n.Event)
		}
		if b, ok := n.Body.(release.GateOutBody); ok && b.IsValid && n.ReceiverID == sender.NxtEntityID {
			p.accepted["valid GateOut"]++
		}
	}
	if err := checkLightEvents(out.Notifications); err != nil {
		return err
	}
	if err := p.store(c, out, m.NewReleaseID); err != nil {
		return err
	}
	if err := checkEnded(cmd, rightsBefore, c.Rights, p.now); err != nil {
		return err
	}
	wire := make([][]byte, len(out.Notifications))
	for i, n := range out.Notifications {
		raw, err := json.Marshal(n)
		if err != nil {
			return fmt.Errorf("marshal %s %s: %w", n.Type, n.Event, err)
		}
		if err := checkEnvelope(n, raw, m); err != nil {
			return err
		}
		wire[i] = raw
	}
	if err := checkRecipients(out, wire, sender, cmd, stakeBefore, stakeholders(c)); err != nil {
		return err
	}
	return p.checkRights()
}

// store commits the outcome as a store would: replace the changed rights by ReleaseID, add the
// new one, keep the container's facts.
func (p *play) store(c *release.Container, out release.Outcome, newID string) error {
	if out.Facts != nil {
		c.Facts = *out.Facts
	}
	for _, r := range out.Changed {
		i := slices.IndexFunc(c.Rights, func(h *release.Right) bool { return h.ReleaseID == r.ReleaseID })
		switch {
		case i >= 0:
			c.Rights[i] = r
		case r.ReleaseID == newID:
			c.Rights = append(c.Rights, r)
			p.rels++
		default:
			return fmt.Errorf("changed right %s is neither stored nor the new release", r.ReleaseID)
		}
	}
	return nil
}

func (p *play) list() error {
	sender := p.party()
	all := p.all()
	p.refs++
	m := release.Meta{Now: p.now, PublicReferenceID: publicReferenceID(p.refs), Sender: *sender}
	n := release.ListRights(all, release.ListFilter{}, 1+p.rng.IntN(2), 1+p.rng.IntN(4), m)
	p.log = append(p.log, fmt.Sprintf("%s %s list", p.now.Format(time.RFC3339), sender.NxtEntityID))
	if n.ReceiverID != sender.NxtEntityID {
		return fmt.Errorf("rights list sent to %s, not to the sender %s", n.ReceiverID, sender.NxtEntityID)
	}
	body := n.Body.(release.ListBody)
	for _, v := range body.ReleaseRights {
		i := slices.IndexFunc(all, func(r *release.Right) bool { return r.ReleaseID == v.ReleaseID })
		if i < 0 || !all[i].AssignedTo(sender.NxtEntityID) {
			return fmt.Errorf("rights list of %s shows %s, which is not assigned to it", sender.NxtEntityID, v.ReleaseID)
		}
	}
	raw, err := json.Marshal(n)
	if err != nil {
		return err
	}
	return checkEnvelope(n, raw, m)
}

// kindOf names the kind of a command for the acceptance counts: commercial-release and
// release-right actions apart (both have a Revoke), and each action of its own.
func kindOf(cmd release.Command) string {
	switch c := cmd.(type) {
	case *release.Ingestion:
		return "ingest " + c.ActionType
	case *release.RightAction:
		return "right " + c.ActionType
	case *release.TerminalEvent:
		return "terminal " + c.ActionType
	case *release.PickupAction:
		return "pickup " + c.ActionType
	}
	return cmd.Action()
}

// propAcceptedFloor is, per kind of command, how many times in a hundred sequences it must at
// least succeed (TestProperty).
var propAcceptedFloor = map[string]int{
	"CustomsStatus":              24,
	"Expire":                     1,
	"ingest Block":               5,
	"ingest Delete":              2,
	"ingest Release":             25,
	"ingest Revoke":              5,
	"ingest Unblock":             4,
	"ingest Update":              9,
	"not allowed ingest Delete":  1,
	"not allowed ingest Unblock": 1,
	"pickup Assign":              12,
	"pickup Revoke":              1,
	"pickup Update":              1,
	"right Accept":               23,
	"right Decline":              1,
	"right Revoke":               1,
	"right Transfer":             26,
	"terminal Block":             2,
	"terminal CustomsOverwrite":  3,
	"terminal Discharge":         16,
	"terminal GateOut":           7,
	"terminal Release":           15,
	"terminal SelectForScan":     2,
	"valid GateOut":              5,
	"valid PickupValidation":     8,
}
