package console

import "net/http"

// channelUpdate handles POST /console/channels/{id}: the channel replaced by what the form holds,
// as the API's PUT does (service.UpdateChannel): credentials left empty and masked header values
// are kept while the login they belong to stays the same.
func (c *Console) channelUpdate(w http.ResponseWriter, r *http.Request) {
	f, spec, err := channelSpec(r)
	if err == nil {
		if _, err = c.svc.UpdateChannel(r.Context(), callerOf(r), f.ID, spec); err == nil {
			http.Redirect(w, r, "/console/channels/"+f.ID+"?done=ChannelUpdate", http.StatusSeeOther)
			return
		}
	}
	c.refuseChannelForm(w, r, f, "ChannelUpdate", err)
}
