package console

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/portlight/portlight/delivery"
	"github.com/portlight/portlight/service"
	"github.com/portlight/portlight/store"
)

// DeliveriesPageSize is how many deliveries one page of a channel's log shows.
const DeliveriesPageSize = 25

// deliveryStatuses are the statuses the log filters by (store.DeliveryStatus), by the API's names.
var deliveryStatuses = []store.DeliveryStatus{store.DeliveryPending, store.DeliveryDelivered, store.DeliveryDead}

// channelPage is the data of one channel's page: the channel, a page of its deliveries log and
// what became of the last action.
type channelPage struct {
	delivery.Channel
	Deliveries []store.Delivery
	Statuses   []store.DeliveryStatus
	// Status is the status filter ("" for all); Older and Newest page the log ("" when there is
	// no such page).
	Status        string
	Older, Newest string
	Result        *actionResult
	// PreviousUntil is when the secret before the last rotation stops signing, while it still does.
	PreviousUntil *time.Time
}

// Headers are the channel's static headers as its company sees them (credential-like values
// masked), one "Name: value" a line.
func (p channelPage) Headers() string { return headerLines(p.ShownHeaders()) }

// channelView handles GET /console/channels/{id}: the channel (service.Channel) and its
// deliveries log (service.ChannelDeliveries), the newest first, filtered by status and paged by
// "before" as the API's GET .../deliveries is.
func (c *Console) channelView(w http.ResponseWriter, r *http.Request) {
	var res *actionResult
	if done := r.URL.Query().Get("done"); done == "ChannelUpdate" || done == "Replay" {
		res = &actionResult{Action: done, Done: true}
	}
	c.showChannel(w, r, http.StatusOK, res)
}

// showChannel renders the channel's page with the result of an action, if any.
func (c *Console) showChannel(w http.ResponseWriter, r *http.Request, status int, res *actionResult) {
	caller, id, qs := callerOf(r), r.PathValue("id"), r.URL.Query()
	ch, err := c.svc.Channel(r.Context(), caller, id)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	p := channelPage{Channel: ch, Statuses: deliveryStatuses, Result: res}
	if until := ch.PreviousSecretUntil(); c.now().Before(until) {
		p.PreviousUntil = &until
	}
	q := store.DeliveryQuery{Limit: DeliveriesPageSize}
	for _, st := range deliveryStatuses {
		if qs.Get("status") == st.String() {
			q.Status, p.Status = &st, st.String()
		}
	}
	if b, err := strconv.ParseInt(qs.Get("before"), 10, 64); err == nil && b > 0 {
		q.BeforeSeq = b
	}
	if p.Deliveries, err = c.svc.ChannelDeliveries(r.Context(), caller, id, q); err != nil {
		c.fail(w, r, err)
		return
	}
	link := func(before int64) string {
		v := url.Values{}
		if p.Status != "" {
			v.Set("status", p.Status)
		}
		if before > 0 {
			v.Set("before", strconv.FormatInt(before, 10))
		}
		if len(v) == 0 {
			return "/console/channels/" + id
		}
		return "/console/channels/" + id + "?" + v.Encode()
	}
	if len(p.Deliveries) == DeliveriesPageSize {
		p.Older = link(p.Deliveries[len(p.Deliveries)-1].Seq)
	}
	if q.BeforeSeq > 0 {
		p.Newest = link(0)
	}
	c.render(w, status, "channel_view", "", c.view(r, "channel.title", "channels", p))
}

// channelFailed shows the channel's page with a refusal of the service in place, or the error
// page when there is no such channel of the company.
func (c *Console) channelFailed(w http.ResponseWriter, r *http.Request, action string, err error) {
	if code := service.CodeOf(err); code == service.CodeNotFound || code == service.CodeInternal {
		c.fail(w, r, err)
		return
	}
	c.showChannel(w, r, statusOf(err), &actionResult{Action: action, Error: serviceMessage(err)})
}
