package delivery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/portlight/portlight/store"
)

// UserAgent is what Portlight calls itself to receivers.
const UserAgent = "Portlight-Webhooks/1.0"

// attempt POSTs one delivery and decides what follows (delivered, retry, dead, or released when
// the node shuts down under it or its lease is too short to start).
func (d *Dispatcher) attempt(st *channelState, dl store.Delivery) completion {
	if !d.startable(dl) {
		// Claimed ahead, it waited for a slot until its lease got too short: give it back unsent
		// (not an attempt); the next claim takes it again, still at the head of its queue.
		c := completion{channelID: dl.ChannelID, storedOn: dl.Notification.StoredOn}
		c.ID, c.Node, c.Outcome = dl.ID, d.opt.Node, store.OutcomeReleased
		d.metrics.GivenBack.Inc()
		return c
	}
	at := d.opt.Now()
	start := time.Now()
	ctx, cancel := context.WithTimeout(d.sendCtx, d.opt.Timeout)
	status, errText, reason := d.post(ctx, st, dl)
	cancel()
	latency := time.Since(start)
	d.metrics.AttemptDuration.Observe(latency.Seconds())
	c := completion{channelID: dl.ChannelID, storedOn: dl.Notification.StoredOn}
	c.ID, c.Node = dl.ID, d.opt.Node
	c.Attempt = store.DeliveryAttempt{At: at, StatusCode: status, Latency: latency, Error: errText}
	switch {
	case status >= 200 && status < 300:
		c.Outcome = store.OutcomeDelivered
	case d.sendCtx.Err() != nil:
		c.Outcome = store.OutcomeReleased // shutting down: not the receiver's fault, not an attempt
	default:
		st.failing.Store(true)
		d.metrics.Failures.WithLabelValues(reason).Inc()
		c.Outcome, c.NextAttemptAt = d.opt.Retry.After(dl.Attempts+1, d.opt.Now(), dl.ExpiresAt, d.opt.Jitter())
	}
	return c
}

// post sends the delivery, with a bearer token when the channel logs in: on a 401 the token is
// dropped, a new one fetched and the message sent once more (the receiver's token expired or was
// revoked early).
func (d *Dispatcher) post(ctx context.Context, st *channelState, dl store.Delivery) (status int, errText, reason string) {
	token := ""
	if st.tokens != nil {
		var err error
		if token, err = st.tokens.token(ctx); err != nil {
			return 0, clip(err.Error()), "token"
		}
	}
	status, errText, reason = d.send(ctx, st, dl, token)
	if status == http.StatusUnauthorized && st.tokens != nil {
		st.tokens.invalidate(token)
		fresh, err := st.tokens.token(ctx)
		if err != nil {
			return status, clip("HTTP 401, then " + err.Error()), "token"
		}
		status, errText, reason = d.send(ctx, st, dl, fresh)
	}
	return status, errText, reason
}

// send makes one HTTP request of a delivery and reads at most MaxBody of the answer.
func (d *Dispatcher) send(ctx context.Context, st *channelState, dl store.Delivery, token string) (int, string, string) {
	body := dl.Notification.Message
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, st.ch.URL, bytes.NewReader(body))
	if err != nil {
		return 0, clip(err.Error()), "network"
	}
	for k, v := range st.ch.secrets.Headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	now := d.opt.Now()
	sig, err := sign(st, dl.ID, now, body)
	if err != nil {
		return 0, clip(err.Error()), "network"
	}
	req.Header.Set(standardwebhooks.HeaderWebhookID, dl.ID)
	req.Header.Set(standardwebhooks.HeaderWebhookTimestamp, strconv.FormatInt(now.Unix(), 10))
	req.Header.Set(standardwebhooks.HeaderWebhookSignature, sig)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := d.client.Do(req)
	if err != nil {
		reason := "network"
		switch {
		case errors.Is(err, ErrRefusedAddress):
			reason = "refused_address"
		case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
			reason = "timeout"
			err = fmt.Errorf("no answer within %s", d.opt.Timeout)
		}
		return 0, clip(err.Error()), reason
	}
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, d.opt.MaxBody))
	resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp.StatusCode, "", ""
	}
	reason := "http_other"
	switch resp.StatusCode / 100 {
	case 4:
		reason = "http_4xx"
	case 5:
		reason = "http_5xx"
	}
	text := "HTTP " + strconv.Itoa(resp.StatusCode)
	if s := printable(answer); s != "" {
		text += ": " + s
	}
	return resp.StatusCode, clip(text), reason
}

// sign makes the webhook-signature header: one Standard Webhooks v1 signature per secret that
// signs at now (the current one, and the previous one during its grace after a rotation).
func sign(st *channelState, id string, now time.Time, body []byte) (string, error) {
	sigs := make([]string, 0, 2)
	for i, wh := range st.signers {
		if i > 0 && !now.Before(st.prevTil) {
			break
		}
		s, err := wh.Sign(id, now, body)
		if err != nil {
			return "", err
		}
		sigs = append(sigs, s)
	}
	if len(sigs) == 0 {
		return "", errors.New("the channel has no signing secret")
	}
	return strings.Join(sigs, " "), nil
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// printable keeps the printable part of a receiver's answer, on one line.
func printable(b []byte) string {
	s := strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case !unicode.IsPrint(r):
			return -1
		}
		return r
	}, string(bytes.ToValidUTF8(b, nil)))
	return strings.TrimSpace(s)
}

// clip bounds an error text kept with an attempt.
func clip(s string) string {
	const limit = 300
	if len(s) <= limit {
		return s
	}
	return strings.ToValidUTF8(s[:limit], "") + "…"
}
