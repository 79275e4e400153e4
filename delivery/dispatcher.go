// Package delivery delivers the notifications of the platform to the companies' notification
// channels (webhooks): at least once, in order per container per channel, signed (Standard
// Webhooks), with retries and back-off for a day and then a dead letter the company can replay
// (docs/rules.md "Notification channels").
//
// The outbox is in the store (store.Outbox): a command's notifications are committed with the
// command, and nothing here holds anything a crash could lose. The Dispatcher of each node turns
// committed notifications into deliveries, claims ready deliveries under a lease, POSTs them and
// records the outcome:
//
//   - It wakes as soon as a command commits on its node (WakeAfterApply), and polls for what
//     other nodes commit.
//   - Each channel has its own bound of attempts in flight (Options.Concurrency), and several
//     containers of a channel go out in parallel; a slow or failing receiver only ever fills its
//     own slots, so it never delays another receiver. The channels of one company share a
//     budget besides (Options.CompanyConcurrency), so that a company's fan-out over many
//     channels cannot take the node's attempts from the others. A channel claims deliveries ahead
//     (claimAhead), so that a freed slot is used at once, not after a trip to the store.
//   - A container's next delivery on a channel is claimable only once the previous one is
//     delivered or dead (the store keeps each container's queue).
//   - A lease is longer than an attempt can take, so a receiver that answers late is not sent the
//     same message again meanwhile; a node that dies loses its leases when they run out, and a
//     node that restarts gives back its own at once.
//
// What a company may ask of a channel is checked by the Manager, and where a webhook may point
// by the Policy, at save time and at every connection (server-side request forgery).
package delivery

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/portlight/portlight/store"
)

// Options shape a dispatcher; zero fields take the defaults.
type Options struct {
	// Node names this node in leases; keep it across restarts (a restarted node then gives back
	// the leases of its previous life at once).
	Node string
	// Timeout bounds one attempt, the token fetch included (default 10 s).
	Timeout time.Duration
	// Concurrency is how many attempts a channel may have in flight (default 16).
	Concurrency int
	// CompanyConcurrency is how many attempts the channels of one company may have in flight
	// together (default twice Concurrency): a company's fan-out over many channels uses its own
	// budget, never another company's.
	CompanyConcurrency int
	// Poll is how often the outbox is read for work committed elsewhere (default 1 s).
	Poll time.Duration
	// Retry is the back-off and dead-letter policy (default DefaultRetry).
	Retry Retry
	// MaxBody is how much of a receiver's answer is read (default 4 KiB).
	MaxBody int64
	// Retention is how long delivered and dead deliveries are kept to be listed (default 7 days).
	Retention time.Duration
	// Now is the clock (default time.Now); Jitter returns a number in [0, 1) (default rand).
	Now    func() time.Time
	Jitter func() float64
	Log    *slog.Logger
}

