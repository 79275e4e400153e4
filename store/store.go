// Package store defines what Portlight asks of a database: apply commands to containers atomically
// (state change, audit record and notifications in one transaction), read state and notifications
// back, and keep the registry. Each adapter (store/sqlite, store/postgres) implements Store and
// passes the shared suite in store/storetest.
package store

import (
	"context"
	"time"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/internal/fault"
	"github.com/portlight/portlight/release"
)

// ErrNotFound is returned when a looked-up record does not exist (the one error vocabulary's,
// package fault: a caller that passes it on has it answered as a 404).
var ErrNotFound = fault.ErrNotFound

// ErrConflict is returned when a record would duplicate a unique one (fault's: a 409).
var ErrConflict = fault.ErrConflict

// Op is one command applied to one container. Decide is the pure rule of the core, called with the
// container's current state (rights and facts) inside the store's write path; whatever it returns
// is committed together with the audit record (Outcome.Facts, when not nil, replaces the
// container's facts; nil leaves them as they are). An Op with an empty EquipmentNumber concerns no
// container: Decide is called with nil and only its notifications are kept (generic-service
// answers), not its rights nor its facts.
type Op struct {
	PortLoCode      string
	EquipmentNumber string
	Decide          func(c *release.Container) release.Outcome
	Audit           Audit
}

// Audit is the audit record of one command: who asked what, when, and what came of it
// (the outcome is filled in by the store from Decide's result).
type Audit struct {
	PublicReferenceID string
	CompanyID         string
	Action            string
	EquipmentNumber   string
	Request           []byte
	At                time.Time
}

// AuditRecord is a stored audit record.
type AuditRecord struct {
	Audit
	Seq      int64
	Rejected bool
	Reason   string
}

// StoredNotification is a notification as kept for the pull API (Notification Service 2.0) and the
// delivery outbox.
type StoredNotification struct {
	Seq                 int64
	ReceiverID          string
	Type                string
	Event               string
	EquipmentNumber     string
	ReleaseID           string
	PublicReferenceID   string
	ExternalReferenceID *string
	StoredOn            time.Time
	Message             []byte // the notification JSON, exactly as delivered
}

// NotificationHead is what the console's live updates need of a stored notification: who was
// told about which container.
type NotificationHead struct {
	Seq             int64
	ReceiverID      string
	EquipmentNumber string
}

// NotificationQuery selects a company's notifications. Empty fields do not filter; From/To bound
// storedOn (From inclusive, To exclusive). Limit 0 means no limit; results come oldest first.
type NotificationQuery struct {
	ReceiverID        string
	Event             string
	EquipmentNumber   string
	PublicReferenceID string
	ReleaseID         string
	From, To          time.Time
	AfterSeq          int64
	Limit             int
}

// RightsQuery asks for a company's rights list in a port, or one page of it.
type RightsQuery struct {
	CompanyID  string
	PortLoCode string
	release.ListIndex
	Offset, Limit int
}

// ContainerRef names one container.
type ContainerRef struct {
	PortLoCode      string
	EquipmentNumber string
}

// CCRMUsage is one line of the CCRM billing report: a company and the containers it read in a month.
type CCRMUsage struct {
	CompanyID  string
	Month      string
	Containers int
}

