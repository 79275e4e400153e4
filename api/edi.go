package api

import (
	"errors"
	"mime"
	"net/http"
	"strings"

	"github.com/portlight/portlight/edi"
	"github.com/portlight/portlight/service"
)

// ediContentTypes are the media types an interchange may be sent as (docs/edifact.md); a request
// that names none is taken too.
var ediContentTypes = []string{"application/edifact", "text/plain", "application/octet-stream"}

// postInterchange handles POST /edi/v1/{port}/interchanges: 202 with where each message stands,
// or 400 with the CONTRL that names a syntax fault (nothing of the interchange applied).
func (a *API) postInterchange(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	port := strings.ToUpper(r.PathValue("port"))
	if err := checkPort(port); err != nil {
		return err
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !contains(ediContentTypes, mt) {
			return service.Errorf(service.CodeInvalid, "Send the interchange as %s, not %s.", strings.Join(ediContentTypes[:2], " or "), ct)
		}
	}
	body, err := readBody(r)
	if err != nil {
		return err
	}
	answer, err := a.edi.Receive(r.Context(), c, port, body, externalRef(r))
	var fault *edi.SyntaxFault
	if errors.As(err, &fault) {
		writeEDIFACT(w, http.StatusBadRequest, fault.CONTRL)
		return nil
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, answer)
	return nil
}

// getAperak handles GET /edi/v1/{port}/interchanges/{publicReferenceId}/aperak.
func (a *API) getAperak(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	if err := checkPort(r.PathValue("port")); err != nil {
		return err
	}
	aperak, err := a.edi.Aperak(r.Context(), c, r.PathValue("publicReferenceId"))
	if err != nil {
		return err
	}
	writeEDIFACT(w, http.StatusOK, aperak)
	return nil
}

func writeEDIFACT(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/edifact; charset=iso-8859-1")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
