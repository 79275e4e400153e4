package console

import (
	"encoding/json"
	"net/http"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// actionResult is what became of an action the user took, shown in place: done, refused with the
// platform's NotValidated texts, or not sent because the service refused the request itself
// (a missing field, a role that may not send it).
type actionResult struct {
	Action  string
	Done    bool
	Refused []string
	Error   string
	// Form is what was typed into the form named FormKey (containerPage.Forms), given back when
	// the action was not done.
	FormKey string
	Form    map[string]string
}

// execute sends requests through service.Execute, exactly as the API does, and reads back what
// the core decided: once Execute returns the outcome is committed, and a refusal is a NotValidated
// notification to the sender (service.Outcome).
func (c *Console) execute(r *http.Request, action string, reqs ...service.Request) actionResult {
	caller := callerOf(r)
	receipt, err := c.svc.Execute(r.Context(), caller, reqs, nil)
	if err != nil {
		return actionResult{Action: action, Error: serviceMessage(err)}
	}
	refused, err := c.svc.Outcome(r.Context(), caller, receipt)
	if err != nil {
		return actionResult{Action: action, Error: serviceMessage(err)}
	}
	return actionResult{Action: action, Done: len(refused) == 0, Refused: refused}
}

// serviceMessage is the text of a service error as the API would word it; an internal error's
// details stay in the log.
func serviceMessage(err error) string {
	if service.CodeOf(err) == service.CodeInternal {
		return "internal error"
	}
	return err.Error()
}

// companies are the registry's companies, by name, for the party pickers (none when the registry
// cannot be read: the pickers are then empty, the rest of the page stands).
func (c *Console) companies(r *http.Request) []identity.Company {
	cos, err := c.svc.Companies(r.Context(), callerOf(r))
	if err != nil {
		return nil
	}
	return cos
}

// transferParties are the companies of the registry a right can be transferred to by the caller:
// Release Parties and Transport Operators other than itself.
func (c *Console) transferParties(r *http.Request) []identity.Company {
	me := callerOf(r).Company.NxtEntityID
	var out []identity.Company
	for _, co := range c.companies(r) {
		if co.NxtEntityID != me && (co.HasRole(release.RoleReleaseParty) || co.HasRole(release.RoleTransportOperator)) {
			out = append(out, co)
		}
	}
	return out
}

// byNxtEntityID names a company in a command as the API's callers do, by its NxtEntityId.
func byNxtEntityID(id string) release.PartyRef {
	return release.PartyRef{IdentificationType: string(release.IDNxtEntityID), IdentificationCode: id}
}

// formAudit is the form as received, for the audit trail (the API keeps the body it received).
func formAudit(r *http.Request) []byte {
	b, _ := json.Marshal(r.PostForm)
	return b
}
