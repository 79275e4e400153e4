package console

import "net/http"

// routes is the console's one route table. Every page but sign-in, the language switch and the
// static files needs a live session (requireSession); every POST passes the cross-origin
// protection in Handler.
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
	return mux
}

// home sends a signed-in user to their containers.
func (c *Console) home(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/console/containers", http.StatusSeeOther)
}
