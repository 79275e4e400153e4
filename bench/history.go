package bench

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/portlight/portlight/release"
)

// The second demo shipping agent: a stored history spreads its releases over both.
const secondAgent = "NXT100000000002"

// MaxHistory is how many containers a stored history can hold: the ISO 6346 serial number has six
// digits, and the history uses the categories J and Z of the run's owner code (the port day's own
// containers are category U, so the two never meet).
const MaxHistory = 2_000_000

// History names the containers of a stored history: the first three letters of their owner code
// (the run's) and how many there are.
type History struct {
	Owner string `json:"owner"`
	N     int    `json:"containers"`
}

// NewHistory is the history of n containers of this run.
func (p *Port) NewHistory(n int) History { return History{Owner: p.owner[:3], N: n} }

// Container returns the equipment number of the i-th container of the history.
func (h History) Container(i int) string {
	category := byte('J')
	if i >= 1_000_000 {
		category = 'Z'
	}
	b := make([]byte, 0, 11)
	b = append(b, h.Owner[:3]...)
	b = append(b, category)
	b = fmt.Appendf(b, "%06d", i%1_000_000)
	want, _, _ := release.CheckEquipmentNumber(string(b) + "0")
	return string(append(b, byte('0'+want)))
}

// Stages of a stored right: how far its life went before the measured day.
const (
	stageWithAgent = iota // released without releaseTo: the agent still holds it
	stagePending          // released to a forwarder who has not answered yet
	stageForwarder        // the forwarder accepted it
	stageHaulier          // the forwarder passed it on to a transport operator, who accepted
)

// historyShape is who holds the i-th container of the history: the shipping agent that released
// it, the forwarder it went to, the transport operator the forwarder chose, and how far it went.
// Four containers in a row cover every pair of agent and forwarder; the stage follows the tens of
// those blocks: 40% with the agent, 30% pending, 20% with the forwarder, 10% with the haulier.
type historyShape struct {
	agent, forwarder, haulier string
	stage                     int
}

func shapeOf(i int) historyShape {
	s := historyShape{agent: ShippingAgent, forwarder: Forwarder, haulier: Haulier}
	if i%2 == 1 {
		s.agent = secondAgent
	}
	if (i/2)%2 == 1 {
		s.forwarder, s.haulier = secondForwarder, secondHaulier
	}
	switch k := (i / 4) % 10; {
	case k < 4:
		s.stage = stageWithAgent
	case k < 7:
		s.stage = stagePending
	case k < 9:
		s.stage = stageForwarder
	default:
		s.stage = stageHaulier
	}
	return s
}

// holders are the companies whose rights list shows the container (owner, and the company a
// transfer waits for), as "assigned to my company" reads in docs/rules.md "The rights list".
func (s historyShape) holders() []string {
	switch s.stage {
	case stageWithAgent:
		return []string{s.agent}
	case stagePending:
		return []string{s.agent, s.forwarder}
	case stageForwarder:
		return []string{s.forwarder}
	}
	return []string{s.haulier}
}

// releaseBody is the Shipping Agent's commercial release of eq, encoded by hand: the preload sends
// a million of them and the generator shares the two cores with the server.
func (p *Port) releaseBody(eq, releaseTo string) []byte {
	b := make([]byte, 0, 400)
	b = append(b, `{"actionType":"Release","equipmentNumber":"`...)
	b = append(b, eq...)
	b = append(b, `","billOfLadingNumbers":["BL-`...)
	b = append(b, eq...)
	b = append(b, `"],"releaseIdentification":"R-`...)
	b = append(b, eq...)
	b = append(b, `","terminalCode":"`+TerminalCode+`","portLoCode":"`...)
	b = append(b, p.Creds.PortLoCode...)
	b = append(b, `","stayNumber":"STAY1","equipmentType":"45G1","vesselName":"BENCH VESSEL"`...)
	if releaseTo != "" {
		b = append(b, `,"releaseTo":{"identificationType":"NxtEntityId","identificationCode":"`...)
		b = append(b, releaseTo...)
		b = append(b, `"}`...)
	}
	return append(b, '}')
}

