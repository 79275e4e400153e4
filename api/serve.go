package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/portlight/portlight/service"
)

// serve is what every call passes once authenticated, whatever its route: the rate limit of its
// subscription, then its handler, through serveIdempotent when it changes something and carries
// an Idempotency-Key.
func (a *API) serve(w http.ResponseWriter, r *http.Request, rt route, caller *service.Caller) {
	if caller != nil {
		if ok, retry := a.limiter.Allow(caller.Subscription, time.Now()); !ok {
			fail(w, r, rt.style, &service.Error{Code: service.CodeTooManyRequests, RetryAfter: retry,
				Message: fmt.Sprintf("Rate limit is exceeded. Try again in %d seconds.", int(retry.Seconds()+0.999))})
			return
		}
		if key, ok := r.Header[HeaderIdempotencyKey]; ok && mutating(r.Method) {
			a.serveIdempotent(w, r, rt, caller, key)
			return
		}
	}
	if err := rt.handle(w, r, caller); err != nil {
		fail(w, r, rt.style, err)
	}
}

// mutating reports whether a method changes something: the calls an Idempotency-Key applies to.
func mutating(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}
