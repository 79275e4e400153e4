package console

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// events handles GET /console/events: a server-sent event stream of what happens to the
// company's containers, fed from its committed notifications. For each new notification it sends
// "changed" (the lists reload) and "changed-{equipment number}" (that container's page and gate
// screen reload); the pages ask the server again, so the stream carries no data of its own.
//
// For now each stream polls the store for its company's notifications after the last one it saw
// (every Options.LivePoll, 300 ms by default): it sees the commits of every node sharing the
// database, the one thing a wake-up inside this node (delivery's WakeAfterApply) would not. One
// poller per node and company, fanning out to its streams, is the next step when many people
// watch one company.
func (c *Console) events(w http.ResponseWriter, r *http.Request) {
	caller, ss := callerOf(r), sessionOf(r)
	rc := http.NewResponseController(w)
	// The server's write timeout is for answers, not for a stream that lasts as long as the page.
	_ = rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	_, _ = fmt.Fprint(w, ": live\n\n")
	if rc.Flush() != nil {
		return
	}
	// A stream starts where the page it serves was rendered (liveMark): what was committed since
	// then is sent at once, what the page showed is not sent again.
	seq, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	fromMS, _ := strconv.ParseInt(r.URL.Query().Get("from"), 10, 64)
	from := time.UnixMilli(fromMS)
	if oldest := c.now().Add(-liveWindow); from.Before(oldest) {
		from = oldest
	}
	ctx := r.Context()
	tick := time.NewTicker(c.opts.LivePoll)
	defer tick.Stop()
	keepAlive := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.stopping:
			return
		case <-tick.C:
		}
		if !c.stillValid(r, ss) {
			// Revoked or expired: the stream ends, and the page's next request signs it out.
			_, _ = fmt.Fprint(w, "event: signedout\ndata: \n\n")
			_ = rc.Flush()
			return
		}
		rows, err := c.svc.NotificationsAfter(ctx, caller, seq, from, 500)
		if err != nil {
			if ctx.Err() == nil {
				slog.Error("console: live updates", "err", err)
			}
			return
		}
		changed := map[string]bool{}
		for _, n := range rows {
			seq = n.Seq
			if n.EquipmentNumber != "" {
				changed[n.EquipmentNumber] = true
			}
		}
		switch {
		case len(changed) > 0:
			_, _ = fmt.Fprint(w, "event: changed\ndata: \n\n")
			for eq := range changed {
				_, _ = fmt.Fprintf(w, "event: changed-%s\ndata: \n\n", eq)
			}
		case time.Since(keepAlive) > 20*time.Second:
			_, _ = fmt.Fprint(w, ": keep-alive\n\n")
		default:
			continue
		}
		keepAlive = time.Now()
		if rc.Flush() != nil {
			return
		}
	}
}

// liveWindow is how far back a page's live stream may start: a page open longer than that
// without a stream (a laptop asleep) reloads what changed in the last minutes only.
const liveWindow = 10 * time.Minute

// liveURL is the address of the live stream for a page rendered now: it carries the mark of the
// company's notifications so far (service.NotificationMark over the last minute).
func (c *Console) liveURL(r *http.Request) string {
	from := c.now().Add(-time.Minute)
	mark, err := c.svc.NotificationMark(r.Context(), callerOf(r), from)
	if err != nil {
		slog.Error("console: live mark", "err", err)
	}
	return "/console/events?" + url.Values{"after": {strconv.FormatInt(mark, 10)}, "from": {strconv.FormatInt(from.UnixMilli(), 10)}}.Encode()
}
