package console

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/portlight/portlight/service"
)

// cookieName is the session cookie. With Secure it carries the __Host- prefix, which the browser
// accepts only from a secure origin, with Path=/ and no Domain.
const cookieName = "portlight_session"

// session is what the cookie holds, signed (HMAC-SHA256): nothing secret, and no server-side
// table, so any node that shares the key and the registry serves the user. Revocation is checked
// against the registry on every request (service.UserCaller), not in the cookie.
type session struct {
	Username  string `json:"u"`
	CompanyID string `json:"c"`
	SignedIn  int64  `json:"i"` // unix seconds: the absolute expiry counts from here
	LastSeen  int64  `json:"s"` // unix seconds: the idle expiry counts from here
	// Operator marks the port operator's session (no user, no company): the tag of the
	// operator's token it was opened with (operator.go).
	Operator string `json:"o,omitempty"`
}

type sessions struct {
	key          []byte
	secure       bool
	idle, maxAge time.Duration
}

func (s *sessions) name() string {
	if s.secure {
		return "__Host-" + cookieName
	}
	return cookieName
}

func (s *sessions) sign(payload []byte) string {
	m := hmac.New(sha256.New, s.key)
	m.Write(payload)
	return base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// read returns the request's session when its signature holds and neither expiry has passed.
func (s *sessions) read(r *http.Request, now time.Time) (session, bool) {
	ck, err := r.Cookie(s.name())
	if err != nil {
		return session{}, false
	}
	p, sig, ok := strings.Cut(ck.Value, ".")
	if !ok {
		return session{}, false
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	mac, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil {
		return session{}, false
	}
	m := hmac.New(sha256.New, s.key)
	m.Write(payload)
	if !hmac.Equal(mac, m.Sum(nil)) {
		return session{}, false
	}
	var ss session
	if json.Unmarshal(payload, &ss) != nil {
		return session{}, false
	}
	t := now.Unix()
	if t-ss.SignedIn >= int64(s.maxAge/time.Second) || t-ss.LastSeen >= int64(s.idle/time.Second) {
		return session{}, false
	}
	return ss, true
}

// write sets the cookie for ss. The cookie itself lives until the absolute expiry; the idle
// expiry is in the signed payload, renewed as the user goes on.
func (s *sessions) write(w http.ResponseWriter, ss session) {
	payload, _ := json.Marshal(ss)
	http.SetCookie(w, &http.Cookie{Name: s.name(), Value: s.sign(payload), Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, Expires: time.Unix(ss.SignedIn, 0).Add(s.maxAge)})
}

// renew writes ss again with its idle expiry counted from now, when it was last renewed more than
// a minute ago, so that an active user is not signed out by the idle expiry.
func (s *sessions) renew(w http.ResponseWriter, ss session, now time.Time) session {
	if now.Unix()-ss.LastSeen > 60 {
		ss.LastSeen = now.Unix()
		s.write(w, ss)
	}
	return ss
}

// clear removes the cookie (sign-out).
func (s *sessions) clear(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.name(), Value: "", Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

type callerKey struct{}

type sessionKey struct{}

// sessionOf returns the session of a request that went through requireSession.
func sessionOf(r *http.Request) session {
	ss, _ := r.Context().Value(sessionKey{}).(session)
	return ss
}

// expired reports whether a session read earlier (a live stream's) has passed its absolute
// expiry. The idle expiry does not end a stream: an open page is not idle.
func (c *Console) expired(ss session) bool {
	return c.now().Unix()-ss.SignedIn >= int64(c.sessions.maxAge/time.Second)
}

// userActive reports whether a user of a company is still active (not revoked).
func (c *Console) userActive(ctx context.Context, username, companyID string) bool {
	_, err := c.svc.UserCaller(ctx, username, companyID)
	return err == nil
}

// callerOf returns the signed-in caller of a request that went through requireSession.
func callerOf(r *http.Request) *service.Caller {
	c, _ := r.Context().Value(callerKey{}).(*service.Caller)
	return c
}

// requireSession lets a request through only with a live session of an active user, whose
// caller it puts in the request's context; others go to the sign-in page (htmx requests are told
// to go there with HX-Redirect, a live stream is refused); the operator's session goes to the
// operator pages. The session is renewed as it is used (sessions.renew).
func (c *Console) requireSession(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		now := c.now()
		ss, ok := c.sessions.read(r, now)
		if ok && ss.Operator != "" {
			http.Redirect(w, r, "/console/operator/", http.StatusSeeOther)
			return
		}
		var caller *service.Caller
		if ok {
			var err error
			if caller, err = c.svc.UserCaller(r.Context(), ss.Username, ss.CompanyID); err != nil {
				ok = false
			}
		}
		if !ok {
			c.sessions.clear(w)
			switch {
			case r.Header.Get("HX-Request") == "true":
				w.Header().Set("HX-Redirect", "/console/signin")
				w.WriteHeader(http.StatusUnauthorized)
			case r.Header.Get("Accept") == "text/event-stream":
				http.Error(w, "signed out", http.StatusUnauthorized)
			default:
				http.Redirect(w, r, "/console/signin", http.StatusSeeOther)
			}
			return
		}
		ss = c.sessions.renew(w, ss, now)
		ctx := context.WithValue(context.WithValue(r.Context(), callerKey{}, caller), sessionKey{}, ss)
		next(w, r.WithContext(ctx))
	}
}
