package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/portlight/portlight/admin"
	"github.com/portlight/portlight/client"
	"github.com/portlight/portlight/internal/pgtest"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/sandbox"
	"github.com/portlight/portlight/store"
)

// command is one command sent during the storm, and what became of it.
type command struct {
	node     int
	sender   string
	eq       string
	action   string
	receipt  string // publicReferenceId when answered 202
	status   int    // the HTTP status; 0 when no answer came (the node died)
	transErr error
}

// cluster is several nodes on one PostgreSQL database.
type cluster struct {
	t     *testing.T
	db    string
	nodes []*node
}

// startCluster starts n nodes on a fresh database, one after the other: the first seeds the
// sandbox, the others start from its credentials file, so that every node knows the same
// companies, clients and keys.
func startCluster(t *testing.T, n int, extraArgs ...string) *cluster {
	t.Helper()
	c := &cluster{t: t, db: pgtest.NewDatabase(t)}
	for i := range n {
		dir := t.TempDir()
		if i > 0 {
			b, err := os.ReadFile(filepath.Join(c.nodes[0].dataDir, sandbox.CredentialsFile))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, sandbox.CredentialsFile), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		c.nodes = append(c.nodes, startNodeOn(t, dir, c.db, extraArgs...))
	}
	for i, nd := range c.nodes[1:] {
		for j, p := range nd.creds.Parties {
			if q := c.nodes[0].creds.Parties[j]; p.ClientID != q.ClientID || p.IngestionID != q.IngestionID {
				t.Fatalf("node %d seeded other credentials for %s than node 0", i+1, p.NxtEntityID)
			}
		}
	}
	return c
}

// send sends one command to node i as sender and records what came of it.
func (c *cluster) send(i int, sender, eq, action string, body map[string]any) *command {
	cmd := &command{node: i, sender: sender, eq: eq, action: action}
	p := c.nodes[i].party(c.t, sender)
	p.HTTP = &http.Client{Timeout: 20 * time.Second}
	var receipt client.Receipt
	var resp *client.Response
	var err error
	switch action {
	case release.ActionRelease, release.ActionBlock, release.ActionUnblock:
		receipt, resp, err = p.Ingest(bg(), body, "")
	default:
		receipt, resp, err = p.ReleaseRight(bg(), "BEANR", eq, body, "")
	}
	if resp != nil {
		cmd.status = resp.Status
	}
	if err == nil {
		cmd.receipt = receipt.PublicReferenceID
	} else if resp == nil {
		cmd.transErr = err
	}
	return cmd
}

