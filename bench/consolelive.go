package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"sync"
	"sync/atomic"
	"time"
)

// ConsoleLiveOptions shape `portlight bench console-live`: consoles open on the live stream while
// a port day runs.
type ConsoleLiveOptions struct {
	Consoles int            // live streams, spread over the sandbox companies
	Day      PortDayOptions // the load beside them
	// Timeout is how long the Forwarder's consoles may take to hear of a command it is told of
	// before their events count as missing.
	Timeout time.Duration
	// ServerPID, when set, is the node's process: its resident memory is read before and after.
	ServerPID int
}

// ConsoleLiveResult is what console-live measured.
type ConsoleLiveResult struct {
	Consoles int `json:"consoles"`
	// Latencies is command sent → "changed-{equipment number}" on a console of the Forwarder, one
	// sample per command and console; Missing counts the events that never came (within Timeout).
	Latencies Percentiles `json:"commandToEventMs"`
	// AfterAnswer is the same from the command's answer (0 for an event that came before it): the
	// live updates' own part, without the command's.
	AfterAnswer Percentiles `json:"answerToEventMs"`
	Samples     int         `json:"samples"`
	Missing     int         `json:"missing"`
	// Events is every event line the consoles received, of every company.
	Events int64 `json:"events"`
	// Ended counts the streams that ended before the run did.
	Ended int64          `json:"streamsEnded"`
	RSS   ConsoleLiveRSS `json:"serverRssMB"`
	// ServerCPU is the node's cores busy on average during the port day.
	ServerCPU float64       `json:"serverCpuCoresBusy,omitempty"`
	Day       PortDayResult `json:"portDay"`
	Connect   float64       `json:"connectSeconds"`
}

// ConsoleLiveRSS is the node's resident memory (MB) before the consoles connected, once they had,
// after the port day, and its peak.
type ConsoleLiveRSS struct {
	Before, Connected, After, Peak float64
}

// ConsoleLive signs one user of every sandbox company in to the console, opens o.Consoles live
// streams spread over them (a browser tab each, as htmx-ext-sse opens it), runs the port day,
// and measures, for every command, the time from its sending until each console of the Forwarder
// (a stakeholder of every container of the day) hears of it. Each container's next command waits
// until every Forwarder console heard of the last, so that an event is never taken for a later
// command's; the arrival rate is kept by other containers meanwhile.
func ConsoleLive(ctx context.Context, p *Port, o ConsoleLiveOptions) (ConsoleLiveResult, error) {
	res := ConsoleLiveResult{Consoles: o.Consoles}
	res.RSS.Before = rssMB(o.ServerPID)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// One connection per console, as browsers on as many machines would have.
	hc := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{}).DialContext, MaxIdleConnsPerHost: -1, DisableCompression: true}}
	var lives []string // per company of the sandbox: a signed-in browser's jar and its live stream
	var jars []http.CookieJar
	var companies []string
	for _, party := range p.Creds.Parties {
		jar, live, err := signedIn(ctx, hc, p.Creds.BaseURL, party.Username, party.Password)
		if err != nil {
			return res, err
		}
		lives, jars, companies = append(lives, live), append(jars, jar), append(companies, party.NxtEntityID)
	}
	tr := &liveTracker{timeout: o.Timeout}
	ids := make([]int, o.Consoles) // the Forwarder's consoles numbered from 0, the others -1
	for i := range ids {
		ids[i] = -1
		if companies[i%len(companies)] == Forwarder {
			ids[i] = tr.consoles
			tr.consoles++
		}
	}
	tr.got = make([][]liveSample, tr.consoles)
	t0 := time.Now()
	var streams sync.WaitGroup
	opened := make(chan error, o.Consoles)
	for i, id := range ids {
		c := i % len(companies)
		streams.Go(func() {
			tr.follow(ctx, &http.Client{Transport: hc.Transport, Jar: jars[c]}, lives[c], id, opened)
		})
	}
	for range o.Consoles {
		if err := <-opened; err != nil {
			return res, fmt.Errorf("open a console's live stream: %w", err)
		}
	}
	res.Connect = time.Since(t0).Seconds()
	time.Sleep(time.Second) // the node settles
	res.RSS.Connected = rssMB(o.ServerPID)
	o.Day.Observe = tr.observe
	cpu0, _, _ := ProcStats(o.ServerPID)
	t1 := time.Now()
	day, err := PortDay(ctx, p, o.Day)
	if err != nil {
		return res, err
	}
	res.Day = day
	if cpu1, _, err := ProcStats(o.ServerPID); err == nil && o.ServerPID > 0 {
		res.ServerCPU = (cpu1 - cpu0).Seconds() / time.Since(t1).Seconds()
	}
	tr.pending.Wait() // the last commands' events, or their timeouts
	res.RSS.After = rssMB(o.ServerPID)
	if _, peak, err := ProcStats(o.ServerPID); err == nil && o.ServerPID > 0 {
		res.RSS.Peak = float64(peak) / (1 << 20)
	}
	res.Ended = tr.ended.Load()
	cancel()
	streams.Wait()
	fromSent, fromAnswer := tr.samples()
	res.Latencies, res.AfterAnswer, res.Samples = Summarise(fromSent), Summarise(fromAnswer), len(fromSent)
	res.Missing, res.Events = int(tr.missing.Load()), tr.events.Load()
	return res, nil
}

