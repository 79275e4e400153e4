package console

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/portlight/portlight/console/i18n"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// MaxBulk is how many rows one bulk action takes at most (four pages of the list).
const MaxBulk = 4 * PageSize

// bulkResult is what became of one row of a bulk action: done, refused with the platform's
// NotValidated texts, or not sent (Error: not one of the company's, or a request the service
// refused before the core saw it).
type bulkResult struct {
	EquipmentNumber string
	Result          *actionResult
}

// containerBulk handles POST /console/containers/bulk: Accept, or Transfer to one party picked
// from the registry, of every row ticked in "My containers" (field row: "equipment/releaseId").
// Each row is one call of its own to service.ExecuteAll, all in one hand-over to the store, so one
// refusal never holds up the others; the list comes back with what became of each row. A row is
// looked up as the company sees its container (service.MyContainer), so a forged row of another
// company's container is "not one of your company's", exactly as on the container page.
func (c *Console) containerBulk(w http.ResponseWriter, r *http.Request) {
	caller := callerOf(r)
	back := url.Values{}
	if u, err := url.Parse(r.PostFormValue("back")); err == nil {
		back = u.Query() // only the list's query: the answer is always the list
	}
	// answer shows the list as it now stands, with what became of each row above it.
	answer := func(status int, results []bulkResult) {
		d, err := c.listing(r, back)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		d.Results = results
		for _, x := range results {
			if x.Result.Done {
				d.Done++
			} else {
				d.NotDone++
			}
		}
		c.showList(w, r, status, d)
	}
	action, rows := r.PostFormValue("action"), r.PostForm["row"]
	if action != release.ActionAccept && action != release.ActionTransfer {
		answer(http.StatusBadRequest, []bulkResult{{Result: &actionResult{Action: action,
			Error: "The field 'actionType' must be one of " + release.ActionAccept + ", " + release.ActionTransfer + "."}}})
		return
	}
	if len(rows) == 0 || len(rows) > MaxBulk {
		answer(http.StatusBadRequest, []bulkResult{{Result: &actionResult{Action: action,
			Error: i18n.New(langOf(r)).T("bulk.count", MaxBulk)}}})
		return
	}
	results := make([]bulkResult, len(rows))
	var calls []service.Call
	var sent []int // the result of each call
	for i, row := range rows {
		eq, id, _ := strings.Cut(row, "/")
		results[i] = bulkResult{EquipmentNumber: release.NormaliseCode(eq), Result: &actionResult{Action: action}}
		rt, err := c.myRight(r, eq, id)
		if err != nil {
			results[i].Result.Error = serviceMessage(err)
			continue
		}
		cmd, problem := rightCommand(rt, caller.Company.NxtEntityID, action, r.PostFormValue("releaseTo"), "")
		if problem != "" {
			results[i].Result.Error = problem
			continue
		}
		calls = append(calls, service.Call{Requests: []service.Request{{PortLoCode: rt.PortLoCode, EquipmentNumber: rt.Key.EquipmentNumber,
			Command: cmd, Body: formAudit(r)}}})
		sent = append(sent, i)
	}
	if len(calls) > 0 {
		outcomes, err := c.svc.ExecuteAll(r.Context(), caller, calls)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		for k, res := range outcomes {
			x := results[sent[k]].Result
			switch {
			case res.Err != nil:
				x.Error = serviceMessage(res.Err)
			default:
				x.Refused = refusals(res.Outcomes, caller.Company.NxtEntityID)
				x.Done = len(x.Refused) == 0
			}
		}
	}
	answer(http.StatusOK, results)
}

// myRight returns release id of container eq as the caller's company sees it.
func (c *Console) myRight(r *http.Request, eq, id string) (*release.Right, error) {
	v, err := c.svc.MyContainer(r.Context(), callerOf(r), c.opts.PortLoCode, eq)
	if err != nil {
		return nil, err
	}
	for _, rt := range v.Rights {
		if rt.ReleaseID == id {
			return rt, nil
		}
	}
	return nil, service.Errorf(service.CodeNotFound, "Release %s is not one of your company's.", id)
}

// refusals are the NotValidated texts the core sent company me in outcomes: what the API's caller
// would read in its notifications (service.Outcome reads the same back from the store).
func refusals(outcomes []release.Outcome, me string) []string {
	var texts []string
	for _, o := range outcomes {
		for _, n := range o.Notifications {
			if n.Event == release.EventNotValidated && n.ReceiverID == me {
				if s, ok := n.Body.(string); ok {
					texts = append(texts, s)
				}
			}
		}
	}
	return texts
}
