package console

import "net/http"

// routes is the console's one route table. Every page but sign-in, the language switch and the
// static files needs a live session (requireSession), the operator's pages the operator's
// (requireOperator); every POST passes the cross-origin protection in Handler.
func (c *Console) routes() http.Handler {
	mux := http.NewServeMux()
	s := c.requireSession
	mux.HandleFunc("GET /console/static/", c.assets.serve)
	mux.HandleFunc("GET /console/{$}", s(c.home))
	mux.HandleFunc("GET /console/signin", c.signInPage)
	mux.HandleFunc("POST /console/signin", c.signIn)
	mux.HandleFunc("POST /console/signout", c.signOut)
	mux.HandleFunc("POST /console/lang", c.setLang)

	mux.HandleFunc("GET /console/containers", s(c.containerList))
	mux.HandleFunc("POST /console/containers/bulk", s(c.containerBulk))
	mux.HandleFunc("GET /console/containers/{port}/{eq}", s(c.containerView))
	mux.HandleFunc("GET /console/release", s(c.releaseForm))
	mux.HandleFunc("POST /console/release", s(c.releaseSubmit))
	mux.HandleFunc("POST /console/containers/{port}/{eq}/release-right", s(c.containerRightAction))
	mux.HandleFunc("POST /console/containers/{port}/{eq}/pickup-right", s(c.containerPickup))
	mux.HandleFunc("POST /console/containers/{port}/{eq}/terminal-event", s(c.containerTerminalEvent))
	mux.HandleFunc("POST /console/containers/{port}/{eq}/commercial-release", s(c.containerIngestion))
	mux.HandleFunc("POST /console/containers/{port}/{eq}/update", s(c.containerUpdate))
	mux.HandleFunc("GET /console/customs", s(c.customsLookup))
	mux.HandleFunc("GET /console/customs/{port}/{eq}", s(c.customsView))
	mux.HandleFunc("POST /console/customs/{port}/{eq}", s(c.customsStatus))
	mux.HandleFunc("GET /console/gate", s(c.gateScreen))
	mux.HandleFunc("GET /console/events", s(c.events))

	mux.HandleFunc("GET /console/channels", s(c.channelList))
	mux.HandleFunc("GET /console/channels/new", s(c.channelNew))
	mux.HandleFunc("POST /console/channels", s(c.channelCreate))
	mux.HandleFunc("GET /console/channels/{id}", s(c.channelView))
	mux.HandleFunc("GET /console/channels/{id}/edit", s(c.channelEdit))
	mux.HandleFunc("POST /console/channels/{id}", s(c.channelUpdate))
	mux.HandleFunc("GET /console/channels/{id}/delete", s(c.channelDeleteConfirm))
	mux.HandleFunc("POST /console/channels/{id}/delete", s(c.channelDelete))
	mux.HandleFunc("POST /console/channels/{id}/rotate-secret", s(c.channelRotate))
	mux.HandleFunc("POST /console/channels/{id}/deliveries/{delivery}/replay", s(c.channelReplay))

	// The port operator's pages (operator.go): 404 without an operator token.
	op := c.requireOperator
	mux.HandleFunc("GET /console/operator/signin", c.operatorOn(c.operatorSignInPage))
	mux.HandleFunc("POST /console/operator/signin", c.operatorOn(c.operatorSignIn))
	mux.HandleFunc("GET /console/operator/{$}", op(c.operatorHome))
	mux.HandleFunc("GET /console/operator/companies", op(c.operatorCompanies))
	mux.HandleFunc("POST /console/operator/companies", op(c.operatorCompanySave))
	mux.HandleFunc("POST /console/operator/companies/{id}/ingestion-id", op(c.operatorIngestionRotate))
	mux.HandleFunc("GET /console/operator/companies/{id}", op(c.operatorCompany))
	mux.HandleFunc("POST /console/operator/companies/{id}/users", op(c.operatorUserCreate))
	mux.HandleFunc("POST /console/operator/companies/{id}/users/revoke", op(c.operatorUserRevoke))
	mux.HandleFunc("POST /console/operator/companies/{id}/clients", op(c.operatorClientCreate))
	mux.HandleFunc("POST /console/operator/companies/{id}/clients/revoke", op(c.operatorClientRevoke))
	mux.HandleFunc("POST /console/operator/companies/{id}/subscription-keys", op(c.operatorKeyCreate))
	mux.HandleFunc("POST /console/operator/companies/{id}/subscription-keys/revoke", op(c.operatorKeyRevoke))
	mux.HandleFunc("GET /console/operator/terminals", op(c.operatorTerminals))
	mux.HandleFunc("POST /console/operator/terminals", op(c.operatorTerminalSave))
	mux.HandleFunc("POST /console/operator/terminals/delete", op(c.operatorTerminalDelete))
	return mux
}

// home sends a signed-in user to their containers.
func (c *Console) home(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/console/containers", http.StatusSeeOther)
}