// TestSeveralNodes is production end to end: three `portlight serve` nodes on one PostgreSQL database
// get conflicting commands for the same containers at the same moment (the same Release thrice,
// Accept against Decline, two Transfers of one right, Block/Unblock storms, Accept against
// Revoke), one node is killed (kill -9) in the middle of it, and then:
//   - every container has one right, with one owner and a chain of custody that holds together;
//   - the accepted commands account for the state exactly: no two were applied against the same
//     old state (a lost update would leave a chain or a light that the audit records do not explain);
//   - every answered command was applied once (one audit record) and its notifications are stored
//     once per receiver, and pulled by them;
//   - a right due for expiry is expired once, not once per node;
//   - every company's webhook got each of its notifications once (or again under the same
//     webhook-id, when the killed node had sent it), in order per container;
//   - the rate limit holds across the nodes.
func TestSeveralNodes(t *testing.T) {
	if !onPostgres() {
		t.Skip("SKIPPING: the several-nodes test runs on PostgreSQL only: set " + envDatabase + "=postgres")
	}
	const limit = 200 // a minute per subscription: the storm stays below it, the last check goes above
	c := startCluster(t, 3, "--expiry-interval", "100ms", "--rate-limit", fmt.Sprint(limit), "--webhook-timeout", "1s")
	hooks := clusterHooks(t, c)
	const containers = 10
	var eqs []string
	for range containers {
		eqs = append(eqs, newContainer(t))
	}

	// Rights that expire during the storm, all at the same moment: the expiry rounds of three nodes
	// (every 100 ms each) expire each once.
	var expiring []string
	expires := time.Now().UTC().Add(1500 * time.Millisecond).Format(time.RFC3339Nano)
	for range 30 {
		eq := newContainer(t)
		if cmd := c.send(len(expiring)%3, SA1, eq, release.ActionRelease, ingestBody("Release", eq, "BL1", "R1", "0100",
			map[string]any{"releaseTo": ref(RP2), "expirationDateTimeUtc": expires})); cmd.status != 202 {
			t.Fatalf("release of an expiring right: %d %v", cmd.status, cmd.transErr)
		}
		expiring = append(expiring, eq)
	}

	var mu sync.Mutex
	var sent []*command
	phase := func(name string, nodes []int, each func(eq string, send func(node int, sender, action string, body map[string]any))) {
		var wg sync.WaitGroup
		for _, eq := range eqs {
			each(eq, func(node int, sender, action string, body map[string]any) {
				wg.Go(func() {
					cmd := c.send(nodes[node%len(nodes)], sender, eq, action, body)
					mu.Lock()
					sent = append(sent, cmd)
					mu.Unlock()
				})
			})
		}
		wg.Wait()
		t.Logf("phase %s: %d commands sent so far", name, len(sent))
	}
	all := []int{0, 1, 2}
	right := func(action, eq string, from, to string) map[string]any {
		return rightBody(action, eq, "BL1", "R1", "0100", ref(from), ref(to))
	}

	// The same Release, given to RP1, from every node at once: one is accepted.
	phase("release", all, func(eq string, send func(int, string, string, map[string]any)) {
		for n := range 3 {
			send(n, SA1, release.ActionRelease, ingestBody("Release", eq, "BL1", "R1", "0100", map[string]any{"releaseTo": ref(RP1)}))
		}
	})
	// RP1 accepts from every node, and declines from two: one answer wins.
	phase("accept-decline", all, func(eq string, send func(int, string, string, map[string]any)) {
		for n := range 3 {
			send(n, RP1, release.ActionAccept, right(release.ActionAccept, eq, SA1, RP1))
		}
		for n := range 2 {
			send(n+1, RP1, release.ActionDecline, right(release.ActionDecline, eq, SA1, RP1))
		}
	})
	// RP1 transfers to two hauliers at once while the agent blocks and unblocks: one transfer wins;
	// the third node is killed in the middle of it.
	killed := make(chan struct{})
	go func() {
		time.Sleep(30 * time.Millisecond)
		c.nodes[2].kill()
		close(killed)
	}()
	phase("transfer-block-kill", all, func(eq string, send func(int, string, string, map[string]any)) {
		send(0, RP1, release.ActionTransfer, right(release.ActionTransfer, eq, RP1, TR1))
		send(1, RP1, release.ActionTransfer, right(release.ActionTransfer, eq, RP1, TR2))
		for i := range 6 {
			action := release.ActionBlock
			if i%2 == 1 {
				action = release.ActionUnblock
			}
			send(i, SA1, action, ingestBody(action, eq, "BL1", "R1", "0100", nil))
		}
	})
	<-killed
	// Both hauliers accept, RP1 revokes, on the surviving nodes: one of them wins.
	alive := []int{0, 1}
	phase("accept-revoke", alive, func(eq string, send func(int, string, string, map[string]any)) {
		send(0, TR1, release.ActionAccept, right(release.ActionAccept, eq, RP1, TR1))
		send(1, TR2, release.ActionAccept, right(release.ActionAccept, eq, RP1, TR2))
		send(0, RP1, release.ActionRevoke, right(release.ActionRevoke, eq, RP1, TR1))
		send(1, RP1, release.ActionRevoke, right(release.ActionRevoke, eq, RP1, TR2))
		send(1, SA1, release.ActionBlock, ingestBody("Block", eq, "BL1", "R1", "0100", nil))
	})

	answered, unanswered := 0, 0
	for _, cmd := range sent {
		switch {
		case cmd.receipt != "":
			answered++
		case cmd.status == 0:
			unanswered++
			if cmd.node != 2 {
				t.Errorf("%s %s to node %d, which did not die, got no answer: %v", cmd.sender, cmd.action, cmd.node, cmd.transErr)
			}
		default:
			t.Errorf("%s %s to node %d answered %d", cmd.sender, cmd.action, cmd.node, cmd.status)
		}
	}
	t.Logf("%d commands answered, %d lost with the killed node", answered, unanswered)

	st := c.nodes[0].openStore(t)
	defer st.Close()
	for _, eq := range eqs {
		checkContainer(t, st, eq)
	}
	checkAnswered(t, c, st, sent, eqs)
	checkExpiredOnce(t, st, expiring)
	checkWebhooksOnce(t, c, hooks, append(eqs, expiring...))
	checkRateLimitAcrossNodes(t, c, st, alive, limit)
}

