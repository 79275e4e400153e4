package console

import (
	"net/http"
	"time"

	"github.com/portlight/portlight/delivery"
)

// channelMade is a channel whose signing secret the company sees this once: just created, or
// just given a new secret.
type channelMade struct {
	delivery.Channel
	Created bool
	// PreviousUntil is when the secret before a rotation stops signing (zero after a creation).
	PreviousUntil time.Time
}

// Secret is the channel's signing secret.
func (m channelMade) Secret() string { return m.SigningSecret() }

// showSecret answers the request that made a secret with the page that shows it. The secret is
// in this answer only (not cacheable: render sets no-store): never in a session, a URL or a
// later page, as the API shows it only in the answer to the creation and to the rotation.
func (c *Console) showSecret(w http.ResponseWriter, r *http.Request, status int, m channelMade) {
	v := c.view(r, "channel.secretTitle", "channels", m)
	v.Path = "/console/channels/" + m.ID // the language switch goes to the channel, not to this POST
	c.render(w, status, "channel_secret", "", v)
}

// channelRotate handles POST /console/channels/{id}/rotate-secret: a new signing secret
// (service.RotateChannelSecret), shown once; the previous one keeps signing for a grace period.
func (c *Console) channelRotate(w http.ResponseWriter, r *http.Request) {
	ch, err := c.svc.RotateChannelSecret(r.Context(), callerOf(r), r.PathValue("id"))
	if err != nil {
		c.channelFailed(w, r, "ChannelRotate", err)
		return
	}
	c.showSecret(w, r, http.StatusOK, channelMade{Channel: ch, PreviousUntil: ch.PreviousSecretUntil()})
}