func (o *Options) defaults() {
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 16
	}
	if o.CompanyConcurrency <= 0 {
		o.CompanyConcurrency = 2 * o.Concurrency
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.Retry == (Retry{}) {
		o.Retry = DefaultRetry
	}
	if o.MaxBody <= 0 {
		o.MaxBody = 4 << 10
	}
	if o.Retention <= 0 {
		o.Retention = 7 * 24 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Jitter == nil {
		o.Jitter = rand.Float64
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Node == "" {
		o.Node = "node"
	}
}

// dispatchBatch is how many notifications one dispatch transaction takes; dispatchRounds bounds
// how many batches a round dispatches before it claims.
const (
	dispatchBatch  = 1000
	dispatchRounds = 8
)

// Dispatcher delivers the outbox of one node.
type Dispatcher struct {
	outbox  store.Outbox
	sealer  *Sealer
	client  *http.Client
	metrics *Metrics
	opt     Options

	wake      chan struct{} // the dispatch loop's
	claimWake chan struct{} // the claim loop's
	reload    atomic.Bool

	mu       sync.Mutex
	channels map[string]*channelState
	broken   map[string]time.Time // channels whose secrets do not open, by the version that failed
	inflight map[string]int
	// busy counts the attempts in flight per company, across its channels.
	busy map[string]int
	// queued holds, per channel, deliveries claimed ahead (leased, not yet started): when an
	// attempt ends the next starts at once, without waiting for a claim to go through the store.
	queued   map[string][]queuedDelivery
	stopping bool // set by Shutdown: nothing new starts
	// flagged marks the channels that may have ready deliveries; the value changes at every new
	// mark, so that a round clears only the marks it has seen.
	flagged map[string]uint64
	marks   uint64
	retryAt time.Time // the earliest retry known to be due

	results  chan completion
	pending  sync.WaitGroup // claimed deliveries not yet completed in the store
	attempts sync.WaitGroup // attempts under way

	runCtx      context.Context
	stopRun     context.CancelFunc
	sendCtx     context.Context
	cancelSends context.CancelFunc
	quit        chan struct{}
	loops       sync.WaitGroup
	doneWriting chan struct{}
	stopOnce    sync.Once
	started     atomic.Bool
}

// channelState is a channel as the dispatcher sends to it.
type channelState struct {
	ch      Channel
	tokens  *tokenCache
	signers []*standardwebhooks.Webhook // current, then the previous while it still signs
	prevTil time.Time
	failing atomic.Bool // an attempt failed since the last success
}

// queuedDelivery is a delivery claimed ahead, with the channel it goes to.
type queuedDelivery struct {
	st *channelState
	dl store.Delivery
}

// completion is the outcome of one attempt on its way to the store.
type completion struct {
	store.DeliveryResult
	channelID string
	storedOn  time.Time
}

// NewDispatcher makes the dispatcher of a node; Start runs it. metrics may be nil.
func NewDispatcher(o store.Outbox, sealer *Sealer, client *http.Client, metrics *Metrics, opt Options) *Dispatcher {
	opt.defaults()
	if metrics == nil {
		metrics = NewMetricsUnregistered()
	}
	d := &Dispatcher{
		outbox: o, sealer: sealer, client: client, metrics: metrics, opt: opt,
		wake: make(chan struct{}, 1), claimWake: make(chan struct{}, 1),
		channels: map[string]*channelState{}, broken: map[string]time.Time{},
		inflight: map[string]int{}, busy: map[string]int{}, flagged: map[string]uint64{}, queued: map[string][]queuedDelivery{},
		results: make(chan completion, 4096),
		quit:    make(chan struct{}), doneWriting: make(chan struct{}),
	}
	d.runCtx, d.stopRun = context.WithCancel(context.Background())
	d.sendCtx, d.cancelSends = context.WithCancel(context.Background())
	return d
}

// Start gives back the leases this node held before a restart, loads the channels and starts
// delivering, until Shutdown.
func (d *Dispatcher) Start(ctx context.Context) error {
	n, err := d.outbox.ReleaseLeases(ctx, d.opt.Node)
	if err != nil {
		return err
	}
	if n > 0 {
		d.opt.Log.Info("webhook leases of a previous run given back", "node", d.opt.Node, "deliveries", n)
	}
	if err := d.loadChannels(ctx); err != nil {
		return err
	}
	d.started.Store(true)
	go d.completer()
	d.loops.Add(2)
	go d.dispatchLoop()
	go d.claimLoop()
	go d.housekeeping()
	return nil
}

// Wake makes the dispatcher look for new notifications now (a command just committed).
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// ChannelsChanged makes the dispatcher reload the channels before its next claim.
func (d *Dispatcher) ChannelsChanged() {
	d.reload.Store(true)
	d.wakeClaims()
}

// Shutdown stops claiming, lets the attempts under way finish until ctx ends, then cancels the
// rest and gives their leases back (another node, or this one after a restart, sends them), and
// records every outcome before it returns.
func (d *Dispatcher) Shutdown(ctx context.Context) error {
	d.stopOnce.Do(func() {
		close(d.quit)
		if !d.started.Load() {
			return
		}
		d.loops.Wait()
		// What was claimed ahead is given back at once.
		d.mu.Lock()
		d.stopping = true
		var ahead []queuedDelivery
		for id, q := range d.queued {
			ahead = append(ahead, q...)
			delete(d.queued, id)
		}
		d.mu.Unlock()
		for _, q := range ahead {
			c := completion{channelID: q.dl.ChannelID}
			c.ID, c.Node, c.Outcome = q.dl.ID, d.opt.Node, store.OutcomeReleased
			d.results <- c
		}
		finished := make(chan struct{})
		go func() { d.attempts.Wait(); close(finished) }()
		select {
		case <-finished:
		case <-ctx.Done():
			d.cancelSends()
			<-finished
		}
		close(d.results)
		<-d.doneWriting
		d.stopRun()
		d.cancelSends()
	})
	return nil
}

// The dispatcher runs two loops, so that turning notifications into deliveries and claiming
// ready deliveries wait for the store side by side (with SQLite they often share one commit):
// dispatchLoop runs when a command commits and at every poll; claimLoop when a channel may have
// ready deliveries (new ones, a slot freed, an outcome recorded), when a retry falls due and at
// every poll.

func (d *Dispatcher) dispatchLoop() {
	defer d.loops.Done()
	t := time.NewTicker(d.opt.Poll)
	defer t.Stop()
	for {
		d.dispatch(d.runCtx, d.opt.Now())
		select {
		case <-d.quit:
			return
		case <-d.wake:
		case <-t.C:
		}
	}
}

func (d *Dispatcher) claimLoop() {
	defer d.loops.Done()
	timer := time.NewTimer(0)
	defer timer.Stop()
	nextPoll := time.Now()
	for {
		poll := !time.Now().Before(nextPoll)
		if poll {
			nextPoll = time.Now().Add(d.opt.Poll)
		}
		d.claim(d.runCtx, d.opt.Now(), poll)
		wait := time.Until(nextPoll)
		d.mu.Lock()
		if !d.retryAt.IsZero() {
			wait = min(wait, d.retryAt.Sub(d.opt.Now()))
		}
		d.mu.Unlock()
		timer.Reset(max(wait, time.Millisecond))
		select {
		case <-d.quit:
			return
		case <-d.claimWake: // timer.Reset above drops a stale tick (Go 1.23 timers)
		case <-timer.C:
		}
	}
}

// round dispatches, then claims on every channel: one turn of both loops (the tests drive the
// dispatcher with it).
func (d *Dispatcher) round(ctx context.Context, poll bool) {
	now := d.opt.Now()
	d.dispatch(ctx, now)
	d.claim(ctx, now, poll)
}

// claim claims what is ready on the flagged channels (every channel when poll is set) and starts
// its attempts.
func (d *Dispatcher) claim(ctx context.Context, now time.Time, poll bool) {
	if poll || d.reload.Swap(false) {
		if err := d.loadChannels(ctx); err != nil && ctx.Err() == nil {
			d.opt.Log.Error("webhooks: load channels", "err", err)
		}
	}
	d.mu.Lock()
	if !d.retryAt.IsZero() && !now.Before(d.retryAt) {
		d.retryAt, poll = time.Time{}, true
	}
	limits := map[string]int{}
	seen := map[string]uint64{}
	room := d.companyRoom()
	for id, st := range d.channels {
		mark, flagged := d.flagged[id]
		if !flagged && !poll {
			continue
		}
		// Up to Concurrency in flight and claimAhead times as many claimed ahead, within what
		// the company's budget has left.
		co := st.ch.CompanyID
		if free := min((1+claimAhead)*d.opt.Concurrency-d.inflight[id]-len(d.queued[id]), room[co]); free > 0 {
			limits[id], seen[id] = free, mark
			room[co] -= free
		}
	}
	d.mu.Unlock()
	if len(limits) == 0 {
		return
	}
	claimed, err := d.outbox.ClaimDeliveries(ctx, store.ClaimRequest{Node: d.opt.Node, Now: now,
		LeaseUntil: now.Add(d.lease()), Limits: limits})
	if err != nil {
		if ctx.Err() == nil {
			d.opt.Log.Error("webhooks: claim deliveries", "err", err)
		}
		return
	}
	got := map[string]int{}
	for _, dl := range claimed {
		got[dl.ChannelID]++
	}
	d.mu.Lock()
	for id, limit := range limits {
		// Fewer than asked for: nothing more is ready on this channel until something changes.
		if got[id] < limit && d.flagged[id] == seen[id] {
			delete(d.flagged, id)
		}
	}
	for _, dl := range claimed {
		d.pending.Add(1)
		d.queued[dl.ChannelID] = append(d.queued[dl.ChannelID], queuedDelivery{st: d.channels[dl.ChannelID], dl: dl})
	}
	for id := range got {
		d.startQueued(id)
	}
	d.mu.Unlock()
}

// companyRoom is what each company's budget has left to claim: claimAhead times
// CompanyConcurrency beyond it in flight, less what its channels hold; d.mu is held.
func (d *Dispatcher) companyRoom() map[string]int {
	room := map[string]int{}
	for id, st := range d.channels {
		co := st.ch.CompanyID
		if _, ok := room[co]; !ok {
			room[co] = (1+claimAhead)*d.opt.CompanyConcurrency - d.busy[co]
		}
		room[co] -= len(d.queued[id])
	}
	return room
}

// startQueued starts the channel's deliveries claimed ahead while it and its company have free
// slots; d.mu is held.
func (d *Dispatcher) startQueued(channelID string) {
	q := d.queued[channelID]
	for len(q) > 0 && d.inflight[channelID] < d.opt.Concurrency && d.busy[q[0].st.ch.CompanyID] < d.opt.CompanyConcurrency && !d.stopping {
		next := q[0]
		q = q[1:]
		d.inflight[channelID]++
		d.busy[next.st.ch.CompanyID]++
		d.attempts.Add(1)
		go d.run(next.st, next.dl)
	}
	if len(q) == 0 {
		delete(d.queued, channelID)
	} else {
		d.queued[channelID] = q
	}
}

// dispatch turns committed notifications into deliveries and flags the channels that got some.
func (d *Dispatcher) dispatch(ctx context.Context, now time.Time) {
	for range dispatchRounds {
		res, err := d.outbox.DispatchNotifications(ctx, store.DispatchRequest{Now: now, ExpiresAt: now.Add(d.opt.Retry.For), Limit: dispatchBatch})
		if err != nil {
			if ctx.Err() == nil {
				d.opt.Log.Error("webhooks: dispatch notifications", "err", err)
			}
			return
		}
		d.mu.Lock()
		for id := range res.Deliveries {
			d.flag(id)
			if d.channels[id] == nil {
				d.reload.Store(true) // made on another node a moment ago
			}
		}
		d.mu.Unlock()
		if len(res.Deliveries) > 0 {
			d.wakeClaims()
		}
		if res.Notifications < dispatchBatch {
			return
		}
	}
	d.Wake() // more to dispatch: go on after the claims had a turn
}

// wakeClaims makes the claim loop run now.
func (d *Dispatcher) wakeClaims() {
	select {
	case d.claimWake <- struct{}{}:
	default:
	}
}

// flag marks a channel as maybe having ready deliveries; d.mu is held.
func (d *Dispatcher) flag(id string) {
	d.marks++
	d.flagged[id] = d.marks
}

// claimAhead is how many deliveries a channel claims ahead, in multiples of its slots. A claim
// waits for the store's next commit, which takes tens of milliseconds when the store is busy: a
// channel busy with one receiver must hold enough to keep its slots full meanwhile. With 16 slots,
// 4 ahead capped a channel near 2,000 deliveries a second at 40 ms a commit (a port day flat out
// fell seconds behind); 16 ahead lets it keep up.
const claimAhead = 16

// A claim holds for leaseAttempts attempts of Timeout, plus leaseSlack for the nodes' clocks to
// disagree: a node that dies mid-attempt leaves its deliveries to the others after that long. An
// attempt starts only while its lease still has a Timeout and the slack to run (startable): a
// delivery that waited longer than that behind a slow receiver is given back unsent, so that it is
// never sent by two nodes at once, however far ahead it was claimed.
const (
	leaseAttempts = 5
	leaseSlack    = 15 * time.Second
)

func (d *Dispatcher) lease() time.Duration {
	return leaseAttempts*d.opt.Timeout + leaseSlack
}

// startable tells whether an attempt at dl started now would end within its lease.
func (d *Dispatcher) startable(dl store.Delivery) bool {
	return !d.opt.Now().Add(d.opt.Timeout + leaseSlack).After(dl.LeasedUntil)
}

// run makes one attempt and hands its outcome to the completer. The channel's slot is free as
// soon as the receiver has answered: the slots bound the requests a receiver gets at once, and
// the delivery stays leased until its outcome is recorded, so nothing claims it meanwhile.
func (d *Dispatcher) run(st *channelState, dl store.Delivery) {
	defer d.attempts.Done()
	d.metrics.InFlight.Inc()
	c := d.attempt(st, dl)
	d.metrics.InFlight.Dec()
	d.mu.Lock()
	if d.inflight[dl.ChannelID]--; d.inflight[dl.ChannelID] <= 0 {
		delete(d.inflight, dl.ChannelID)
	}
	co := st.ch.CompanyID
	if d.busy[co]--; d.busy[co] <= 0 {
		delete(d.busy, co)
	}
	d.startQueued(dl.ChannelID)
	// The company's freed slot may be what another of its channels waits for.
	for id, q := range d.queued {
		if id != dl.ChannelID && len(q) > 0 && q[0].st.ch.CompanyID == co {
			d.startQueued(id)
		}
	}
	d.flag(dl.ChannelID)
	d.mu.Unlock()
	d.wakeClaims()
	d.results <- c
}

// completer records outcomes in the store, in batches of whatever has arrived, until Shutdown.
func (d *Dispatcher) completer() {
	defer close(d.doneWriting)
	batch := make([]completion, 0, 256)
	results := make([]store.DeliveryResult, 0, 256)
	for c := range d.results {
		batch = append(batch[:0], c)
	gather:
		for len(batch) < cap(batch) {
			select {
			case c, ok := <-d.results:
				if !ok {
					break gather
				}
				batch = append(batch, c)
			default:
				break gather
			}
		}
		results = results[:0]
		for _, c := range batch {
			results = append(results, c.DeliveryResult)
		}
		d.record(results)
		d.finish(batch)
	}
}

// record writes outcomes, trying a few times: an outcome lost only means that the delivery is
// sent again once its lease runs out.
func (d *Dispatcher) record(results []store.DeliveryResult) {
	var err error
	for try := range 5 {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = d.outbox.CompleteDeliveries(ctx, results)
		cancel()
		if err == nil {
			return
		}
		time.Sleep(time.Duration(try+1) * 50 * time.Millisecond)
	}
	d.opt.Log.Error("webhooks: record delivery outcomes", "deliveries", len(results), "err", err)
}

// finish accounts for recorded outcomes: metrics, a recovered channel's waiting retries made due,
// the channel flagged, the next retry time noted.
func (d *Dispatcher) finish(batch []completion) {
	now := d.opt.Now()
	recovered := map[string]bool{}
	d.mu.Lock()
	for _, c := range batch {
		switch c.Outcome {
		case store.OutcomeDelivered:
			d.metrics.Attempts.WithLabelValues("delivered").Inc()
			if !c.storedOn.IsZero() {
				d.metrics.Latency.Observe(max(0, c.Attempt.At.Add(c.Attempt.Latency).Sub(c.storedOn)).Seconds())
			}
			if st := d.channels[c.channelID]; st != nil && st.failing.Swap(false) {
				recovered[c.channelID] = true
			}
		case store.OutcomeRetry:
			d.metrics.Attempts.WithLabelValues("retry").Inc()
			if d.retryAt.IsZero() || c.NextAttemptAt.Before(d.retryAt) {
				d.retryAt = c.NextAttemptAt
			}
		case store.OutcomeDead:
			d.metrics.Attempts.WithLabelValues("dead").Inc()
		}
		d.flag(c.channelID) // a delivered or dead delivery lets the next of its queue go
	}
	d.mu.Unlock()
	// The receiver answers again: what waits for a retry on it goes now, not at its back-off time.
	for id := range recovered {
		if _, err := d.outbox.RetryNow(d.runCtx, id, now); err != nil && d.runCtx.Err() == nil {
			d.opt.Log.Error("webhooks: retry a recovered channel", "channel", id, "err", err)
		}
	}
	for range batch {
		d.pending.Done()
	}
	d.wakeClaims()
}

// loadChannels reads every channel and opens the new or changed ones.
func (d *Dispatcher) loadChannels(ctx context.Context) error {
	scs, err := d.outbox.Channels(ctx, "")
	if err != nil {
		return err
	}
	d.mu.Lock()
	old := d.channels
	d.mu.Unlock()
	next := make(map[string]*channelState, len(scs))
	for _, sc := range scs {
		if st := old[sc.ID]; st != nil && st.ch.UpdatedAt.Equal(sc.UpdatedAt) && st.ch.Sealed == sc.Sealed {
			next[sc.ID] = st
			continue
		}
		c, err := openChannel(d.sealer, sc)
		if err != nil {
			if failed, seen := d.broken[sc.ID]; !seen || !failed.Equal(sc.UpdatedAt) {
				d.opt.Log.Error("webhooks: a channel cannot be used", "channel", sc.ID, "company", sc.CompanyID, "err", err)
				d.broken[sc.ID] = sc.UpdatedAt
			}
			continue
		}
		delete(d.broken, sc.ID)
		st := &channelState{ch: c, prevTil: c.secrets.PreviousUntil}
		for _, secret := range []string{c.secrets.SigningSecret, c.secrets.PreviousSecret} {
			if secret == "" {
				continue
			}
			wh, err := standardwebhooks.NewWebhook(secret)
			if err != nil {
				d.opt.Log.Error("webhooks: a channel's signing secret is damaged", "channel", sc.ID, "err", err)
				continue
			}
			st.signers = append(st.signers, wh)
		}
		if prev := old[sc.ID]; prev != nil {
			st.failing.Store(prev.failing.Load())
			if sameLogin(&prev.ch, &c) {
				st.tokens = prev.tokens
			}
		}
		if st.tokens == nil {
			st.tokens = newTokenCache(&c, d.client, d.opt.Now)
		}
		next[sc.ID] = st
	}
	d.mu.Lock()
	d.channels = next
	d.mu.Unlock()
	return nil
}

// housekeeping prunes old deliveries every hour.
func (d *Dispatcher) housekeeping() {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-d.quit:
			return
		case <-t.C:
		}
		if n, err := d.outbox.PruneDeliveries(d.runCtx, d.opt.Now().Add(-d.opt.Retention)); err != nil && d.runCtx.Err() == nil {
			d.opt.Log.Error("webhooks: prune deliveries", "err", err)
		} else if n > 0 {
			d.opt.Log.Info("webhooks: pruned old deliveries", "deliveries", n)
		}
	}
}
