package console

import (
	"net/http"
	"strings"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// agentActions are the Shipping Agent's commands on a release it made, besides Release and Update.
var agentActions = []string{release.ActionBlock, release.ActionUnblock, release.ActionRevoke, release.ActionDelete}

// containerIngestion handles POST /console/containers/{port}/{eq}/commercial-release: the
// Shipping Agent's Block, Unblock, Revoke or Delete of one release, as the API's POST
// /ingestion/v1/ingestion/{ingestionId} builds it (api/ingestion.go): the release's key and
// terminal, and a reason; nothing else, as Unblock and Delete require.
func (c *Console) containerIngestion(w http.ResponseWriter, r *http.Request) {
	rt, ok := c.findRight(w, r)
	if !ok {
		return
	}
	action, ok := canonicalAction(r.PostFormValue("action"), agentActions)
	if !ok {
		c.showContainer(w, r, http.StatusBadRequest, &actionResult{Action: action,
			Error: "The field 'actionType' must be one of " + strings.Join(agentActions, ", ") + "."})
		return
	}
	cmd := &release.Ingestion{ActionType: action, PortLoCode: rt.PortLoCode, Key: rt.Key, TerminalCode: rt.Terminal.Code,
		Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	c.respond(w, r, c.execute(r, action, service.Request{PortLoCode: rt.PortLoCode, EquipmentNumber: rt.Key.EquipmentNumber,
		Command: cmd, Body: formAudit(r)}))
}

// canonicalAction returns the action of allowed that s names exactly.
func canonicalAction(s string, allowed []string) (string, bool) {
	for _, a := range allowed {
		if a == s {
			return a, true
		}
	}
	return s, false
}
