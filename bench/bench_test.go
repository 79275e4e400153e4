package bench

import (
	"context"
	"io"
	"maps"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/portlight/portlight/config"
	"github.com/portlight/portlight/sandbox"
	"github.com/portlight/portlight/server"
)

// startSandbox runs a sandbox node in this process for the test.
func startSandbox(t *testing.T) *Port {
	t.Helper()
	dir := t.TempDir()
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: dir, Sandbox: true, SandboxEmpty: true, ShutdownTimeout: 5 * time.Second, ExpiryInterval: time.Minute}
	srv, err := server.Start(context.Background(), cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	creds, err := sandbox.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	return NewPort(creds)
}

// TestGateCheckBenchmarkRuns runs the gate-check benchmark for a moment against a sandbox and
// checks that every call was answered as expected (ready containers allowed).
func TestGateCheckBenchmarkRuns(t *testing.T) {
	p := startSandbox(t)
	results, err := GateCheck(context.Background(), p, GateCheckOptions{Rights: 300, Ready: 30, Rate: 300, Duration: 2 * time.Second, Workers: 16})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		t.Log(r)
		if r.Errors > 0 || r.Sent == 0 {
			t.Errorf("%s: %d errors of %d (first: %s)", r.Name, r.Errors, r.Sent, r.FirstErr)
		}
	}
	if checks := results[len(results)-1]; checks.Sent < 500 {
		t.Errorf("gate check sent only %d calls in 2 s at 300/s", checks.Sent)
	}
}

// TestRightsListBenchmarkRuns stores a small history, checks that every company's rights list
// holds what the history says, that the drawn queries answer the pages they ask for, and runs the
// rights-list reads for a moment without an error.
func TestRightsListBenchmarkRuns(t *testing.T) {
	p := startSandbox(t)
	ctx := context.Background()
	const n = 400
	hist := p.NewHistory(n)
	h, err := StoreHistory(ctx, p, hist, 16)
	if err != nil {
		t.Fatal(err)
	}
	if h.Commands != n+n*5/10 { // releases, 30% forwarder accepts, 10% transfers, 10% haulier accepts
		t.Errorf("the history counted %d commands, want %d", h.Commands, n+n*5/10)
	}
	totals, err := ListTotals(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if want := ExpectedListTotals(n); !maps.Equal(totals, want) {
		t.Fatalf("rights lists hold %v, want %v", totals, want)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	seen := map[string]bool{}
	for range 200 {
		company := listers[rng.IntN(len(listers))]
		q, kind := listQuery(rng, company, totals[company], hist)
		if seen[kind] {
			continue
		}
		seen[kind] = true
		page, err := p.listPage(ctx, company, q, true)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if len(page.ReleaseRights) == 0 || page.TotalRows == 0 {
			t.Errorf("%s as %s (%s): an empty page of %d rows", kind, company, q.Encode(), page.TotalRows)
		}
		if kind == "equipment" && page.TotalRows != 1 {
			t.Errorf("the equipment filter %s found %d rights, want 1", q.Get("equipmentnumberfilter"), page.TotalRows)
		}
	}
	if len(seen) != 4 {
		t.Errorf("drew the kinds %v, want 4", seen)
	}
	r := RightsLists(ctx, p, totals, RightsListOptions{Rate: 50, Duration: 2 * time.Second, Workers: 4, History: hist})
	t.Log(r.Result, r.ByKind)
	if r.Errors > 0 || r.Sent == 0 {
		t.Errorf("rights lists: %d errors of %d (first: %s)", r.Errors, r.Sent, r.FirstErr)
	}
}
