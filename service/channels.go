package service

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/portlight/portlight/delivery"
	"github.com/portlight/portlight/store"
)

// Notification channels (SPEC.md "Portlight's own endpoints": notification-channels): each
// company manages its own webhooks, sees its deliveries and replays its dead letters. A company
// only ever sees its own channels: another company's channel id is not found (404), the same as
// one that does not exist, so ids cannot be probed.

// ChannelView is a channel as its company sees it: everything but the credentials (header values
// that look like credentials are masked).
type ChannelView struct {
	ChannelID      string            `json:"channelId"`
	Name           string            `json:"name"`
	URL            string            `json:"url"`
	Method         string            `json:"method"`
	Types          []string          `json:"types"`
	Headers        map[string]string `json:"headers"`
	Authentication AuthView          `json:"authentication"`
	CreatedAt      string            `json:"createdAt"`
	UpdatedAt      string            `json:"updatedAt"`
	// PreviousSecretValidUntil is set during the grace period after a secret rotation, while
	// deliveries are signed with both secrets.
	PreviousSecretValidUntil *string `json:"previousSecretValidUntil"`
}

// AuthView is a channel's authentication without its secrets.
type AuthView struct {
	Type          string   `json:"type"`
	TokenEndpoint *string  `json:"tokenEndpoint"`
	ClientID      *string  `json:"clientId"`
	Scopes        []string `json:"scopes"`
	Username      *string  `json:"username"`
}

// CreatedChannel is the answer to a new channel: the channel and, this once, its signing secret.
type CreatedChannel struct {
	ChannelView
	Secret string `json:"secret"`
}

// RotatedSecret is the answer to a secret rotation: the new secret, shown this once.
type RotatedSecret struct {
	ChannelID                string `json:"channelId"`
	Secret                   string `json:"secret"`
	PreviousSecretValidUntil string `json:"previousSecretValidUntil"`
}

// DeliveryView is one notification sent (or to be sent) to a channel, with its attempts.
type DeliveryView struct {
	DeliveryID        string        `json:"deliveryId"`
	Status            string        `json:"status"`
	Type              string        `json:"type"`
	Event             string        `json:"event"`
	EquipmentNumber   string        `json:"equipmentNumber"`
	PublicReferenceID string        `json:"publicReferenceId"`
	StoredOn          string        `json:"storedOn"`
	Attempts          int           `json:"attempts"`
	NextAttemptAt     *string       `json:"nextAttemptAt"`
	DeliveredAt       *string       `json:"deliveredAt"`
	RetryUntil        string        `json:"retryUntil"`
	RecentAttempts    []AttemptView `json:"recentAttempts"`
}

// AttemptView is one attempt: what the receiver answered (statusCode null when it did not), how
// long it took and what went wrong.
type AttemptView struct {
	At         string  `json:"at"`
	StatusCode *int    `json:"statusCode"`
	LatencyMs  float64 `json:"latencyMs"`
	Error      *string `json:"error"`
}

// DeliveryList is a page of a channel's deliveries, the newest first; Next, when set, is the
// "before" of the next page.
type DeliveryList struct {
	Deliveries []DeliveryView `json:"deliveries"`
	Next       *string        `json:"next"`
}

// DeliveryFilter selects a channel's deliveries: Status (Pending, Delivered, Dead; empty: all),
// Before (a page's Next), Limit (1-200, default 50).
type DeliveryFilter struct {
	Status string
	Before string
	Limit  int
}

const isoMillis = "2006-01-02T15:04:05.000Z"

func iso(t time.Time) string { return t.UTC().Format(isoMillis) }

func isoOrNull(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := iso(t)
	return &s
}

func (s *Service) channels() (*delivery.Manager, error) {
	if s.Channels == nil {
		return nil, Errorf(CodeNotFound, "Notification channels are not available on this node.")
	}
	return s.Channels, nil
}

