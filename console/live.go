package console

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/portlight/portlight/service"
)

// The live updates of a node: one poller (hub) for every live stream the node serves.
//
// A stream per page polling its own company's notifications costs a query per stream every
// LivePoll: 3,300 queries a second for 1,000 open pages. The hub instead follows every company's
// notifications with one cursor (service.NotificationHeads: one range of the notifications' key,
// what was stored since its last look), and passes each head to the streams of its receiver. It
// polls every LivePoll, which covers the commits of the other nodes sharing the database, and at
// once when this node commits a command (Options.Committed), so that a page on the node that
// applied a command hears of it within milliseconds. It runs only while a stream is open.
//
// The hub never waits for a stream: it only marks what a subscriber has to tell (a set of
// containers, bounded) and wakes it; the stream's own goroutine writes. A subscriber that cannot
// keep up (a page whose connection stalls) loses its containers for one "changed", which makes
// the lists reload.
//
// The hub also checks the sessions of the streams every LivePoll (session.go's stillValid): a
// revoked user's streams end with "signedout", on every node within the registry's reload
// (identity.Directory.RefreshEvery, a second) plus LivePoll.

// Tuning of the hub.
const (
	// liveBatch is how many heads one query reads; a round reads on while pages come back full.
	liveBatch = 2000
	// liveRoundsPerWake bounds a round after a long pause (a database that did not answer): past
	// that, every stream is told "changed" and the hub goes on from the horizon.
	liveRoundsPerWake = 10
	// liveMinGap is the least time between two rounds: on a busy node commits come every few
	// milliseconds, and a round per commit would spend on queries what the commands need. At 50 ms
	// a page hears of a local command within ~50 ms and a busy company's pages are told at most 20
	// times a second (htmx queues one reload behind the one under way, no more).
	liveMinGap = 50 * time.Millisecond
	// maxPendingContainers bounds what a subscriber that does not keep up holds.
	maxPendingContainers = 1000
)

// subscriber is one live stream: what it has still to tell, filled by the hub, taken by the stream.
type subscriber struct {
	company string
	session session
	// after is the stream's start: heads up to it are what its page showed.
	after int64
	// ready has a value when there is something to tell.
	ready chan struct{}

	mu        sync.Mutex
	changed   map[string]bool // equipment numbers
	reload    bool            // "changed" whether or not containers are named
	signedOut bool
}

// tell marks container eq (none: "") as changed and wakes the stream.
func (s *subscriber) tell(eq string) {
	s.mu.Lock()
	s.reload = true
	switch {
	case eq == "":
	case len(s.changed) < maxPendingContainers:
		s.changed[eq] = true
	default:
		clear(s.changed) // "changed" alone: the lists reload, the pages of one container do not
	}
	s.mu.Unlock()
	s.wake()
}

// signOut marks the stream's session as ended and wakes it.
func (s *subscriber) signOut() {
	s.mu.Lock()
	s.signedOut = true
	s.mu.Unlock()
	s.wake()
}

func (s *subscriber) wake() {
	select {
	case s.ready <- struct{}{}:
	default:
	}
}

// take returns what the stream has to tell, and forgets it.
func (s *subscriber) take() (containers []string, reload, signedOut bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for eq := range s.changed {
		containers = append(containers, eq)
	}
	clear(s.changed)
	reload, s.reload = s.reload, false
	return containers, reload, s.signedOut
}

// hub is the node's one poller of the live updates (see above).
type hub struct {
	svc       *service.Service
	poll      time.Duration
	committed <-chan struct{}
	stopping  <-chan struct{}
	// expired tells whether a session has passed its absolute expiry, active whether its user is
	// still active (Console.expired, Console.userActive).
	expired func(ss session) bool
	active  func(ctx context.Context, username, companyID string) bool

	mu      sync.Mutex
	running bool
	cursor  int64 // the last seq passed on
	subs    map[string]map[*subscriber]bool
}

