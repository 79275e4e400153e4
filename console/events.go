package console

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/portlight/portlight/service"
)

// events handles GET /console/events: a server-sent event stream of what happens to the
// company's containers, fed from its committed notifications. For each new notification it sends
// "changed" (the lists reload) and "changed-{equipment number}" (that container's page and gate
// screen reload); the pages ask the server again, so the stream carries no data of its own. When
// the session ends (its user revoked, its absolute expiry passed) it sends "signedout" and ends.
//
// The stream is a subscriber of the node's one poller (live.go); it catches up by itself on what
// was committed between its page's mark and where the poller stood when it joined.
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
	// A stream starts where the page it serves was rendered (liveURL): what was committed since
	// then is sent at once, what the page showed is not sent again.
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	fromMS, _ := strconv.ParseInt(r.URL.Query().Get("from"), 10, 64)
	from := time.UnixMilli(fromMS)
	if oldest := c.now().Add(-liveWindow); from.Before(oldest) {
		from = oldest
	}
	ctx := r.Context()
	sub, cursor, err := c.live.subscribe(ctx, caller.Company.NxtEntityID, ss, after)
	if err != nil {
		if ctx.Err() == nil {
			slog.Error("console: live updates", "err", err)
		}
		return
	}
	defer c.live.unsubscribe(sub)
	if after < cursor {
		c.catchUp(ctx, caller, sub, after, cursor, from)
	}
	keepAlive := time.NewTicker(20 * time.Second)
	defer keepAlive.Stop()
	var b []byte
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.stopping:
			return
		case <-keepAlive.C:
			b = append(b[:0], ": keep-alive\n\n"...)
		case <-sub.ready:
			containers, reload, signedOut := sub.take()
			if signedOut {
				// Revoked or expired: the stream ends, and the page's next request signs it out.
				_, _ = fmt.Fprint(w, "event: signedout\ndata: \n\n")
				_ = rc.Flush()
				return
			}
			if !reload {
				continue
			}
			b = append(b[:0], "event: changed\ndata: \n\n"...)
			for _, eq := range containers {
				b = append(append(append(b, "event: changed-"...), eq...), "\ndata: \n\n"...)
			}
		}
		if _, err := w.Write(b); err != nil || rc.Flush() != nil {
			return
		}
	}
}

// catchUp tells sub of the company's notifications after seq after up to the hub's cursor, which
// the hub will not tell it of: those committed after its page was rendered and before it joined.
func (c *Console) catchUp(ctx context.Context, caller *service.Caller, sub *subscriber, after, cursor int64, from time.Time) {
	const limit = 500
	rows, err := c.svc.NotificationsAfter(ctx, caller, after, from, limit)
	if err != nil {
		if ctx.Err() == nil {
			slog.Error("console: live updates", "err", err)
		}
		sub.tell("") // reload rather than miss something
		return
	}
	for _, n := range rows {
		if n.Seq > cursor {
			return
		}
		if n.EquipmentNumber != "" {
			sub.tell(n.EquipmentNumber)
		}
	}
	if len(rows) == limit {
		sub.tell("")
	}
}

// liveWindow is how far back a page's live stream may start: a page open longer than that
// without a stream (a laptop asleep) reloads what changed in the last minutes only.
const liveWindow = 10 * time.Minute

// liveURL is the address of the live stream for a page rendered now: it carries the mark of the
// notifications so far (service.NotificationHorizon), and a time a little before now that bounds
// what the stream catches up on.
func (c *Console) liveURL(r *http.Request) string {
	from := c.now().Add(-time.Minute)
	mark, err := c.svc.NotificationHorizon(r.Context())
	if err != nil {
		slog.Error("console: live mark", "err", err)
	}
	return "/console/events?" + url.Values{"after": {strconv.FormatInt(mark, 10)}, "from": {strconv.FormatInt(from.UnixMilli(), 10)}}.Encode()
}