// checkContainer: the container has one right (the three Releases made one), its chain of custody
// holds together, and what the accepted commands did accounts for its state exactly.
func checkContainer(t *testing.T, st store.Store, eq string) {
	t.Helper()
	ctx := context.Background()
	cont, err := st.Container(ctx, "BEANR", eq, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(cont.Rights) != 1 {
		t.Errorf("%s: %d rights, want the one of the three concurrent Releases", eq, len(cont.Rights))
		return
	}
	r := cont.Rights[0]
	if r.Owner.NxtEntityID == "" {
		t.Errorf("%s: a right without owner", eq)
	}
	// The chain: each hop leaves the holder of the moment; accepted hops move the right on; only
	// the last hop may be pending, and only to the party the right is pending to.
	holder := r.Originator.NxtEntityID
	hops := map[string]int{}
	for i, h := range r.Chain {
		if h.From.NxtEntityID != holder {
			t.Errorf("%s: hop %d leaves %s, but %s held the right", eq, i, h.From.NxtEntityID, holder)
		}
		hops[h.Status]++
		switch h.Status {
		case release.HopAccepted:
			holder = h.To.NxtEntityID
		case release.HopPending:
			if i != len(r.Chain)-1 || r.PendingTo == nil || r.PendingTo.NxtEntityID != h.To.NxtEntityID {
				t.Errorf("%s: pending hop %d to %s, right pending to %v", eq, i, h.To.NxtEntityID, r.PendingTo)
			}
		}
	}
	if holder != r.Owner.NxtEntityID {
		t.Errorf("%s: the chain leaves the right with %s, its owner is %s", eq, holder, r.Owner.NxtEntityID)
	}
	if (r.PendingTo != nil) != (hops[release.HopPending] == 1) || hops[release.HopPending] > 1 {
		t.Errorf("%s: pending to %v with %d pending hops", eq, r.PendingTo, hops[release.HopPending])
	}

	// The accepted commands, in the order they were applied, explain the state.
	trail, err := st.AuditTrail(ctx, "", eq)
	if err != nil {
		t.Fatal(err)
	}
	done := map[string]int{}
	light := ""
	for _, a := range trail {
		if a.Rejected {
			continue
		}
		done[a.Action]++
		switch a.Action {
		case release.ActionRelease, release.ActionUnblock:
			if a.Action == release.ActionUnblock && light != release.ValueBlocked {
				t.Errorf("%s: an Unblock was accepted with the light %q", eq, light)
			}
			light = release.ValueOK
		case release.ActionBlock:
			if light != release.ValueOK {
				t.Errorf("%s: a Block was accepted with the light %q", eq, light)
			}
			light = release.ValueBlocked
		}
	}
	if done[release.ActionRelease] != 1 {
		t.Errorf("%s: %d Releases accepted, want 1", eq, done[release.ActionRelease])
	}
	if r.Lights.CommercialRelease != light {
		t.Errorf("%s: CommercialRelease %s, but the accepted Block/Unblock leave it %s", eq, r.Lights.CommercialRelease, light)
	}
	// The Release named RP1: one hop, then one per accepted Transfer; each answer closed one.
	if want := 1 + done[release.ActionTransfer]; len(r.Chain) != want {
		t.Errorf("%s: %d hops, but 1 + %d accepted Transfers", eq, len(r.Chain), done[release.ActionTransfer])
	}
	for status, action := range map[string]string{release.HopAccepted: release.ActionAccept,
		release.HopDeclined: release.ActionDecline, release.HopRevoked: release.ActionRevoke} {
		if hops[status] != done[action] {
			t.Errorf("%s: %d %s hops, %d %s accepted", eq, hops[status], status, done[action], action)
		}
	}
	if done[release.ActionAccept]+done[release.ActionDecline] < 1 {
		t.Errorf("%s: neither the Accept nor the Decline of RP1 won", eq)
	}
}

// checkAnswered: every answered command was applied exactly once, and its notifications are
// stored once per receiver and pulled by each receiver through a surviving node.
func checkAnswered(t *testing.T, c *cluster, st store.Store, sent []*command, eqs []string) {
	t.Helper()
	ctx := context.Background()
	pulled := map[string]map[string]int{} // receiver → publicReferenceId → notifications pulled
	for _, id := range everyone {
		pulled[id] = map[string]int{}
		items := pullContainers(t, c.nodes[0].party(t, id), eqs)
		for _, it := range items {
			pulled[id][it.PublicReferenceID]++
		}
	}
	for _, cmd := range sent {
		if cmd.receipt == "" {
			continue
		}
		trail, err := st.AuditTrail(ctx, cmd.receipt, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(trail) != 1 || trail[0].Action != cmd.action || trail[0].EquipmentNumber != cmd.eq {
			t.Errorf("%s %s (%s, answered by node %d): %d audit records, want it applied once", cmd.sender, cmd.action, cmd.receipt, cmd.node, len(trail))
			continue
		}
		ns, err := st.Notifications(ctx, store.NotificationQuery{PublicReferenceID: cmd.receipt})
		if err != nil {
			t.Fatal(err)
		}
		perReceiver := map[string]int{}
		toSender := 0
		for i, n := range ns {
			perReceiver[n.ReceiverID]++
			if n.ReceiverID == cmd.sender {
				toSender++
			}
			for _, m := range ns[:i] {
				if m.ReceiverID == n.ReceiverID && bytes.Equal(m.Message, n.Message) {
					t.Errorf("%s %s (%s): notification %s to %s stored twice", cmd.sender, cmd.action, cmd.receipt, n.Event, n.ReceiverID)
				}
			}
		}
		if toSender == 0 {
			t.Errorf("%s %s (%s): the sender was told nothing", cmd.sender, cmd.action, cmd.receipt)
		}
		if trail[0].Rejected && (len(ns) != 1 || ns[0].Event != release.EventNotValidated) {
			t.Errorf("%s %s (%s) rejected: %d notifications, want one NotValidated to the sender", cmd.sender, cmd.action, cmd.receipt, len(ns))
		}
		for receiver, n := range perReceiver {
			if got := pulled[receiver][cmd.receipt]; got != n {
				t.Errorf("%s %s (%s): %s pulled %d notifications, %d are stored for it", cmd.sender, cmd.action, cmd.receipt, receiver, got, n)
			}
		}
	}
}

// pullContainers pulls every notification of the company about the containers.
func pullContainers(t *testing.T, p *client.Client, eqs []string) []client.Notification {
	t.Helper()
	var out []client.Notification
	for _, eq := range eqs {
		items, resp, err := p.Notifications(bg(), url.Values{"equipmentNumber": {eq}})
		if err != nil {
			t.Fatalf("pull %s: %v", eq, err)
		}
		if resp.Header.Get("X-Portlight-Truncated") != "" {
			t.Fatalf("pull %s: truncated", eq)
		}
		out = append(out, items...)
	}
	return out
}

// checkExpiredOnce: each right due for expiry was expired by exactly one round, though three nodes
// ran rounds every 100 ms.
func checkExpiredOnce(t *testing.T, st store.Store, eqs []string) {
	t.Helper()
	expiries := func(eq string) int {
		trail, err := st.AuditTrail(context.Background(), "", eq)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, a := range trail {
			if a.Action == (release.Expire{}).Action() {
				n++
			}
		}
		return n
	}
	deadline := time.Now().Add(10 * time.Second)
	for _, eq := range eqs {
		for expiries(eq) == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("%s was not expired within 10s", eq)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	time.Sleep(500 * time.Millisecond) // a second expiry would show by now
	for _, eq := range eqs {
		if n := expiries(eq); n != 1 {
			t.Errorf("%s was expired %d times, want once", eq, n)
		}
	}
}

// checkRateLimitAcrossNodes: a subscription calling the nodes in turn gets about limit calls a
// minute in all, not limit per node. The nodes share their counts every 200 ms, so the calls of
// the last interval may pass beyond the limit: at a hundred calls a second, a few dozen at most.
// The subscription is a new one of its own, which no other check has called with.
func checkRateLimitAcrossNodes(t *testing.T, c *cluster, st store.Store, nodes []int, limit int) {
	t.Helper()
	calls := limit * 3 / 2 // on one node, or without sharing, every one would pass
	key, err := admin.New(st, time.Now, nil, nil).CreateSubscriptionKey(bg(), RP2, "rate limit check")
	if err != nil {
		t.Fatal(err)
	}
	ps := make([]*client.Client, len(nodes))
	for i, n := range nodes {
		ps[i] = c.nodes[n].party(t, RP2)
		ps[i].SubscriptionKey = key.SubscriptionKey
	}
	statuses := map[int]int{}
	call := func(i int) int {
		resp, err := ps[i%len(ps)].Do(bg(), http.MethodGet, "/certified-pickup/v1/entities", url.Values{"entityName": {"Demo"}}, nil, "")
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		return resp.Status
	}
	// The key was stored behind the nodes' backs: each node knows it once it has reloaded its keys
	// (within seconds). Until then it answers 401, which counts against no limit.
	for i := range ps {
		deadline := time.Now().Add(10 * time.Second)
		status := call(i)
		for status == http.StatusUnauthorized && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
			status = call(i)
		}
		statuses[status]++
	}
	// The limit holds in any minute (api.RateWindow), wherever the calls fall on the clock's minutes.
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for i := len(ps); i < calls; i++ {
		<-tick.C
		statuses[call(i)]++
	}
	ok, refused := statuses[http.StatusOK], statuses[http.StatusTooManyRequests]
	t.Logf("rate limit %d a minute across %d nodes: %d calls allowed, %d refused (%v)", limit, len(nodes), ok, refused, statuses)
	if ok < limit || ok > limit+limit/4 || ok+refused != calls {
		t.Errorf("%d of %d calls allowed (%d refused) with a limit of %d across the nodes", ok, calls, refused, limit)
	}
}
