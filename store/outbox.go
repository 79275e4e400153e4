package store

import (
	"context"
	"slices"
	"time"

	"github.com/portlight/portlight/release"
)

// Outbox is the notification channels of the companies and the queue of webhook deliveries made
// from the notifications that Apply commits (docs/rules.md "Notification channels"). It is part of
// Store: every store delivers webhooks; the shared suite for it is storetest.RunOutbox.
//
// How a notification becomes deliveries: whatever Apply commits waits for dispatch without the
// command doing anything more (store/sqlite: a trigger fills a table of waiting seqs in the
// command's transaction; store/postgres: a cursor over seqs that only moves up to the seq horizon,
// below which every seq is committed or never will be). DispatchNotifications takes waiting
// notifications, marks them dispatched and makes, in the same transaction, one Delivery per
// channel that wants it (Channel.Wants).
//
// Order: the deliveries of one channel and one container (equipment number) form a queue in
// notification seq order (a container's commands are serialised, so its seqs are in commit order).
// Only the head of such a queue, the pending delivery with the lowest seq, can be claimed; the
// others wait until it is delivered or dead. Notifications without an equipment number are not
// ordered. Different containers and different channels never wait for one another.
//
// Claims are leases: ClaimDeliveries gives a node the ready deliveries until LeaseUntil; a claim
// that is neither completed nor released in time is claimable again (a dead node's work is taken
// over). Several nodes may claim at once: no delivery is ever held by two leases.
//
// The store keeps the rules of neither back-off nor dead-lettering: the caller decides each
// attempt's outcome (DeliveryResult) and the store records it.
//
// With concurrent writers (several nodes on PostgreSQL), dispatches run one at a time, in seq
// order; a dispatch that makes a delivery blocked behind a pending head, and an outcome that ends
// that head and unblocks the next, must see each other (store/postgres locks the queue for both),
// or the new delivery would wait behind a head that is gone.
type Outbox interface {
	// CreateChannel stores a new channel; ErrConflict when its ID exists.
	CreateChannel(ctx context.Context, c Channel) error
	// UpdateChannel replaces the channel c.ID of company c.CompanyID (CreatedAt is kept);
	// ErrNotFound when that company has no such channel.
	UpdateChannel(ctx context.Context, c Channel) error
	// DeleteChannel removes a company's channel and all its deliveries; ErrNotFound when that
	// company has no such channel.
	DeleteChannel(ctx context.Context, companyID, channelID string) error
	// Channel returns one channel of a company; ErrNotFound when that company has no such channel
	// (another company's channel is not found either). companyID "" matches any company.
	Channel(ctx context.Context, companyID, channelID string) (Channel, error)
	// Channels returns a company's channels, or with companyID "" every channel, by company, then
	// creation time, then ID.
	Channels(ctx context.Context, companyID string) ([]Channel, error)

	// DispatchNotifications turns up to r.Limit undispatched notifications, the oldest first, into
	// deliveries for the channels that want them, and marks them dispatched, in one transaction.
	DispatchNotifications(ctx context.Context, r DispatchRequest) (Dispatched, error)
	// ClaimDeliveries leases to r.Node, for each channel of r.Limits, up to that many ready
	// deliveries: pending, head of their queue, NextAttemptAt not after r.Now, not leased (or their
	// lease ran out by r.Now), due the longest first. The deliveries come with their notification.
	ClaimDeliveries(ctx context.Context, r ClaimRequest) ([]Delivery, error)
	// CompleteDeliveries records the outcome of attempts, in one transaction (see DeliveryResult).
	CompleteDeliveries(ctx context.Context, results []DeliveryResult) error
	// ReleaseLeases gives back every lease node holds (a restarted node's claims of its previous
	// life) and returns how many there were.
	ReleaseLeases(ctx context.Context, node string) (int, error)
	// RetryNow makes the pending heads of a channel's queues that wait for a retry (attempted at
	// least once, not leased) due at now, once the channel has answered again; it returns how many.
	RetryNow(ctx context.Context, channelID string, now time.Time) (int, error)
	// Deliveries returns a channel's deliveries matching q, the newest (highest seq) first, each
	// with its notification (without Message) and its last attempts, the latest first.
	Deliveries(ctx context.Context, q DeliveryQuery) ([]Delivery, error)
	// ReplayDelivery puts a dead delivery of the channel back in its queue, due at now, to be
	// retried until expiresAt; ErrNotFound when the channel has no such delivery, ErrConflict when
	// it is not dead. It goes behind whatever of its queue is still pending.
	ReplayDelivery(ctx context.Context, channelID, deliveryID string, now, expiresAt time.Time) (Delivery, error)
	// OutboxStats counts what waits: undispatched notifications, pending and dead deliveries.
	OutboxStats(ctx context.Context) (OutboxStats, error)
	// PruneDeliveries removes delivered and dead deliveries made before before, with their
	// attempts, and returns how many.
	PruneDeliveries(ctx context.Context, before time.Time) (int, error)
}

