package console

import (
	"net/http"
	"strings"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// findRight returns the release of the container page the form names (by releaseId), as the
// company sees it, or an error page when it is not one of the company's.
func (c *Console) findRight(w http.ResponseWriter, r *http.Request) (*release.Right, bool) {
	v, err := c.svc.MyContainer(r.Context(), callerOf(r), r.PathValue("port"), r.PathValue("eq"))
	if err != nil {
		c.fail(w, r, err)
		return nil, false
	}
	id := r.PostFormValue("releaseId")
	for _, rt := range v.Rights {
		if rt.ReleaseID == id {
			return rt, true
		}
	}
	c.fail(w, r, service.Errorf(service.CodeNotFound, "Release %s is not one of your company's.", id))
	return nil, false
}

// containerRightAction handles POST /console/containers/{port}/{eq}/release-right: Transfer,
// Accept, Decline or Revoke of one Release Right (rightCommand) on the right the form is on.
func (c *Console) containerRightAction(w http.ResponseWriter, r *http.Request) {
	rt, ok := c.findRight(w, r)
	if !ok {
		return
	}
	action := r.PostFormValue("action")
	cmd, problem := rightCommand(rt, callerOf(r).Company.NxtEntityID, action, r.PostFormValue("releaseTo"), r.PostFormValue("reason"))
	if problem != "" {
		c.showContainer(w, r, http.StatusBadRequest, &actionResult{Action: action, Error: problem})
		return
	}
	c.respond(w, r, c.execute(r, action, service.Request{PortLoCode: rt.PortLoCode, EquipmentNumber: rt.Key.EquipmentNumber,
		Command: cmd, Body: formAudit(r)}))
}

// rightCommand builds the Transfer, Accept, Decline or Revoke of right rt that company me sends, as
// the API's PUT .../import/release-rights builds it (api/releaserights.go). The key, the terminal
// and the parties the API's caller types in come from the right: releaseFrom and releaseTo of the
// hop the action answers, or me and the party picked (releaseTo) for a transfer. Whether me may
// do it is the core's to say. problem is the API's text for a request it would not send.
func rightCommand(rt *release.Right, me, action, releaseTo, reason string) (cmd *release.RightAction, problem string) {
	cmd = &release.RightAction{ActionType: action, PortLoCode: rt.PortLoCode, Key: rt.Key, TerminalCode: rt.Terminal.Code,
		ReasonForAction: strings.TrimSpace(reason)}
	switch action {
	case release.ActionTransfer:
		cmd.ReleaseFrom, cmd.ReleaseTo = byNxtEntityID(me), byNxtEntityID(strings.TrimSpace(releaseTo))
	case release.ActionAccept, release.ActionDecline:
		cmd.ReleaseFrom, cmd.ReleaseTo = byNxtEntityID(rt.Owner.NxtEntityID), byNxtEntityID(me)
	case release.ActionRevoke:
		to := me
		if rt.PendingTo != nil {
			to = rt.PendingTo.NxtEntityID
		}
		cmd.ReleaseFrom, cmd.ReleaseTo = byNxtEntityID(me), byNxtEntityID(to)
	default:
		return nil, "The field 'actionType' must be one of " + strings.Join(release.RightActions, ", ") + "."
	}
	if cmd.ReleaseTo.IdentificationCode == "" {
		return nil, "Missing required field(s): releaseTo"
	}
	return cmd, ""
}

// respond shows the container page after an action: a redirect to it when the action was done
// (so that reloading does not send it again), the page with the refusal in place otherwise.
func (c *Console) respond(w http.ResponseWriter, r *http.Request, res actionResult) {
	if res.Done {
		http.Redirect(w, r, "/console/containers/"+r.PathValue("port")+"/"+r.PathValue("eq")+"?done="+res.Action, http.StatusSeeOther)
		return
	}
	c.showContainer(w, r, http.StatusUnprocessableEntity, &res)
}