// channelError maps what the channel manager says to the service's codes.
func channelError(err error, channelID string) error {
	var inv *delivery.InvalidError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &inv):
		return FieldError(inv.Field, inv.Message)
	case errors.Is(err, store.ErrNotFound):
		return Errorf(CodeNotFound, "No notification channel %s.", channelID)
	case errors.Is(err, store.ErrConflict):
		return &Error{Code: CodeConflict, Message: "Only a dead delivery can be replayed.", Err: err}
	}
	return Internal(err)
}

// CreateChannel creates a channel of the caller's company.
func (s *Service) CreateChannel(ctx context.Context, c *Caller, spec delivery.Spec) (CreatedChannel, error) {
	m, err := s.channels()
	if err != nil {
		return CreatedChannel{}, err
	}
	ch, err := m.Create(ctx, c.Company.NxtEntityID, spec)
	if err != nil {
		return CreatedChannel{}, channelError(err, "")
	}
	return CreatedChannel{ChannelView: ViewChannel(ch), Secret: ch.SigningSecret()}, nil
}

// ChannelsOf lists the caller's channels.
func (s *Service) ChannelsOf(ctx context.Context, c *Caller) ([]ChannelView, error) {
	m, err := s.channels()
	if err != nil {
		return nil, err
	}
	chs, err := m.List(ctx, c.Company.NxtEntityID)
	if err != nil {
		return nil, channelError(err, "")
	}
	out := make([]ChannelView, 0, len(chs))
	for _, ch := range chs {
		out = append(out, ViewChannel(ch))
	}
	return out, nil
}

// Channel returns one of the caller's channels.
func (s *Service) Channel(ctx context.Context, c *Caller, channelID string) (ChannelView, error) {
	m, err := s.channels()
	if err != nil {
		return ChannelView{}, err
	}
	ch, err := m.Get(ctx, c.Company.NxtEntityID, channelID)
	if err != nil {
		return ChannelView{}, channelError(err, channelID)
	}
	return ViewChannel(ch), nil
}

// UpdateChannel replaces one of the caller's channels.
func (s *Service) UpdateChannel(ctx context.Context, c *Caller, channelID string, spec delivery.Spec) (ChannelView, error) {
	m, err := s.channels()
	if err != nil {
		return ChannelView{}, err
	}
	ch, err := m.Update(ctx, c.Company.NxtEntityID, channelID, spec)
	if err != nil {
		return ChannelView{}, channelError(err, channelID)
	}
	return ViewChannel(ch), nil
}

// DeleteChannel deletes one of the caller's channels and its deliveries.
func (s *Service) DeleteChannel(ctx context.Context, c *Caller, channelID string) error {
	m, err := s.channels()
	if err != nil {
		return err
	}
	return channelError(m.Delete(ctx, c.Company.NxtEntityID, channelID), channelID)
}

// RotateChannelSecret gives one of the caller's channels a new signing secret.
func (s *Service) RotateChannelSecret(ctx context.Context, c *Caller, channelID string) (RotatedSecret, error) {
	m, err := s.channels()
	if err != nil {
		return RotatedSecret{}, err
	}
	ch, err := m.RotateSecret(ctx, c.Company.NxtEntityID, channelID)
	if err != nil {
		return RotatedSecret{}, channelError(err, channelID)
	}
	return RotatedSecret{ChannelID: ch.ID, Secret: ch.SigningSecret(), PreviousSecretValidUntil: iso(ch.PreviousSecretUntil())}, nil
}

