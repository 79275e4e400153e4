package console

import (
	"net/http"
)

// channelCreate handles POST /console/channels: a new notification channel of the company, as the
// API's POST /certified-pickup/v1/notification-channels makes it (service.CreateChannel). Made, the
// answer is the page with its signing secret, this once; refused, the form comes back with what
// was typed and the service's text in place.
func (c *Console) channelCreate(w http.ResponseWriter, r *http.Request) {
	f, spec, err := channelSpec(r)
	if err == nil {
		var ch channelMade
		if ch.Channel, err = c.svc.CreateChannel(r.Context(), callerOf(r), spec); err == nil {
			ch.Created = true
			c.showSecret(w, r, http.StatusCreated, ch)
			return
		}
	}
	c.refuseChannelForm(w, r, f, "ChannelCreate", err)
}
