package console

import (
	"net/http"
	"strings"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// containerTerminalEvent handles POST /console/containers/{port}/{eq}/terminal-event: a Terminal
// Operator's Discharge, Release, Block, SelectForScan, CustomsOverwrite or GateOut of one release,
// as the API's POST .../import/terminal-events builds it (api/terminal.go), the release named by
// its key so that the event concerns the one the form is on. Only the terminal's operator (or, for
// CustomsOverwrite, the release's Shipping Agent) may: the core says so (release/terminal.go), and
// its NotValidated text is shown.
func (c *Console) containerTerminalEvent(w http.ResponseWriter, r *http.Request) {
	rt, ok := c.findRight(w, r)
	if !ok {
		return
	}
	action := r.PostFormValue("action")
	cmd := &release.TerminalEvent{ActionType: action, PortLoCode: rt.PortLoCode, EquipmentNumber: rt.Key.EquipmentNumber,
		TerminalCode: rt.Terminal.Code, BillOfLadingNumbers: rt.Key.BillOfLadingNumbers, ReleaseIdentification: rt.Key.ReleaseIdentification,
		Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	c.respond(w, r, c.execute(r, "Terminal"+action, service.Request{PortLoCode: rt.PortLoCode, EquipmentNumber: rt.Key.EquipmentNumber,
		Command: cmd, Body: formAudit(r)}))
}
