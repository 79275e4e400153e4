package console

import "net/http"

// channelDeleteConfirm handles GET /console/channels/{id}/delete: the question before a channel
// is deleted, a page of its own so that it needs no script.
func (c *Console) channelDeleteConfirm(w http.ResponseWriter, r *http.Request) {
	ch, err := c.svc.Channel(r.Context(), callerOf(r), r.PathValue("id"))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.render(w, http.StatusOK, "channel_delete", "", c.view(r, "channel.deleteTitle", "channels", ch))
}

// channelDelete handles POST /console/channels/{id}/delete (service.DeleteChannel): the channel
// and its waiting deliveries are gone; the notifications stay in the pull API.
func (c *Console) channelDelete(w http.ResponseWriter, r *http.Request) {
	if err := c.svc.DeleteChannel(r.Context(), callerOf(r), r.PathValue("id")); err != nil {
		c.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/console/channels?done=ChannelDelete", http.StatusSeeOther)
}
