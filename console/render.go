package console

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/portlight/portlight/console/i18n"
	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

//go:embed templates/common/*.html templates/views/*.html
var templateFS embed.FS

// page is one view's template set: the common templates and the view's own file, which defines
// "content" (the page inside the layout) and any fragments htmx asks for by name.
type page struct{ t *template.Template }

func loadPages(a *assets) (map[string]*page, error) {
	funcs := template.FuncMap{
		"asset": func(name string) (string, error) {
			if u := a.url(name); u != "" {
				return u, nil
			}
			return "", fmt.Errorf("no embedded asset %q", name)
		},
		"colour": func(light release.LightName, value string) string {
			c, _ := release.ColourOf(light, value)
			return string(c)
		},
		"overall":    func(l release.Lights) string { return string(l.Overall()) },
		"lightNames": func() []release.LightName { return release.LightNames },
		"lightValue": func(l release.Lights, n release.LightName) string { return l.Get(n) },
		"time":       func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
		"join":       strings.Join,
		"add":        func(a, b int) int { return a + b },
		"lightArgs": func(l *i18n.Printer, n release.LightName, v string) lightArg {
			return lightArg{L: l, Name: n, Value: v}
		},
		"resultArgs": func(l *i18n.Printer, r *actionResult) resultArg { return resultArg{L: l, R: r} },
		"actionArgs": func(v view, r *release.Right) actionArg { return actionArg{V: v, R: r} },
		"releaseFieldsArgs": func(l *i18n.Printer, prefix string, values map[string]string, parties []identity.Company, update bool) releaseFieldsArg {
			return releaseFieldsArg{L: l, Prefix: prefix, Values: values, Parties: parties, Update: update}
		},
		"releaseDetailFields":   func() []string { return releaseFields[3:] },
		"terminalActions":       func() []string { return release.TerminalActions },
		"agentActions":          func() []string { return agentActions },
		"customsValues":         func() []string { return release.CustomsValues },
		"customsProgressValues": func() []string { return release.CustomsProgressValues },
		"customsSources":        func() []string { return release.CustomsSources },
		// notGreen lists the lights of a release that are not green: what a list shows, what still
		// stands between the container and the gate.
		"notGreen": func(l *i18n.Printer, lights release.Lights) []lightArg {
			var out []lightArg
			for _, n := range release.LightNames {
				if c, _ := release.ColourOf(n, lights.Get(n)); c != release.Green {
					out = append(out, lightArg{L: l, Name: n, Value: lights.Get(n)})
				}
			}
			return out
		},
		"lightsArgs": func(l *i18n.Printer, lights release.Lights) lightsArg { return lightsArg{L: l, Lights: lights} },
		"sub":        func(a, b int) int { return a - b },
	}
	common, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/common/*.html")
	if err != nil {
		return nil, err
	}
	views, err := fs.Glob(templateFS, "templates/views/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*page{}
	for _, v := range views {
		t, err := common.Clone()
		if err != nil {
			return nil, err
		}
		if t, err = t.ParseFS(templateFS, v); err != nil {
			return nil, err
		}
		pages[strings.TrimSuffix(path.Base(v), ".html")] = &page{t: t}
	}
	return pages, nil
}

// lightArg and lightsArg are what the "light", "lights" and "overall" templates show.
type lightArg struct {
	L     *i18n.Printer
	Name  release.LightName
	Value string
}

type resultArg struct {
	L *i18n.Printer
	R *actionResult
}

type actionArg struct {
	V view
	R *release.Right
}

type lightsArg struct {
	L      *i18n.Printer
	Lights release.Lights
}

// view is what every template gets: the printer of the user's language, the signed-in caller
// (nil before sign-in), the page's title key and its own data.
type view struct {
	L      *i18n.Printer
	Caller *service.Caller
	Title  string
	Nav    string
	Port   string
	// Path is the page's own address (the language switch comes back to it).
	Path string
	// Live is the address of the page's live stream (pages with live updates only).
	Live string
	Data any
}

// Company is the signed-in company's name, for the header.
func (v view) Company() string {
	if v.Caller == nil {
		return ""
	}
	return v.Caller.Company.Name
}

// Has reports whether the signed-in company has role r (which forms a page offers; the rules
// themselves are the core's, and refuse what a role may not do).
func (v view) Has(r release.Role) bool { return v.Caller != nil && v.Caller.Company.HasRole(r) }

func (c *Console) view(r *http.Request, title, nav string, data any) view {
	return view{L: i18n.New(langOf(r)), Caller: callerOf(r), Title: title, Nav: nav, Port: c.opts.PortLoCode, Path: r.URL.RequestURI(), Data: data}
}

// render writes a whole page (the layout around the view's "content"), or only the template
// named fragment when it is not "".
func (c *Console) render(w http.ResponseWriter, status int, name, fragment string, v view) {
	p, ok := c.pages[name]
	if !ok {
		slog.Error("console: no such page", "page", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	tmpl := "layout"
	if fragment != "" {
		tmpl = fragment
	}
	var b bytes.Buffer
	if err := p.t.ExecuteTemplate(&b, tmpl, v); err != nil {
		slog.Error("console: render", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = b.WriteTo(w)
}

// fail shows an error of the service on the error page, its message as the service words it
// (an internal error's details are logged, never shown).
func (c *Console) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := http.StatusInternalServerError, ""
	switch service.CodeOf(err) {
	case service.CodeNotFound:
		status = http.StatusNotFound
	case service.CodeForbidden:
		status = http.StatusForbidden
	case service.CodeUnauthorized:
		status = http.StatusForbidden
	case service.CodeInvalid, service.CodeMethodNotAllowed:
		status = http.StatusBadRequest
	case service.CodeTooManyRequests:
		status = http.StatusTooManyRequests
	default:
		slog.Error("console", "path", r.URL.Path, "err", err)
	}
	if status != http.StatusInternalServerError {
		msg = err.Error()
	}
	c.render(w, status, "error", "", c.view(r, "error.title", "", msg))
}
