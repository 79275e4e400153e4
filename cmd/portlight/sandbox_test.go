package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portlight/portlight/config"
	"github.com/portlight/portlight/sandbox"
	"github.com/portlight/portlight/server"
)

// startSandbox runs a sandbox node in this process on dataDir, as `serve --sandbox --data-dir`
// does, noting it for sandbox-env.
func startSandbox(t *testing.T, dataDir string) *server.Server {
	t.Helper()
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: dataDir, Sandbox: true, ShutdownTimeout: 5 * time.Second, ExpiryInterval: time.Minute}
	srv, err := server.Start(context.Background(), cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	if err := rememberSandbox(dataDir); err != nil {
		t.Fatal(err)
	}
	return srv
}

// sandboxEnv runs `portlight sandbox-env args...` in dir and returns its output.
func sandboxEnv(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	t.Chdir(dir)
	cmd := root()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(io.Discard)
	cmd.SetArgs(append([]string{"sandbox-env"}, args...))
	err := cmd.Execute()
	return out.String(), err
}

// TestSandboxEnvFindsTheRunningSandbox: the sandbox runs with --data-dir elsewhere, and
// sandbox-env is run without it from a directory that holds a stale ./portlight-data of an
// earlier run (its node gone), after a later sandbox (a test run's, in a directory with a space
// in its name) has come and gone: it speaks to the running sandbox and gets a token there.
func TestSandboxEnvFindsTheRunningSandbox(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	srv := startSandbox(t, filepath.Join(t.TempDir(), "docs-sandbox"))

	stale := &sandbox.Credentials{BaseURL: "http://127.0.0.1:1", TokenURL: "http://127.0.0.1:1/connect/token", PortLoCode: "BEANR"}
	gone := filepath.Join(t.TempDir(), "a test run")
	if err := sandbox.Write(gone, stale); err != nil {
		t.Fatal(err)
	}
	if err := rememberSandbox(gone); err != nil {
		t.Fatal(err)
	}
	if recent := recentSandboxes(); len(recent) != 2 || recent[0] != gone {
		t.Fatalf("recent sandboxes %q, want %q first of two", recent, gone)
	}
	work := t.TempDir()
	if err := sandbox.Write(filepath.Join(work, "portlight-data"), stale); err != nil {
		t.Fatal(err)
	}
	out, err := sandboxEnv(t, work, "NXT100000000001", "sa")
	if err != nil {
		t.Fatalf("sandbox-env: %v", err)
	}
	for _, want := range []string{"export SA_TOKEN='ey", "export SA_BASE_URL='" + srv.BaseURL + "'", "export SA_INGESTION_ID='"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestSandboxEnvNamedDataDir: a --data-dir given is taken as it is, and a wrong one is said so.
func TestSandboxEnvNamedDataDir(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	dataDir := filepath.Join(t.TempDir(), "named")
	srv := startSandbox(t, dataDir)
	out, err := sandboxEnv(t, t.TempDir(), "--data-dir", dataDir, "NXT300000000001", "RP")
	if err != nil || !strings.Contains(out, "export RP_BASE_URL='"+srv.BaseURL+"'") {
		t.Fatalf("sandbox-env --data-dir %s: %v\n%s", dataDir, err, out)
	}
	empty := t.TempDir()
	if _, err := sandboxEnv(t, t.TempDir(), "--data-dir", empty, "NXT300000000001", "RP"); err == nil || !strings.Contains(err.Error(), empty) {
		t.Errorf("sandbox-env on a data dir without a sandbox: %v", err)
	}
}

// TestSandboxEnvNoSandbox: nothing runs, so sandbox-env says what it tried and how to start one.
func TestSandboxEnvNoSandbox(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	_, err := sandboxEnv(t, t.TempDir(), "NXT100000000001", "SA")
	if err == nil || !strings.Contains(err.Error(), "no running sandbox found") || !strings.Contains(err.Error(), "portlight serve --sandbox") {
		t.Fatalf("sandbox-env without a sandbox: %v", err)
	}
	if _, err := os.Stat("portlight-data"); !os.IsNotExist(err) {
		t.Errorf("sandbox-env made ./portlight-data: %v", err)
	}
}

// TestBenchNoSandbox: a bench without --start looks for the running sandbox as sandbox-env does,
// and says what it tried.
func TestBenchNoSandbox(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	t.Chdir(t.TempDir())
	for _, args := range [][]string{{"bench", "gate-check"}, {"bench", "port-day"}, {"bench", "webhooks"}} {
		cmd := root()
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		cmd.SetArgs(args)
		if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), "no running sandbox found") {
			t.Errorf("%v without a sandbox: %v", args, err)
		}
	}
}
