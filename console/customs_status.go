package console

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// customsStatusAction names the customs status in the result texts (actionName.CustomsStatus).
const customsStatusAction = "CustomsStatus"

// customsStatus handles POST /console/customs/{port}/{eq}: a customs status of the container, as
// the API's POST /ccrm/v1/{port}/containers/{eq}/customs-status builds it (api/customs.go):
// status and progress as the feed spells them, the bills of lading it concerns (none: the whole
// container), its source. Only the customs authority may send it, and which values hold is the
// core's to say (release/customs.go); a refusal shows its text.
func (c *Console) customsStatus(w http.ResponseWriter, r *http.Request) {
	f := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	typed := map[string]string{"status": f("status"), "progress": f("progress"), "billOfLadingNumbers": f("billOfLadingNumbers"), "source": f("source")}
	port, eq := release.NormaliseCode(r.PathValue("port")), release.NormaliseCode(r.PathValue("eq"))
	cmd := &release.CustomsStatus{PortLoCode: port, EquipmentNumber: eq, Status: strings.ToUpper(typed["status"]),
		Progress: strings.ToUpper(typed["progress"]), BillOfLadingNumbers: lines(typed["billOfLadingNumbers"]), Source: typed["source"]}
	var res actionResult
	if _, ok := canonicalAction(cmd.Source, append([]string{""}, release.CustomsSources...)); !ok {
		// As the API answers a source outside the feed's (api/customs.go): the core keeps it as given.
		res = actionResult{Action: customsStatusAction, Error: "The field 'source' must be one of " + strings.Join(release.CustomsSources, ", ") + "."}
	} else {
		res = c.execute(r, customsStatusAction, service.Request{PortLoCode: port, EquipmentNumber: eq, Command: cmd, Body: formAudit(r)})
	}
	if res.Done {
		http.Redirect(w, r, "/console/customs/"+url.PathEscape(port)+"/"+url.PathEscape(eq)+"?done="+customsStatusAction, http.StatusSeeOther)
		return
	}
	res.Form = typed
	c.showCustoms(w, r, http.StatusUnprocessableEntity, &res)
}
