// Package e2e drives the real portlight binary over HTTP, as an integrator would.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/portlight/portlight/client"
	"github.com/portlight/portlight/delivery"
	"github.com/portlight/portlight/internal/pgtest"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/sandbox"
	"github.com/portlight/portlight/store"
	"github.com/portlight/portlight/store/postgres"
	"github.com/portlight/portlight/store/sqlite"
)

// binary is the portlight executable built once for all tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "portlight-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "portlight")
	build := exec.Command("go", "build", "-o", binary, "github.com/portlight/portlight/cmd/portlight")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building portlight:", err)
		os.Exit(1)
	}
	http.DefaultTransport = contractTransport{next: http.DefaultTransport}
	code := m.Run()
	os.RemoveAll(dir)
	if !reportViolations() && code == 0 {
		code = 1
	}
	os.Exit(code)
}

// node is a running portlight serve process.
type node struct {
	cmd     *exec.Cmd
	dataDir string
	dbURL   string // its PostgreSQL database; empty: SQLite in dataDir
	creds   *sandbox.Credentials
	log     *strings.Builder
	exited  chan struct{}
}

// envDatabase chooses the store every node runs on: PORTLIGHT_E2E_DATABASE=postgres runs the whole
// suite on PostgreSQL (a fresh database per data dir, on the server internal/pgtest names);
// anything else, SQLite in the node's data dir.
const envDatabase = "PORTLIGHT_E2E_DATABASE"

func onPostgres() bool { return strings.EqualFold(os.Getenv(envDatabase), "postgres") }

var (
	databasesMu sync.Mutex
	databases   = map[string]string{} // data dir → its PostgreSQL database
)

// databaseFor is the database of the nodes on dataDir: none on SQLite; on PostgreSQL a fresh one
// the first time (dropped when t ends), the same one when a node restarts on the data dir.
func databaseFor(t *testing.T, dataDir string) string {
	t.Helper()
	if !onPostgres() {
		return ""
	}
	databasesMu.Lock()
	defer databasesMu.Unlock()
	if u, ok := databases[dataDir]; ok {
		return u
	}
	u := pgtest.NewDatabase(t)
	databases[dataDir] = u
	return u
}

// secretKeyFor is the key file that seals the notification channels' secrets on database dbURL:
// every node of one database must share it (`--secret-key-file`, required with PostgreSQL).
func secretKeyFor(t *testing.T, dbURL string) string {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(filepath.Dir(binary), "keys", strings.Trim(u.Path, "/")+".key")
	if _, err := delivery.LoadOrCreateKey(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// startNode runs `portlight serve --sandbox --addr 127.0.0.1:0` on dataDir (and its database, see
// envDatabase) and waits until it answers.
func startNode(t *testing.T, dataDir string, extraArgs ...string) *node {
	t.Helper()
	return startNodeOn(t, dataDir, databaseFor(t, dataDir), extraArgs...)
}

// startNodeOn is startNode on the PostgreSQL database dbURL (SQLite in dataDir when empty).
func startNodeOn(t *testing.T, dataDir, dbURL string, extraArgs ...string) *node {
	t.Helper()
	// --sandbox-empty: the tests make the containers they look at; the demo ones would only be in the way.
	args := append([]string{"serve", "--sandbox", "--sandbox-empty", "--addr", "127.0.0.1:0", "--data-dir", dataDir}, extraArgs...)
	if dbURL != "" {
		args = append(args, "--secret-key-file", secretKeyFor(t, dbURL))
	}
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "PORTLIGHT_DATABASE_URL="+dbURL)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	n := &node{cmd: cmd, dataDir: dataDir, dbURL: dbURL, log: &strings.Builder{}, exited: make(chan struct{})}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			n.log.WriteString(line + "\n")
			if rest, ok := strings.CutPrefix(line, "Portlight listening on "); ok {
				listening <- rest
			}
		}
	}()
	go func() { _ = cmd.Wait(); close(n.exited) }()
	t.Cleanup(func() { n.stop(t) })
	select {
	case <-listening:
	case <-n.exited:
		t.Fatalf("portlight exited at start:\n%s", n.log)
	case <-time.After(30 * time.Second):
		t.Fatalf("portlight did not start in 30s:\n%s", n.log)
	}
	n.creds, err = sandbox.Read(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	watchNode(n.creds.BaseURL)
	for _, probe := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get(n.creds.BaseURL + probe)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %v %v", probe, err, resp)
		}
		resp.Body.Close()
	}
	resp, err := http.Get(n.creds.BaseURL + "/openapi.json")
	if err != nil {
		t.Fatalf("/openapi.json: %v", err)
	}
	served, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || !bytes.Equal(served, contractDoc) {
		t.Fatalf("the node serves another /openapi.json than the one the suite validates against (%v)", err)
	}
	return n
}

// openStore opens the node's database beside it, to look at what it stored (close it after).
func (n *node) openStore(t *testing.T) store.Store {
	t.Helper()
	var st store.Store
	var err error
	if n.dbURL != "" {
		st, err = postgres.Open(context.Background(), n.dbURL, postgres.Options{MaxConns: 4})
	} else {
		st, err = sqlite.Open(context.Background(), filepath.Join(n.dataDir, "portlight.db"))
	}
	if err != nil {
		t.Fatalf("open the node's store: %v", err)
	}
	return st
}

// stop ends the node gracefully (SIGTERM) if it still runs.
func (n *node) stop(t *testing.T) {
	select {
	case <-n.exited:
		return
	default:
	}
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.exited:
	case <-time.After(20 * time.Second):
		_ = n.cmd.Process.Kill()
		t.Errorf("portlight did not stop on SIGTERM within 20s")
	}
}

// kill ends the node at once (kill -9), as a crash would.
func (n *node) kill() {
	_ = n.cmd.Process.Kill()
	<-n.exited
}

// party returns a client calling as the sandbox party with this NxtEntityId.
func (n *node) party(t *testing.T, id string) *client.Client {
	t.Helper()
	for _, p := range n.creds.Parties {
		if p.NxtEntityID == id {
			return &client.Client{BaseURL: n.creds.BaseURL, ClientID: p.ClientID, ClientSecret: p.ClientSecret,
				SubscriptionKey: p.SubscriptionKey, IngestionID: p.IngestionID}
		}
	}
	t.Fatalf("no sandbox party %s", id)
	return nil
}

// The sandbox parties.
const (
	SA1 = "NXT100000000001"
	SA2 = "NXT100000000002"
	TO1 = "NXT200000000001" // terminal 0100
	TO2 = "NXT200000000002" // terminal 01700
	RP1 = "NXT300000000001"
	RP2 = "NXT300000000002"
	TR1 = "NXT400000000001"
	TR2 = "NXT400000000002"
	CU  = "NXT500000000001"
)

var everyone = []string{SA1, SA2, TO1, TO2, RP1, RP2, TR1, TR2, CU}

var serial atomic.Int64

// newContainer returns a fresh equipment number with a correct ISO 6346 check digit.
func newContainer(t *testing.T) string {
	t.Helper()
	base := fmt.Sprintf("PLTU%06d", 100000+serial.Add(1))
	want, _, err := release.CheckEquipmentNumber(base + "0")
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%s%d", base, want)
}

func bg() context.Context { return context.Background() }

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
