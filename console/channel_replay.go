package console

import "net/http"

// channelReplay handles POST /console/channels/{id}/deliveries/{delivery}/replay: a dead letter of
// the channel queued again (service.ReplayDelivery); the service refuses what is not dead, shown
// in place on the channel's page.
func (c *Console) channelReplay(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := c.svc.ReplayDelivery(r.Context(), callerOf(r), id, r.PathValue("delivery")); err != nil {
		c.channelFailed(w, r, "Replay", err)
		return
	}
	http.Redirect(w, r, "/console/channels/"+id+"?done=Replay", http.StatusSeeOther)
}
