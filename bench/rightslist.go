package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// RightsListOptions shape the rights-list reads of a port day.
type RightsListOptions struct {
	Rate     float64       `json:"rate"`     // list calls per second
	Duration time.Duration `json:"duration"` // how long to measure
	Workers  int           `json:"workers"`  // concurrent callers
	Seed     uint64        `json:"seed"`
	// History is what StoreHistory stored (N 0: none), for the equipment filter.
	History History `json:"history"`
}

// listers are the companies that hold rights in a stored history and in the port day.
var listers = []string{ShippingAgent, secondAgent, Forwarder, secondForwarder, Haulier, secondHaulier}

// ListTotals reads, for every company that holds rights, the totalRows of its rights list (a
// page of one, the notification pulled back): the size of the list the measured pages come from.
func ListTotals(ctx context.Context, p *Port) (map[string]int, error) {
	out := map[string]int{}
	for _, id := range listers {
		body, err := p.listPage(ctx, id, url.Values{"page": {"1"}, "pageSize": {"1"}}, true)
		if err != nil {
			return nil, err
		}
		out[id] = body.TotalRows
	}
	return out, nil
}

// ExpectedListTotals is what ListTotals should read right after StoreHistory(n) stored its
// history on a fresh node: the check that the preload built what it says it did.
func ExpectedListTotals(n int) map[string]int {
	out := map[string]int{}
	for _, id := range listers {
		out[id] = 0
	}
	for i := range n {
		for _, id := range shapeOf(i).holders() {
			out[id]++
		}
	}
	return out
}

// listBody is the part of the ReleaseRightsList notification the bench reads.
type listBody struct {
	Page          int               `json:"page"`
	PageSize      int               `json:"pageSize"`
	TotalRows     int               `json:"totalRows"`
	TotalPages    int               `json:"totalPages"`
	ReleaseRights []json.RawMessage `json:"releaseRights"`
}

// listPage asks for one page of company's rights list with the query q; with pull it also pulls
// the notification that carries the page and decodes it.
func (p *Port) listPage(ctx context.Context, company string, q url.Values, pull bool) (listBody, error) {
	c := p.As(company)
	receipt, resp, err := c.RightsList(ctx, p.Creds.PortLoCode, q)
	if err != nil {
		return listBody{}, fmt.Errorf("rights list as %s: %w", company, err)
	}
	if resp.Status != http.StatusAccepted {
		return listBody{}, fmt.Errorf("rights list as %s: HTTP %d %s", company, resp.Status, resp.Body)
	}
	if !pull {
		return listBody{}, nil
	}
	ns, _, err := c.Notifications(ctx, url.Values{"publicReferenceId": {receipt.PublicReferenceID}})
	if err != nil || len(ns) != 1 {
		return listBody{}, fmt.Errorf("rights list as %s: pull the page (%d notifications): %v", company, len(ns), err)
	}
	env, err := ns[0].Envelope()
	if err != nil {
		return listBody{}, err
	}
	var body listBody
	if err := json.Unmarshal(env.Body, &body); err != nil {
		return listBody{}, fmt.Errorf("rights list as %s: decode the page: %w", company, err)
	}
	return body, nil
}

// listQuery draws one rights-list call as the port's integrators make them (the query parameters
// of the shipping-agent seed): mostly the first page at the default size (a screen opening the
// list), then paging through the whole list with larger pages (a nightly sync, any page alike),
// looking a container up by its full equipment number, and the transfers waiting for an answer
// (status 1, Pending). The kind is returned for the report.
func listQuery(rng *rand.Rand, company string, total int, history History) (url.Values, string) {
	switch k := rng.IntN(100); {
	case k < 60:
		return url.Values{"page": {"1"}}, "first page"
	case k < 80:
		size := 100
		if k >= 75 {
			size = 500
		}
		pages := max(1, (total+size-1)/size)
		return url.Values{"page": {strconv.Itoa(1 + rng.IntN(pages))}, "pageSize": {strconv.Itoa(size)}}, "any page"
	case k < 90 && history.N > 0:
		// A container this company holds: a few draws find one (every company holds a tenth or more).
		i := rng.IntN(history.N)
		for range 64 {
			if holds(shapeOf(i).holders(), company) {
				break
			}
			i = rng.IntN(history.N)
		}
		return url.Values{"page": {"1"}, "equipmentnumberfilter": {history.Container(i)}}, "equipment"
	default:
		return url.Values{"page": {"1"}, "pageSize": {"100"}, "status": {"1"}}, "pending"
	}
}

func holds(ids []string, id string) bool {
	for _, h := range ids {
		if h == id {
			return true
		}
	}
	return false
}

// RightsListResult is what the rights-list reads measured: all of them (latency from the moment
// each call was due), and each kind of query apart (from the moment it was sent).
type RightsListResult struct {
	Result
	ByKind map[string]Percentiles `json:"byKindMs"`
	Counts map[string]int         `json:"byKindCalls"`
}

// RightsLists asks companies' rights lists at o.Rate for o.Duration, as listQuery draws them, and
// measures the answer (202: the page is committed as the caller's notification). totals are the
// list sizes ListTotals read, for drawing pages.
func RightsLists(ctx context.Context, p *Port, totals map[string]int, o RightsListOptions) RightsListResult {
	rng := rand.New(rand.NewPCG(o.Seed, 11))
	var mu sync.Mutex
	kinds := map[string][]time.Duration{}
	res := Run(ctx, "rights list pages", o.Rate, o.Duration, max(1, o.Workers), func(ctx context.Context, _ int) error {
		mu.Lock()
		company := listers[rng.IntN(len(listers))]
		q, kind := listQuery(rng, company, totals[company], o.History)
		mu.Unlock()
		t := time.Now()
		_, err := p.listPage(ctx, company, q, false)
		d := time.Since(t)
		mu.Lock()
		kinds[kind] = append(kinds[kind], d)
		mu.Unlock()
		return err
	})
	out := RightsListResult{Result: res, ByKind: map[string]Percentiles{}, Counts: map[string]int{}}
	for k, v := range kinds {
		out.ByKind[k], out.Counts[k] = Summarise(v), len(v)
	}
	return out
}
