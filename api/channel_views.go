package api

import (
	"time"

	"github.com/portlight/portlight/delivery"
	"github.com/portlight/portlight/store"
)

// The JSON views of the notification channels and their deliveries: what a company sees of them.

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

// isoMillis is how the channel views write times.
const isoMillis = "2006-01-02T15:04:05.000Z"

func iso(t time.Time) string { return t.UTC().Format(isoMillis) }

func isoOrNull(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := iso(t)
	return &s
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
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