// Channel is a company's notification channel: a webhook that its notifications are POSTed to.
type Channel struct {
	ID        string
	CompanyID string
	Name      string
	URL       string
	// Types are the notification types (release.NotificationTypes) the channel wants; none: all.
	Types []string
	Auth  ChannelAuth
	// Sealed is what must stay secret (the signing secrets, the static headers, the receiver's
	// credentials), as the delivery package sealed it (encrypted when the node has a key). The
	// store keeps it as it is and never looks inside.
	Sealed    string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ChannelAuth is how Portlight logs in to a channel's receiver, without the secrets (those are in
// Channel.Sealed).
type ChannelAuth struct {
	Type          string   `json:"type"` // none, OAuth2ClientCredentials or OAuth2Password
	TokenEndpoint string   `json:"tokenEndpoint,omitempty"`
	ClientID      string   `json:"clientId,omitempty"`
	Scopes        []string `json:"scopes,omitempty"`
	Username      string   `json:"username,omitempty"`
}

// Wants reports whether the channel is to deliver notification n: n is for the channel's company
// and of a type it asked for (a channel without a filter gets every type but those that go only
// to channels naming them, release.Unasked). It is the one fan-out rule every Outbox applies.
func (c *Channel) Wants(n *StoredNotification) bool {
	if n.ReceiverID != c.CompanyID {
		return false
	}
	if len(c.Types) == 0 {
		return !release.Unasked(n.Type)
	}
	return slices.Contains(c.Types, n.Type)
}

// DeliveryStatus is where a delivery stands.
type DeliveryStatus int

// Delivery statuses.
const (
	DeliveryPending   DeliveryStatus = iota // waits for an attempt, or for an earlier delivery of its queue
	DeliveryDelivered                       // the receiver answered 2xx
	DeliveryDead                            // given up on (dead letter): the company can see and replay it
)

func (s DeliveryStatus) String() string {
	switch s {
	case DeliveryPending:
		return "Pending"
	case DeliveryDelivered:
		return "Delivered"
	case DeliveryDead:
		return "Dead"
	}
	return "Unknown"
}

// Delivery is one notification to one channel. Its ID is the same for every attempt (the
// receiver's de-duplication key, sent as webhook-id).
type Delivery struct {
	ID        string
	ChannelID string
	Seq       int64 // the notification's
	Status    DeliveryStatus
	Attempts  int
	// CreatedAt is when the notification was dispatched; ExpiresAt is when retrying stops.
	CreatedAt     time.Time
	ExpiresAt     time.Time
	NextAttemptAt time.Time
	LeasedBy      string
	LeasedUntil   time.Time
	DeliveredAt   time.Time // zero until delivered
	// Last is the latest attempt (zero without one); Recent are the latest attempts, the latest
	// first (only filled by Deliveries).
	Last   DeliveryAttempt
	Recent []DeliveryAttempt
	// Notification is the notification delivered; its Message is only filled by ClaimDeliveries.
	Notification StoredNotification
}

// DeliveryAttempt is one try to deliver: its time, what the receiver answered (StatusCode 0 when
// it did not answer) and how long it took.
type DeliveryAttempt struct {
	At         time.Time
	StatusCode int
	Latency    time.Duration
	Error      string
}

// DispatchRequest asks to dispatch up to Limit notifications at Now; the deliveries made are due
// at once and retried until ExpiresAt.
type DispatchRequest struct {
	Now       time.Time
	ExpiresAt time.Time
	Limit     int
}

// Dispatched is what one DispatchNotifications did: how many notifications it dispatched and how
// many deliveries it made per channel.
type Dispatched struct {
	Notifications int
	Deliveries    map[string]int
}

// ClaimRequest asks for ready deliveries: Limits maps a channel ID to how many it may take.
type ClaimRequest struct {
	Node       string
	Now        time.Time
	LeaseUntil time.Time
	Limits     map[string]int
}

// Outcome is what became of an attempt.
type Outcome int

// Outcomes of an attempt.
const (
	// OutcomeDelivered: the receiver took it; the next delivery of its queue becomes ready.
	OutcomeDelivered Outcome = iota
	// OutcomeRetry: it failed and is tried again at NextAttemptAt.
	OutcomeRetry
	// OutcomeDead: it failed for the last time; the next delivery of its queue becomes ready.
	OutcomeDead
	// OutcomeReleased: no attempt was made (shutdown); the lease is given back, nothing counted.
	OutcomeReleased
)

// DeliveryResult is the outcome of one claimed delivery. Retry, Dead and Released apply only while
// Node still holds the lease (after it ran out another node may have claimed the delivery);
// Delivered applies to any pending delivery. Every outcome but Released counts an attempt and
// records it.
type DeliveryResult struct {
	ID            string
	Node          string
	Outcome       Outcome
	Attempt       DeliveryAttempt
	NextAttemptAt time.Time // for OutcomeRetry
}

// DeliveryQuery selects a channel's deliveries: with Status set, only those in it; BeforeSeq > 0
// pages (seq below it); Limit bounds the answer (0: 50).
type DeliveryQuery struct {
	ChannelID string
	Status    *DeliveryStatus
	BeforeSeq int64
	Limit     int
}

// OutboxStats is what waits in the outbox.
type OutboxStats struct {
	Undispatched int
	Pending      int
	Dead         int
}
