package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"

	"github.com/portlight/portlight/service"
)

// HeaderIdempotencyKey is the header a client sends to make a mutating call safe to retry
// (service.BeginIdempotent).
const HeaderIdempotencyKey = "Idempotency-Key"

// MaxIdempotencyKey bounds the key's length.
const MaxIdempotencyKey = 255

// serveIdempotent answers a retry with the first answer of its key, or runs the call and keeps
// its answer, sealed (a new channel's answer holds its signing secret, shown once). Answers that say nothing of the call (a fault of ours, a rate limit) are not kept:
// a retry runs again.
func (a *API) serveIdempotent(w http.ResponseWriter, r *http.Request, rt route, caller *service.Caller, values []string) {
	if len(values) != 1 || !validIdempotencyKey(values[0]) {
		fail(w, r, rt.style, service.FieldError(HeaderIdempotencyKey,
			"The Idempotency-Key header must be one value of 1 to 255 printable ASCII characters."))
		return
	}
	key := values[0]
	raw, err := readBody(r)
	if err != nil {
		fail(w, r, rt.style, err)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(raw))
	call, stored, err := a.svc.BeginIdempotent(r.Context(), caller, key, fingerprint(r, raw))
	switch {
	case err != nil:
		fail(w, r, rt.style, err)
		return
	case stored != nil:
		body, err := a.sealer.Open(string(stored.Body), sealedFor(caller, key))
		if err != nil {
			fail(w, r, rt.style, err)
			return
		}
		replay(w, stored.Status, stored.Header, body)
		return
	}
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	switch {
	case call.Applied:
		// The call that held the key died after its commands were committed: they stand.
		accepted(rec, service.Receipt{PublicReferenceID: call.PublicReferenceID, ExternalReferenceID: externalRef(r)})
	default:
		r = r.WithContext(service.WithPublicReferenceID(r.Context(), call.PublicReferenceID))
		if err := rt.handle(rec, r, caller); err != nil {
			fail(rec, r, rt.style, err)
		}
	}
	// The answer is written: keeping it must not depend on the client still listening.
	ctx := context.WithoutCancel(r.Context())
	if rec.status >= http.StatusInternalServerError || rec.status == http.StatusTooManyRequests {
		err = a.svc.Abandon(ctx, call)
	} else {
		sealed := a.sealer.Seal(rec.body.Bytes(), sealedFor(caller, key))
		err = a.svc.Answer(ctx, call, rec.status, keptHeader(rec.Header()), []byte(sealed))
	}
	if err != nil {
		slog.Error("idempotency key not recorded", "method", r.Method, "path", r.URL.Path, "err", err)
	}
}

// validIdempotencyKey: 1 to MaxIdempotencyKey printable ASCII characters.
func validIdempotencyKey(k string) bool {
	if k == "" || len(k) > MaxIdempotencyKey {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// fingerprint identifies a call: its method, path, query and body.
func fingerprint(r *http.Request, body []byte) string {
	h := sha256.New()
	io.WriteString(h, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery+"\n")
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// keptHeader is the part of an answer's header a replay repeats.
func keptHeader(h http.Header) []byte {
	kept := http.Header{}
	for _, name := range []string{"Content-Type", "External-Reference-Id", "Location", "Www-Authenticate"} {
		if v := h.Values(name); len(v) > 0 {
			kept[name] = v
		}
	}
	b, _ := json.Marshal(kept)
	return b
}

// sealedFor is what a kept answer is sealed for: its company and key, so that it opens for no
// other.
func sealedFor(c *service.Caller, key string) string {
	return "idempotency-key:" + c.Company.NxtEntityID + "/" + key
}

// replay writes a kept answer again, saying that it is one (Idempotent-Replayed: true).
func replay(w http.ResponseWriter, status int, header, body []byte) {
	var h http.Header
	if json.Unmarshal(header, &h) == nil {
		for name, v := range h {
			w.Header()[name] = v
		}
	}
	w.Header().Set("Idempotent-Replayed", "true")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// recorder passes an answer through and keeps a copy of it.
type recorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
	body        bytes.Buffer
}

func (r *recorder) WriteHeader(status int) {
	if !r.wroteHeader {
		r.status, r.wroteHeader = status, true
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.wroteHeader {
		r.WriteHeader(http.StatusOK)
	}
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}
