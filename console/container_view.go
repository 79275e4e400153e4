package console

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// containerPage is the data of one container's page.
type containerPage struct {
	PortLoCode      string
	EquipmentNumber string
	Rights          []*release.Right
	Facts           release.Facts
	Notifications   []notificationRow
	Me              string
	// Parties are the companies a right can be transferred to (Release Parties and Transport
	// Operators), for the transfer form.
	Parties []identity.Company
	Result  *actionResult
	// Now is the time the page is made at: which action forms apply is the core's to say of a
	// right at a time (release/offers.go).
	Now time.Time
	// History holds, per release and light, the light's changes, oldest first (service.LightHistory).
	History map[string]map[release.LightName][]service.LightChange
	// Forms are the values of the forms of the page that are filled in ("update-" and "pickup-"
	// and the release id): what the release holds, or what was typed when it was refused.
	Forms map[string]map[string]string
}

// notificationRow is one notification the company received about the container, its JSON the
// pull API's, indented.
type notificationRow struct {
	StoredOn, Type, Event string
	Pretty                string
}

// containerView handles GET /console/containers/{port}/{eq}: what the company may see of one
// container (service.MyContainer). An htmx request (the live updates) gets the container only.
func (c *Console) containerView(w http.ResponseWriter, r *http.Request) {
	var res *actionResult
	if done := r.URL.Query().Get("done"); done != "" {
		res = &actionResult{Action: done, Done: true}
	}
	c.showContainer(w, r, http.StatusOK, res)
}

// showContainer renders the container page with the result of an action, if any.
func (c *Console) showContainer(w http.ResponseWriter, r *http.Request, status int, res *actionResult) {
	caller := callerOf(r)
	v, err := c.svc.MyContainer(r.Context(), caller, r.PathValue("port"), r.PathValue("eq"))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	history, err := c.svc.LightHistory(r.Context(), caller, v.PortLoCode, v.EquipmentNumber)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d := containerPage{PortLoCode: v.PortLoCode, EquipmentNumber: v.EquipmentNumber, Rights: v.Rights, Facts: v.Facts,
		Me: caller.Company.NxtEntityID, Result: res, Now: c.now().UTC(),
		History: map[string]map[release.LightName][]service.LightChange{}, Forms: map[string]map[string]string{}}
	for _, h := range history {
		if d.History[h.ReleaseID] == nil {
			d.History[h.ReleaseID] = map[release.LightName][]service.LightChange{}
		}
		d.History[h.ReleaseID][h.Light] = append(d.History[h.ReleaseID][h.Light], h)
	}
	for _, rt := range v.Rights {
		if rt.Originator.NxtEntityID == d.Me {
			d.Forms["update-"+rt.ReleaseID] = releaseValuesOf(rt)
		}
		if rt.Owner.NxtEntityID == d.Me {
			d.Forms["pickup-"+rt.ReleaseID] = pickupValuesOf(rt.Pickup)
		}
	}
	if res != nil && res.Form != nil {
		d.Forms[res.FormKey] = res.Form
	}
	for _, n := range v.Notifications {
		var b bytes.Buffer
		if json.Indent(&b, n.Message, "", "  ") != nil {
			b.Reset()
			b.Write(n.Message)
		}
		d.Notifications = append(d.Notifications, notificationRow{StoredOn: n.StoredOn.UTC().Format(release.TimestampLayout),
			Type: n.Type, Event: n.Event, Pretty: b.String()})
	}
	for _, co := range c.companies(r) {
		if co.NxtEntityID != d.Me && (co.HasRole(release.RoleReleaseParty) || co.HasRole(release.RoleTransportOperator)) {
			d.Parties = append(d.Parties, co)
		}
	}
	slices.Reverse(d.Rights) // newest release first
	fragment := ""
	if r.Header.Get("HX-Request") == "true" && res == nil {
		fragment = "container"
	}
	page := c.view(r, "container.title", "containers", d)
	if fragment == "" {
		page.Live = c.liveURL(r)
	}
	c.render(w, status, "container_view", fragment, page)
}
