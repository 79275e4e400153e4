package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// PageSize is how many releases one page of "My containers" shows.
const PageSize = 25

// CountUpTo is where "My containers" stops counting (it then says "more than"): a count costs
// reading the whole selection, a page does not (store.StakeholderQuery.CountUpTo).
const CountUpTo = 10_000

// listStatuses are the statuses the list filters by, in the order the filter offers them.
var listStatuses = []release.RightStatus{release.StatusAssigned, release.StatusPending, release.StatusAccepted,
	release.StatusDeclined, release.StatusRevoked, release.StatusArchived, release.StatusExpired}

// containerList is the data of "My containers".
type containerList struct {
	Rights       []*release.Right
	Total        int
	More         bool // the selection holds more than Total
	WaitingForMe int
	Page, Pages  int
	Search       string
	Status       int
	Terminal     string
	Waiting      bool
	Oldest       bool
	Statuses     []release.RightStatus
	Me           string
	Self         string // this page's address, which the live updates reload
	Prev, Next   string
	// Bulk: whether the company may accept or transfer (the controls are shown), the parties a
	// transfer may go to, the rows ticked at first (?select=waiting: those waiting for me), and
	// what became of each row of a bulk action just taken (container_bulk.go).
	Bulk      bool
	Parties   []identity.Company
	Selected  map[string]bool
	SelectAll string // the address that ticks every row waiting for me
	Results   []bulkResult
	Done      int // of Results
	NotDone   int
}

// containerList handles GET /console/containers: every release the company is a stakeholder of
// (service.MyContainers), searched, filtered, sorted and paged as the query says, with a count of
// those waiting for the company's answer.
func (c *Console) containerList(w http.ResponseWriter, r *http.Request) {
	d, err := c.listing(r, r.URL.Query())
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.showList(w, r, http.StatusOK, d)
}

// listing reads the page of "My containers" the query qs asks for.
func (c *Console) listing(r *http.Request, qs url.Values) (containerList, error) {
	caller := callerOf(r)
	d := containerList{Search: strings.TrimSpace(qs.Get("q")), Terminal: strings.TrimSpace(qs.Get("terminal")),
		Waiting: qs.Get("waiting") == "1", Oldest: qs.Get("sort") == "oldest", Statuses: listStatuses, Me: caller.Company.NxtEntityID}
	d.Status, _ = strconv.Atoi(qs.Get("status"))
	d.Page, _ = strconv.Atoi(qs.Get("page"))
	d.Page = max(d.Page, 1)
	q := store.StakeholderQuery{PortLoCode: c.opts.PortLoCode, Search: d.Search, Status: release.RightStatus(d.Status),
		TerminalCode: d.Terminal, WaitingForMe: d.Waiting, OldestFirst: d.Oldest, Offset: (d.Page - 1) * PageSize, Limit: PageSize,
		CountUpTo: CountUpTo}
	var err error
	if d.Rights, d.Total, err = c.svc.MyContainers(r.Context(), caller, q); err != nil {
		return d, err
	}
	if _, d.WaitingForMe, err = c.svc.MyContainers(r.Context(), caller, store.StakeholderQuery{PortLoCode: c.opts.PortLoCode, WaitingForMe: true, Limit: -1}); err != nil {
		return d, err
	}
	d.More = d.Total >= CountUpTo
	d.Pages = max(1, (d.Total+PageSize-1)/PageSize)
	link := func(page int) string {
		v := url.Values{}
		for k, s := range map[string]string{"q": d.Search, "terminal": d.Terminal, "status": qs.Get("status"), "waiting": qs.Get("waiting"), "sort": qs.Get("sort")} {
			if s != "" && s != "0" {
				v.Set(k, s)
			}
		}
		if page > 1 {
			v.Set("page", strconv.Itoa(page))
		}
		if len(v) == 0 {
			return "/console/containers"
		}
		return "/console/containers?" + v.Encode()
	}
	d.Self = link(d.Page)
	if d.Page > 1 {
		d.Prev = link(d.Page - 1)
	}
	if d.Page < d.Pages || (d.More && len(d.Rights) == PageSize) {
		d.Next = link(d.Page + 1)
	}
	d.Bulk = caller.Company.HasRole(release.RoleReleaseParty) || caller.Company.HasRole(release.RoleTransportOperator)
	if d.Bulk {
		d.Parties = c.transferParties(r)
		d.SelectAll = d.Self + "?select=waiting"
		if strings.Contains(d.Self, "?") {
			d.SelectAll = d.Self + "&select=waiting"
		}
		if qs.Get("select") == "waiting" {
			d.Selected = map[string]bool{}
			for _, rt := range d.Rights {
				d.Selected[rt.ReleaseID] = rt.PendingTo != nil && rt.PendingTo.NxtEntityID == d.Me
			}
		}
	}
	return d, nil
}

// showList renders "My containers"; an htmx request (the live updates) gets the list only.
func (c *Console) showList(w http.ResponseWriter, r *http.Request, status int, d containerList) {
	fragment := ""
	if r.Header.Get("HX-Request") == "true" {
		fragment = "list"
	}
	v := c.view(r, "list.title", "containers", d)
	if fragment == "" {
		v.Live = c.liveURL(r)
	}
	c.render(w, status, "container_list", fragment, v)
}