func newHub(c *Console) *hub {
	return &hub{svc: c.svc, poll: c.opts.LivePoll, committed: c.opts.Committed, stopping: c.stopping,
		expired: c.expired, active: c.userActive, subs: map[string]map[*subscriber]bool{}}
}

// subscribe adds a stream of company's that starts after seq after, and returns the hub's cursor:
// the hub tells the stream of every head after both; what lies between after and the cursor is
// the stream's to catch up on.
func (h *hub) subscribe(ctx context.Context, company string, ss session, after int64) (*subscriber, int64, error) {
	s := &subscriber{company: company, session: ss, after: after, ready: make(chan struct{}, 1), changed: map[string]bool{}}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.running {
		cursor, err := h.svc.NotificationHorizon(ctx)
		if err != nil {
			return nil, 0, err
		}
		h.cursor, h.running = cursor, true
		go h.run()
	}
	if h.subs[company] == nil {
		h.subs[company] = map[*subscriber]bool{}
	}
	h.subs[company][s] = true
	return s, h.cursor, nil
}

// unsubscribe removes a stream; the hub stops at its next round when none is left.
func (h *hub) unsubscribe(s *subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs[s.company], s)
	if len(h.subs[s.company]) == 0 {
		delete(h.subs, s.company)
	}
}

// run polls until no stream is left or the console stops.
func (h *hub) run() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-h.stopping:
			cancel()
		case <-ctx.Done():
		}
	}()
	tick := time.NewTicker(h.poll)
	defer tick.Stop()
	var checked time.Time
	for {
		select {
		case <-ctx.Done():
			h.stop()
			return
		case <-tick.C:
		case <-h.committed:
		}
		if h.idle() {
			return
		}
		h.pass(ctx)
		if time.Since(checked) >= h.poll {
			checked = time.Now()
			h.checkSessions(ctx)
		}
		select {
		case <-ctx.Done():
		case <-time.After(liveMinGap):
		}
	}
}

// pass reads the heads after the cursor and tells the streams of their receivers.
func (h *hub) pass(ctx context.Context) {
	h.mu.Lock()
	cursor := h.cursor
	h.mu.Unlock()
	for range liveRoundsPerWake {
		heads, err := h.svc.NotificationHeads(ctx, cursor, liveBatch)
		if err != nil {
			if ctx.Err() == nil {
				slog.Error("console: live updates", "err", err)
			}
			return
		}
		h.mu.Lock()
		for _, n := range heads {
			if n.EquipmentNumber == "" {
				continue // about no container: no page shows it
			}
			for s := range h.subs[n.ReceiverID] {
				if n.Seq > s.after {
					s.tell(n.EquipmentNumber)
				}
			}
		}
		if len(heads) > 0 {
			cursor = heads[len(heads)-1].Seq
			h.cursor = cursor
		}
		h.mu.Unlock()
		if len(heads) < liveBatch {
			return
		}
	}
	// Far behind: tell every stream to reload rather than read on, and go on from now.
	horizon, err := h.svc.NotificationHorizon(ctx)
	if err != nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.cursor = max(h.cursor, horizon)
	for _, subs := range h.subs {
		for s := range subs {
			s.tell("")
		}
	}
}

// checkSessions ends the streams whose session no longer holds, asking once per user.
func (h *hub) checkSessions(ctx context.Context) {
	h.mu.Lock()
	var all []*subscriber
	for _, subs := range h.subs {
		for s := range subs {
			all = append(all, s)
		}
	}
	h.mu.Unlock()
	type user struct{ name, company string }
	active := map[user]bool{}
	for _, s := range all {
		u := user{s.session.Username, s.session.CompanyID}
		ok, seen := active[u]
		if !seen {
			ok = h.active(ctx, u.name, u.company)
			active[u] = ok
		}
		if !ok || h.expired(s.session) {
			s.signOut()
		}
	}
}

// idle stops the hub when no stream is left; the next stream starts it again.
func (h *hub) idle() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.subs) > 0 {
		return false
	}
	h.running = false
	return true
}

func (h *hub) stop() {
	h.mu.Lock()
	h.running = false
	h.mu.Unlock()
}
