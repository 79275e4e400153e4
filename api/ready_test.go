package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/service"
	"github.com/portlight/portlight/store/sqlite"
)

// TestReadyz: the readiness probe answers 200 while the database answers and 503 once it does not,
// without saying why.
func TestReadyz(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "portlight.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dir, err := identity.NewDirectory(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	key, err := identity.NewSigningKey(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := identity.NewTokens("http://portlight.test", []identity.SigningKey{key}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := New(service.New(st, dir, tokens, nil, service.Config{}, time.Now), Options{}).Handler()
	probe := func() (int, readiness) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		var body readiness
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("readyz body %q: %v", rec.Body, err)
		}
		return rec.Code, body
	}
	if code, body := probe(); code != http.StatusOK || body != (readiness{Status: "ready", Database: "ok"}) {
		t.Fatalf("readyz with the database up: %d %+v", code, body)
	}
	st.Close()
	if code, body := probe(); code != http.StatusServiceUnavailable || body != (readiness{Status: "unavailable", Database: "unreachable"}) {
		t.Fatalf("readyz with the database closed: %d %+v", code, body)
	}
}
