package bench

import (
	"context"
	"io"
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
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: dir, Sandbox: true, ShutdownTimeout: 5 * time.Second, ExpiryInterval: time.Minute}
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
