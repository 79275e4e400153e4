package console

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// staticFS holds the shipped assets: the vendored htmx, its SSE extension and Pico (see
// static/vendor/README.md), and the console's own stylesheet. Licences and the test-only axe-core
// stay out of the binary.
//
//go:embed static/vendor/*.js static/vendor/*.css static/*.css
var staticFS embed.FS

// asset is one embedded file, served under a path that holds its checksum.
type asset struct {
	body        []byte
	contentType string
}

// assets maps every embedded file to a path under /console/static/ that carries the first 16 hex
// digits of its SHA-256: a changed file gets a new address, so every address can be cached
// forever (Cache-Control immutable) and a new release never meets a stale copy.
type assets struct {
	byName map[string]string // "vendor/htmx.min.js" -> "/console/static/3f5a.../vendor/htmx.min.js"
	byPath map[string]asset
	total  int
}

func loadAssets() (*assets, error) {
	a := &assets{byName: map[string]string{}, byPath: map[string]asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		name := strings.TrimPrefix(p, "static/")
		url := "/console/static/" + hex.EncodeToString(sum[:8]) + "/" + name
		a.byName[name] = url
		a.byPath[url] = asset{body: body, contentType: mime.TypeByExtension(path.Ext(name))}
		a.total += len(body)
		return nil
	})
	return a, err
}

// url returns the checksummed address of an embedded file ("" for an unknown one, which the
// tests catch: every page's assets must load).
func (a *assets) url(name string) string { return a.byName[name] }

// serve answers GET /console/static/{sum}/{name...}.
func (a *assets) serve(w http.ResponseWriter, r *http.Request) {
	f, ok := a.byPath[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(f.body)
}
