package console

import (
	"context"
	"net/http"

	"github.com/portlight/portlight/delivery"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
	"github.com/portlight/portlight/store"
)

// channelRow is one channel of the list: the channel, its latest delivery (nil before the first)
// and whether it holds dead letters.
type channelRow struct {
	delivery.Channel
	Last *store.Delivery
	Dead bool
}

// State is how the channel is doing, in a word the catalogue has (channel.state.*): dead letters
// wait for a replay, the latest delivery is being retried, deliveries go through, or none yet. It
// only sums up what the deliveries log shows.
func (row channelRow) State() string {
	switch {
	case row.Dead:
		return "dead"
	case row.Last == nil:
		return "idle"
	case row.Last.Status == store.DeliveryPending && row.Last.Attempts > 0:
		return "retrying"
	}
	return "ok"
}

// channelList handles GET /console/channels: the company's notification channels
// (service.ChannelsOf), each with its latest delivery and whether dead letters wait.
func (c *Console) channelList(w http.ResponseWriter, r *http.Request) {
	caller := callerOf(r)
	chs, err := c.svc.ChannelsOf(r.Context(), caller)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	rows := make([]channelRow, 0, len(chs))
	for _, ch := range chs {
		row := channelRow{Channel: ch}
		if row.Last, row.Dead, err = c.channelHealth(r.Context(), caller, ch.ID); err != nil {
			c.fail(w, r, err)
			return
		}
		rows = append(rows, row)
	}
	var res *actionResult
	if done := r.URL.Query().Get("done"); done == "ChannelDelete" {
		res = &actionResult{Action: done, Done: true}
	}
	c.render(w, http.StatusOK, "channel_list", "", c.view(r, "channels.title", "channels", channelListData{Rows: rows, Result: res}))
}

// channelListData is the data of the channel list.
type channelListData struct {
	Rows   []channelRow
	Result *actionResult
}

// channelHealth reads a channel's latest delivery and whether it has a dead one: two pages of one
// delivery each (a company has a handful of channels: delivery.DefaultMaxChannels).
func (c *Console) channelHealth(ctx context.Context, caller *service.Caller, id string) (*store.Delivery, bool, error) {
	last, err := c.svc.ChannelDeliveries(ctx, caller, id, store.DeliveryQuery{Limit: 1})
	if err != nil || len(last) == 0 {
		return nil, false, err
	}
	dead := store.DeliveryDead
	deadOnes, err := c.svc.ChannelDeliveries(ctx, caller, id, store.DeliveryQuery{Status: &dead, Limit: 1})
	return &last[0], len(deadOnes) > 0, err
}

// MayHaveChannels reports whether the signed-in company may have notification channels (the
// service's senders table: release.CallChannels), for the navigation.
func (v view) MayHaveChannels() bool {
	return v.Caller != nil && service.Authorize(v.Caller, release.CallChannels) == nil
}
