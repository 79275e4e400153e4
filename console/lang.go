package console

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/portlight/portlight/console/i18n"
)

const langCookie = "portlight_lang"

// langOf is the language of a request: the one the user chose (a cookie), else the first of the
// browser's languages the console speaks, else English.
func langOf(r *http.Request) i18n.Lang {
	if ck, err := r.Cookie(langCookie); err == nil {
		if l, ok := i18n.Parse(ck.Value); ok {
			return l
		}
	}
	return i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
}

// setLang handles POST /console/lang: remembers the chosen language and goes back to the page
// the switch was on (a path of the console only).
func (c *Console) setLang(w http.ResponseWriter, r *http.Request) {
	l, _ := i18n.Parse(r.PostFormValue("lang"))
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(l), Path: "/console/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: c.opts.Secure, SameSite: http.SameSiteLaxMode})
	back := "/console/"
	if u, err := url.Parse(r.PostFormValue("back")); err == nil && u.Host == "" && u.Scheme == "" && strings.HasPrefix(u.Path, "/console/") {
		back = u.RequestURI()
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}
