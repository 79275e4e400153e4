package service_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/sandbox"
	"github.com/portlight/portlight/service"
	"github.com/portlight/portlight/store/sqlite"
)

// sandboxService is a service at the fixed time now over a fresh SQLite store holding the sandbox's
// companies and terminals, with the store (to read what was kept) and the caller of each company.
func sandboxService(t *testing.T, now time.Time) (*service.Service, *sqlite.Store, func(id string) *service.Caller) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "portlight.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := sandbox.Seed(ctx, st, dir, "http://portlight.test", now); err != nil {
		t.Fatal(err)
	}
	reg, err := identity.NewDirectory(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	as := func(id string) *service.Caller {
		c, ok := reg.Company(ctx, id)
		if !ok {
			t.Fatalf("no sandbox company %s", id)
		}
		return &service.Caller{Company: c}
	}
	return service.New(st, reg, nil, nil, service.Config{}, func() time.Time { return now }), st, as
}