// Store is the database of the platform.
type Store interface {
	// Apply applies ops in order, each against the state the previous ones left, and returns once
	// their state changes, audit records and notifications are durably committed. Commands for the
	// same container never run against the same old state, whatever node or goroutine sends them.
	//
	// Applying is idempotent by Audit.PublicReferenceID and the op's index among ops (a bulk call
	// carries several ops under one publicReferenceId): a call whose ops are stored already (a
	// call retried after a commit whose answer was lost, or sent again) is not decided again but
	// answered from their audit records (Rejected and Reason only); another command under a
	// stored publicReferenceId and index fails with ErrConflict. Ops without a publicReferenceId
	// are not recognised (store/internal/group/recognise.go).
	Apply(ctx context.Context, ops ...Op) ([]release.Outcome, error)
	// Container returns the live rights of one container (see release.LiveWindow) as of now, and
	// its facts (release.Facts, as the last Outcome.Facts that concerned it left them).
	Container(ctx context.Context, portLoCode, equipmentNumber string, now time.Time) (*release.Container, error)
	// RightsAssignedTo returns the rights a company owns or has pending in a port, not deleted,
	// that q's ListIndex selects, oldest first (by creation time, then release id), from q.Offset
	// on and at most q.Limit of them (0: all), and how many the whole selection holds.
	RightsAssignedTo(ctx context.Context, q RightsQuery) (rights []*release.Right, total int, err error)
	// StakeholderRights returns the releases q selects (store/console.go), newest or oldest first
	// (by creation time, then release id), one page of them, and how many the whole selection holds.
	StakeholderRights(ctx context.Context, q StakeholderQuery) (rights []*release.Right, total int, err error)
	// Notifications returns the notifications matching q.
	Notifications(ctx context.Context, q NotificationQuery) ([]StoredNotification, error)
	// NotificationReceivers returns the companies notified under one publicReferenceId.
	NotificationReceivers(ctx context.Context, publicReferenceID string) ([]string, error)
	// NotificationHorizon returns the seq up to which every notification is readable now (0 before
	// the first): a reader that starts after it misses none committed later, on any node.
	NotificationHorizon(ctx context.Context) (int64, error)
	// NotificationHeads returns the heads of up to limit notifications of every company stored
	// after seq, in seq order, never past the horizon (so that paging with afterSeq skips none):
	// the console's live updates follow every company with this one cursor.
	NotificationHeads(ctx context.Context, afterSeq int64, limit int) ([]NotificationHead, error)
	// AuditTrail returns the audit records of one publicReferenceId, or all of one equipment number.
	AuditTrail(ctx context.Context, publicReferenceID, equipmentNumber string) ([]AuditRecord, error)
	// DueForExpiry returns up to limit containers (none when limit <= 0) having a right that is not
	// deleted, not archived, not yet Expired, and whose release.Right.ExpiresAt() is not after now,
	// each once, the one due the longest first. Only rights within release.LiveWindow of now count:
	// older ones are no longer part of their container, so an Expire op would never see them.
	DueForExpiry(ctx context.Context, now time.Time, limit int) ([]ContainerRef, error)
	// RecordCCRMUse counts one metered CCRM GET of a container by a company in a month ("2026-11");
	// the same container, company and month count once.
	RecordCCRMUse(ctx context.Context, companyID, portLoCode, equipmentNumber, month string) error
	// CCRMUsage returns, per company, how many containers it read in month.
	CCRMUsage(ctx context.Context, month string) ([]CCRMUsage, error)
	// TryLeadership makes the caller the one node (of every node sharing the database) that runs
	// the periodic job name, such as the expiry round, until it calls release; ok is false when
	// another holds it. A node that dies loses its leadership by itself. A store only one process
	// can use (SQLite) always grants it.
	TryLeadership(ctx context.Context, name string) (release func(), ok bool, err error)
	// Ping reports whether the database answers (the readiness probe).
	Ping(ctx context.Context) error

	Registry
	Idempotency
	// Outbox is the companies' notification channels and the webhook deliveries made from what
	// Apply commits (outbox.go).
	Outbox
	Close() error
}

// Registry keeps companies, terminals, clients, subscription keys and signing keys.
type Registry interface {
	// PutCompany creates or replaces a company (by NxtEntityID); ErrConflict when its
	// ingestion id belongs to another company.
	PutCompany(ctx context.Context, c identity.Company) error
	Companies(ctx context.Context) ([]identity.Company, error)
	PutTerminal(ctx context.Context, t identity.Terminal) error
	Terminals(ctx context.Context) ([]identity.Terminal, error)
	// CreateClient stores a new client; ErrConflict when the id exists.
	CreateClient(ctx context.Context, c identity.Client) error
	Client(ctx context.Context, clientID string) (identity.Client, error)
	Clients(ctx context.Context) ([]identity.Client, error)
	RevokeClient(ctx context.Context, clientID string, at time.Time) error
	CreateSubscriptionKey(ctx context.Context, k identity.SubscriptionKey) error
	SubscriptionKeys(ctx context.Context) ([]identity.SubscriptionKey, error)
	RevokeSubscriptionKey(ctx context.Context, keyHash string, at time.Time) error
	AddSigningKey(ctx context.Context, k identity.SigningKey) error
	SigningKeys(ctx context.Context) ([]identity.SigningKey, error)
	// RetireSigningKey stops a key from verifying; ErrNotFound for an unknown key id.
	RetireSigningKey(ctx context.Context, keyID string, at time.Time) error
	// ResealSigningKey replaces the stored JWK of a key (a key stored in clear, sealed at
	// start-up: identity/keyseal.go); ErrNotFound for an unknown key id.
	ResealSigningKey(ctx context.Context, keyID string, jwk []byte) error
	// DeleteTerminal removes a terminal of a port; ErrNotFound when there is none.
	DeleteTerminal(ctx context.Context, portLoCode, code string) error
	// CreateUser stores a new user (password grant); ErrConflict when the username exists.
	CreateUser(ctx context.Context, u identity.User) error
	Users(ctx context.Context) ([]identity.User, error)
	// RevokeUser stops a user's logins; ErrNotFound for an unknown user.
	RevokeUser(ctx context.Context, username string, at time.Time) error
	// CountCalls adds calls to the counters of the rate-limit window starting at window (one per
	// subscription) and returns the totals of those counters across every node.
	CountCalls(ctx context.Context, window time.Time, calls map[string]int) (map[string]int, error)
}