// signedIn signs a user in to the console and returns the browser's cookies and the address of
// its list page's live stream.
func signedIn(ctx context.Context, hc *http.Client, baseURL, username, password string) (http.CookieJar, string, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Transport: hc.Transport, Jar: jar}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/console/signin",
		bytes.NewBufferString(url.Values{"username": {username}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		return nil, "", err
	}
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, "", err
	}
	m := livePattern.FindSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		return nil, "", fmt.Errorf("console sign-in of %s: HTTP %d, no live stream on the page", username, resp.StatusCode)
	}
	return jar, baseURL + html.UnescapeString(string(m[1])), nil
}

var livePattern = regexp.MustCompile(`sse-connect="([^"]+)"`)

// liveTracker matches the commands of the day with the events of the Forwarder's consoles.
type liveTracker struct {
	timeout  time.Duration
	consoles int      // of the Forwarder, numbered from 0
	commands sync.Map // equipment number → *liveCommand: the one command of the container under way
	pending  sync.WaitGroup
	missing  atomic.Int64
	events   atomic.Int64
	ended    atomic.Int64
	got      [][]liveSample // per Forwarder console (appended by its own reader only)
}

// liveSample is one console hearing of one command, after since.
type liveSample struct {
	c     *liveCommand
	since time.Duration
}

// liveCommand is a command under way: who has heard of it.
type liveCommand struct {
	sent time.Time
	// took is how long the command took to be answered (set once answered).
	took  atomic.Int64
	told  bool
	heard []atomic.Bool
	left  atomic.Int32
	over  atomic.Bool
	done  chan struct{}
}

// observe is PortDayOptions.Observe: the command is registered as it is sent (its event may come
// before its answer); the container goes on when every Forwarder console heard of it, or after
// the timeout (a command the Forwarder is not told of waits a second only).
func (tr *liveTracker) observe(eq string, told bool) func(error) <-chan struct{} {
	c := &liveCommand{sent: time.Now(), told: told, heard: make([]atomic.Bool, tr.consoles), done: make(chan struct{})}
	c.left.Store(int32(tr.consoles))
	tr.commands.Store(eq, c)
	return func(err error) <-chan struct{} {
		c.took.Store(int64(time.Since(c.sent)))
		if err != nil {
			tr.commands.CompareAndDelete(eq, c)
			return nil
		}
		wait := make(chan struct{})
		timeout := tr.timeout
		if !told {
			timeout = min(timeout, time.Second)
		}
		tr.pending.Go(func() {
			defer close(wait)
			select {
			case <-c.done:
			case <-time.After(timeout):
				c.over.Store(true)
				left := int64(c.left.Load())
				// A command the Forwarder is not told of may reach none of its consoles.
				if told || left < int64(tr.consoles) {
					tr.missing.Add(left)
				}
			}
			tr.commands.CompareAndDelete(eq, c)
		})
		return wait
	}
}

// heard records that Forwarder console id heard of container eq.
func (tr *liveTracker) heard(id int, eq []byte, at time.Time) {
	v, ok := tr.commands.Load(string(eq))
	if !ok {
		return
	}
	c := v.(*liveCommand)
	if c.over.Load() || !c.heard[id].CompareAndSwap(false, true) {
		return
	}
	tr.got[id] = append(tr.got[id], liveSample{c, at.Sub(c.sent)})
	if c.left.Add(-1) == 0 {
		close(c.done)
	}
}

// follow opens a live stream and reads it until ctx ends; id is the Forwarder console's number,
// or -1 for another company's. opened receives the stream's opening.
func (tr *liveTracker) follow(ctx context.Context, c *http.Client, live string, id int, opened chan<- error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, live, nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := c.Do(req)
	if err == nil && resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		err = fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	opened <- err
	if err != nil {
		return
	}
	defer resp.Body.Close()
	r := bufio.NewReaderSize(resp.Body, 16<<10)
	prefix := []byte("event: changed-")
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			if ctx.Err() == nil && !errors.Is(err, context.Canceled) {
				tr.ended.Add(1)
			}
			return
		}
		if !bytes.HasPrefix(line, []byte("event: ")) {
			continue
		}
		tr.events.Add(1)
		if id >= 0 && bytes.HasPrefix(line, prefix) {
			tr.heard(id, bytes.TrimRight(line[len(prefix):], "\r\n"), time.Now())
		}
	}
}

// samples returns the latencies from each command's sending and from its answer.
func (tr *liveTracker) samples() (fromSent, fromAnswer []time.Duration) {
	for _, g := range tr.got {
		for _, s := range g {
			fromSent = append(fromSent, s.since)
			fromAnswer = append(fromAnswer, max(0, s.since-time.Duration(s.c.took.Load())))
		}
	}
	return fromSent, fromAnswer
}

// rssMB is a process's resident memory now, in MB (0 without a process).
func rssMB(pid int) float64 {
	if pid <= 0 {
		return 0
	}
	rss, err := RSS(pid)
	if err != nil {
		return 0
	}
	return float64(rss) / (1 << 20)
}