// rightBody is the single release-right call on eq, from one company to another, encoded by hand.
func (p *Port) rightBody(eq, action, from, to string) []byte {
	b := make([]byte, 0, 400)
	b = append(b, `{"actionType":"`...)
	b = append(b, action...)
	b = append(b, `","equipmentNumber":"`...)
	b = append(b, eq...)
	b = append(b, `","billOfLadingNumbers":["BL-`...)
	b = append(b, eq...)
	b = append(b, `"],"releaseIdentification":"R-`...)
	b = append(b, eq...)
	b = append(b, `","terminalCode":"`+TerminalCode+`","portLoCode":"`...)
	b = append(b, p.Creds.PortLoCode...)
	b = append(b, `","releaseFrom":{"identificationType":"NxtEntityId","identificationCode":"`...)
	b = append(b, from...)
	b = append(b, `"},"releaseTo":{"identificationType":"NxtEntityId","identificationCode":"`...)
	b = append(b, to...)
	return append(b, `"}}`...)
}

// HistoryResult is what storing a history took.
type HistoryResult struct {
	History  History  `json:"history"`
	Steps    []Result `json:"steps"`
	Commands int      `json:"commands"`
	Seconds  float64  `json:"seconds"`
	// Rate is commands (releases and bulk items) stored per second over the whole preload.
	Rate float64 `json:"commandsPerSecond"`
}

// StoreHistory stores the history of hist.N containers through the public API, as the port's companies
// would have built it before the measured day: both shipping agents release (30% of them to a
// forwarder at once: the seed's releaseTo), the forwarders accept half of what reached them and
// pass a third of that on to a transport operator, who accepts. Every company then has a rights
// list of its own: see historyShape for the split. Each step is one call per container: the bulk
// release-rights call would be fewer calls, but it stores its whole body in the audit record of
// every item (a call of 500 items writes 500 copies of 150 KB), which no integrator's history
// looks like and the disk cannot hold for a million.
func StoreHistory(ctx context.Context, p *Port, hist History, workers int) (HistoryResult, error) {
	n := hist.N
	if n > MaxHistory {
		return HistoryResult{}, fmt.Errorf("a stored history holds at most %d containers", MaxHistory)
	}
	start := time.Now()
	h := HistoryResult{History: hist}
	releases := RunCount(ctx, "preload releases", n, workers, func(ctx context.Context, i int) error {
		s := shapeOf(i)
		to := ""
		if s.stage >= stagePending {
			to = s.forwarder
		}
		_, resp, err := p.As(s.agent).Ingest(ctx, p.releaseBody(hist.Container(i), to), "")
		return expect202(resp, err)
	})
	h.Steps = append(h.Steps, releases)
	h.Commands += releases.Sent
	if releases.Errors > 0 {
		return h, fmt.Errorf("preload releases: %d errors, first: %s", releases.Errors, releases.FirstErr)
	}
	phases := []struct {
		name     string
		minStage int
		action   string
		item     func(historyShape) (as, from, to string)
	}{
		{"preload forwarder accepts", stageForwarder, "Accept", func(s historyShape) (string, string, string) { return s.forwarder, s.agent, s.forwarder }},
		{"preload transfers", stageHaulier, "Transfer", func(s historyShape) (string, string, string) { return s.forwarder, s.forwarder, s.haulier }},
		{"preload haulier accepts", stageHaulier, "Accept", func(s historyShape) (string, string, string) { return s.haulier, s.forwarder, s.haulier }},
	}
	for _, ph := range phases {
		var todo []int
		for i := range n {
			if shapeOf(i).stage >= ph.minStage {
				todo = append(todo, i)
			}
		}
		r := RunCount(ctx, ph.name, len(todo), workers, func(ctx context.Context, k int) error {
			i := todo[k]
			as, from, to := ph.item(shapeOf(i))
			eq := hist.Container(i)
			resp, err := p.As(as).Do(ctx, http.MethodPut, "/certified-pickup/v1/"+p.Creds.PortLoCode+"/containers/"+eq+"/import/release-rights",
				nil, p.rightBody(eq, ph.action, from, to), "")
			return expect202(resp, err)
		})
		h.Steps = append(h.Steps, r)
		h.Commands += r.Sent
		if r.Errors > 0 {
			return h, fmt.Errorf("%s: %d errors, first: %s", ph.name, r.Errors, r.FirstErr)
		}
	}
	h.Seconds = time.Since(start).Seconds()
	h.Rate = float64(h.Commands) / h.Seconds
	return h, nil
}