// ChannelDeliveries lists the recent deliveries of one of the caller's channels.
func (s *Service) ChannelDeliveries(ctx context.Context, c *Caller, channelID string, f DeliveryFilter) (DeliveryList, error) {
	m, err := s.channels()
	if err != nil {
		return DeliveryList{}, err
	}
	q := store.DeliveryQuery{ChannelID: channelID, Limit: f.Limit}
	switch f.Status {
	case "":
	case "Pending", "pending":
		st := store.DeliveryPending
		q.Status = &st
	case "Delivered", "delivered":
		st := store.DeliveryDelivered
		q.Status = &st
	case "Dead", "dead":
		st := store.DeliveryDead
		q.Status = &st
	default:
		return DeliveryList{}, FieldError("status", "'status' must be one of Pending, Delivered, Dead.")
	}
	if f.Before != "" {
		seq, err := strconv.ParseInt(f.Before, 10, 64)
		if err != nil || seq <= 0 {
			return DeliveryList{}, FieldError("before", "'before' must be the 'next' of a previous page.")
		}
		q.BeforeSeq = seq
	}
	if f.Limit < 0 || f.Limit > 200 {
		return DeliveryList{}, FieldError("limit", "'limit' must be between 1 and 200.")
	}
	if q.Limit == 0 {
		q.Limit = 50
	}
	ds, err := m.Deliveries(ctx, c.Company.NxtEntityID, q)
	if err != nil {
		return DeliveryList{}, channelError(err, channelID)
	}
	out := DeliveryList{Deliveries: make([]DeliveryView, 0, len(ds))}
	for _, d := range ds {
		out.Deliveries = append(out.Deliveries, ViewDelivery(d))
	}
	if len(ds) == q.Limit {
		next := strconv.FormatInt(ds[len(ds)-1].Seq, 10)
		out.Next = &next
	}
	return out, nil
}

// ReplayDelivery sends a dead letter of one of the caller's channels again.
func (s *Service) ReplayDelivery(ctx context.Context, c *Caller, channelID, deliveryID string) (DeliveryView, error) {
	m, err := s.channels()
	if err != nil {
		return DeliveryView{}, err
	}
	d, err := m.Replay(ctx, c.Company.NxtEntityID, channelID, deliveryID)
	if errors.Is(err, store.ErrNotFound) {
		return DeliveryView{}, Errorf(CodeNotFound, "No delivery %s on notification channel %s.", deliveryID, channelID)
	}
	if err != nil {
		return DeliveryView{}, channelError(err, channelID)
	}
	return ViewDelivery(d), nil
}

// ViewChannel renders a channel for its company.
func ViewChannel(ch delivery.Channel) ChannelView {
	types := ch.Types
	if types == nil {
		types = []string{}
	}
	headers := ch.ShownHeaders() // credential-like values masked (delivery/headers.go)
	a := ch.Auth
	auth := AuthView{Type: a.Type, Scopes: a.Scopes}
	if a.Type != delivery.AuthNone {
		auth.TokenEndpoint, auth.ClientID = optional(a.TokenEndpoint), optional(a.ClientID)
		auth.Username = optional(a.Username)
		if auth.Scopes == nil {
			auth.Scopes = []string{}
		}
	}
	v := ChannelView{ChannelID: ch.ID, Name: ch.Name, URL: ch.URL, Method: "POST", Types: types, Headers: headers,
		Authentication: auth, CreatedAt: iso(ch.CreatedAt), UpdatedAt: iso(ch.UpdatedAt)}
	if until := ch.PreviousSecretUntil(); !until.IsZero() && time.Now().Before(until) {
		v.PreviousSecretValidUntil = isoOrNull(until)
	}
	return v
}

// ViewDelivery renders a delivery for its company.
func ViewDelivery(d store.Delivery) DeliveryView {
	v := DeliveryView{DeliveryID: d.ID, Status: d.Status.String(), Type: d.Notification.Type, Event: d.Notification.Event,
		EquipmentNumber: d.Notification.EquipmentNumber, PublicReferenceID: d.Notification.PublicReferenceID,
		StoredOn: iso(d.Notification.StoredOn), Attempts: d.Attempts, DeliveredAt: isoOrNull(d.DeliveredAt),
		RetryUntil: iso(d.ExpiresAt), RecentAttempts: []AttemptView{}}
	if d.Status == store.DeliveryPending {
		v.NextAttemptAt = isoOrNull(d.NextAttemptAt)
	}
	attempts := d.Recent
	if len(attempts) == 0 && !d.Last.At.IsZero() {
		attempts = []store.DeliveryAttempt{d.Last}
	}
	for _, a := range attempts {
		av := AttemptView{At: iso(a.At), LatencyMs: float64(a.Latency.Microseconds()) / 1000, Error: optional(a.Error)}
		if a.StatusCode != 0 {
			code := a.StatusCode
			av.StatusCode = &code
		}
		v.RecentAttempts = append(v.RecentAttempts, av)
	}
	return v
}
