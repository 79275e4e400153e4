package release

import (
	"slices"
	"strings"
	"time"
)

// RightStatus is the status of a Release Right (the releaserightstatusfilter values of the seed).
type RightStatus int

// Release Right statuses.
const (
	StatusUnknown  RightStatus = 0
	StatusAssigned RightStatus = 1
	StatusPending  RightStatus = 2
	StatusAccepted RightStatus = 3
	StatusDeclined RightStatus = 4
	StatusRevoked  RightStatus = 5
	StatusArchived RightStatus = 6
	StatusExpired  RightStatus = 8
)

var statusNames = map[RightStatus]string{
	StatusUnknown: "Unknown", StatusAssigned: "Assigned", StatusPending: "Pending", StatusAccepted: "Accepted",
	StatusDeclined: "Declined", StatusRevoked: "Revoked", StatusArchived: "Archived", StatusExpired: "Expired",
}

// String returns the name the seeds use for the status.
func (s RightStatus) String() string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	return "Unknown"
}

// ActionStatus is the actionStatusFilter value of the seed: what last happened to the right's chain.
type ActionStatus int

// Action statuses: Pending while a transfer awaits its answer, Transfer after an accepted
// transfer, Revoke after a revoke.
const (
	ActionStatusUndefined ActionStatus = 0
	ActionStatusPending   ActionStatus = 1
	ActionStatusRevoke    ActionStatus = 2
	ActionStatusTransfer  ActionStatus = 3
)

// RightLifetime is how long a Release Right lives at most: it expires 60 days after creation
// or when expirationDateTimeUtc passes, whichever is first (docs/rules.md "Expiry").
const RightLifetime = 60 * 24 * time.Hour

// LiveWindow bounds which releases of a container the stores load as its current state: a release
// older than this has expired for at least a month, so no command can concern it any more.
const LiveWindow = 90 * 24 * time.Hour

// Details are the commercial-release fields the Shipping Agent submits and may overwrite with
// Update (all but equipmentNumber, billOfLadingNumbers and releaseTo).
type Details struct {
	ReleaseOrderReference string     `json:"releaseOrderReference,omitempty"`
	EmptyReturnReference  string     `json:"emptyReturnReference,omitempty"`
	EquipmentSupplier     string     `json:"equipmentSupplier,omitempty"`
	EquipmentStatus       string     `json:"equipmentStatus,omitempty"`
	FullEmptyIndicator    string     `json:"fullEmptyIndicator,omitempty"`
	EquipmentOperator     string     `json:"equipmentOperator,omitempty"`
	VesselName            string     `json:"vesselName,omitempty"`
	VesselNumber          string     `json:"vesselNumber,omitempty"`
	StayNumber            string     `json:"stayNumber,omitempty"`
	VesselCallSign        string     `json:"vesselCallSign,omitempty"`
	VoyageNumber          string     `json:"voyageNumber,omitempty"`
	EquipmentType         string     `json:"equipmentType,omitempty"`
	IsCarrierHaulage      *bool      `json:"isCarrierHaulage,omitempty"`
	MeansOfTransport      string     `json:"meansOfTransport,omitempty"`
	ReleaseDateTimeUtc    *time.Time `json:"releaseDateTimeUtc,omitempty"`
	ExpirationDateTimeUtc *time.Time `json:"expirationDateTimeUtc,omitempty"`
}

// Key identifies a Release Right: equipmentNumber + billOfLadingNumbers + releaseIdentification.
type Key struct {
	EquipmentNumber       string   `json:"equipmentNumber"`
	BillOfLadingNumbers   []string `json:"billOfLadingNumbers"`
	ReleaseIdentification string   `json:"releaseIdentification"`
}

// Matches reports whether a key given in a request designates this right: same equipment number
// and releaseIdentification, and every bill of lading it names belongs to the right (a party may
// know only some of the bills of a release).
func (k Key) Matches(given Key) bool {
	if !strings.EqualFold(k.EquipmentNumber, given.EquipmentNumber) || k.ReleaseIdentification != given.ReleaseIdentification {
		return false
	}
	if len(given.BillOfLadingNumbers) == 0 {
		return false
	}
	for _, bl := range given.BillOfLadingNumbers {
		if !slices.Contains(k.BillOfLadingNumbers, bl) {
			return false
		}
	}
	return true
}

// Overlaps reports whether two keys designate the same release for the "Release Right already
// found" rule: same equipment and releaseIdentification and at least one common bill of lading.
func (k Key) Overlaps(o Key) bool {
	if !strings.EqualFold(k.EquipmentNumber, o.EquipmentNumber) || k.ReleaseIdentification != o.ReleaseIdentification {
		return false
	}
	for _, bl := range o.BillOfLadingNumbers {
		if slices.Contains(k.BillOfLadingNumbers, bl) {
			return true
		}
	}
	return false
}

// String renders the key as the seeds' messages do: "{equipment}, {bl}, {releaseIdentification}".
func (k Key) String() string {
	return k.EquipmentNumber + ", " + strings.Join(k.BillOfLadingNumbers, ",") + ", " + k.ReleaseIdentification
}

// Hop is one step of the chain of custody: a transfer from one party to the next and its answer.
type Hop struct {
	From       Party      `json:"from"`
	To         Party      `json:"to"`
	Reason     string     `json:"reason,omitempty"`
	At         time.Time  `json:"at"`
	Status     string     `json:"status"` // Pending, Accepted, Declined, Revoked
	AnsweredAt *time.Time `json:"answeredAt,omitempty"`
}

// Hop statuses.
const (
	HopPending  = "Pending"
	HopAccepted = "Accepted"
	HopDeclined = "Declined"
	HopRevoked  = "Revoked"
)

// MeansOfTransport is how a Pick-up Right will take the container away (docs/rules.md "Pick-up Right"):
// exactly one of Truck, Barge and Rail, as Type says.
type MeansOfTransport struct {
	Type  string `json:"type"`
	Truck *Truck `json:"truck,omitempty"`
	Barge *Barge `json:"barge,omitempty"`
	Rail  *Rail  `json:"rail,omitempty"`
}

// Truck is a road pick-up: licence plate and driver.
type Truck struct {
	LicensePlate string  `json:"licensePlate,omitempty"`
	Driver       *Driver `json:"driver,omitempty"`
}

// Driver is the truck driver; the badge number is only ever kept masked (like "**12").
type Driver struct {
	Name              string `json:"name,omitempty"`
	Alias             string `json:"alias,omitempty"`
	BadgeNumberMasked string `json:"badgeNumberMasked,omitempty"`
}

// Barge is an inland-waterway pick-up.
type Barge struct {
	Name        string `json:"name,omitempty"`
	EniNumber   string `json:"eniNumber,omitempty"`
	VisitNumber string `json:"visitNumber,omitempty"`
}

// Rail is a rail pick-up.
type Rail struct {
	Operator       string `json:"operator,omitempty"`
	TrainReference string `json:"trainReference,omitempty"`
}

// PickupRight is the assignment of a driver, barge or train by the last Transport Operator.
type PickupRight struct {
	TransportOperator Party            `json:"transportOperator"`
	MeansOfTransport  MeansOfTransport `json:"meansOfTransport"`
	AssignedAt        time.Time        `json:"assignedAt"`
}

// Right is one container release and its Release Right: the commercial release data, the lights,
// the chain of custody and the Pick-up Right. It is the unit the rules of docs/rules.md act on.
type Right struct {
	ReleaseID  string  `json:"releaseId"`
	PortLoCode string  `json:"portLoCode"`
	Key        Key     `json:"key"`
	Details    Details `json:"details"`

	// Originator is the Shipping Agent that created the release; Carrier the carrier it named
	// (the originator itself when none was named).
	Originator Party    `json:"originator"`
	Carrier    Party    `json:"carrier"`
	Terminal   Terminal `json:"terminal"`

	// Owner holds the right; PendingTo is the party a transfer awaits an answer from.
	Owner     Party  `json:"owner"`
	PendingTo *Party `json:"pendingTo,omitempty"`
	// GivenAtRelease records that the release named its first Release Party (releaseTo): the agent
	// may then no longer Transfer it, only Revoke while pending, or Delete and resubmit.
	GivenAtRelease bool `json:"givenAtRelease,omitempty"`

	Status       RightStatus  `json:"status"`
	ActionStatus ActionStatus `json:"actionStatus"`
	Chain        []Hop        `json:"chain,omitempty"`
	Lights       Lights       `json:"lights"`
	Pickup       *PickupRight `json:"pickupRight,omitempty"`

	CreatedAt time.Time  `json:"createdAt"`
	UpdatedAt time.Time  `json:"updatedAt"`
	DeletedAt *time.Time `json:"deletedAt,omitempty"`
	Reason    string     `json:"reason,omitempty"`
}

// ExpiresAt is when the right expires: 60 days after creation or at expirationDateTimeUtc,
// whichever is first.
func (r *Right) ExpiresAt() time.Time {
	limit := r.CreatedAt.Add(RightLifetime)
	if e := r.Details.ExpirationDateTimeUtc; e != nil && e.Before(limit) {
		return *e
	}
	return limit
}

// Expired reports whether the right has expired at now.
func (r *Right) Expired(now time.Time) bool {
	return r.Status == StatusExpired || !now.Before(r.ExpiresAt())
}

// Deleted reports whether the Shipping Agent deleted the release.
func (r *Right) Deleted() bool { return r.DeletedAt != nil }

// PickedUp reports whether the container left the terminal (gate-out): no command applies any more.
func (r *Right) PickedUp() bool {
	return r.Status == StatusArchived || r.Lights.GateOperation == ValueGateOutReceived
}

// Active reports whether the right still takes part in the flow at now.
func (r *Right) Active(now time.Time) bool {
	return !r.Deleted() && !r.PickedUp() && !r.Expired(now)
}

// EffectiveStatus is the status as seen at now: a right past its expiry reads Expired even before
// the expiry scheduler has recorded it, and a picked-up container (gate-out received) reads
// Archived, so that the release-right actions refuse it exactly as ingestion does ("No command
// is allowed after pick-up", docs/rules.md "The Release Right").
func (r *Right) EffectiveStatus(now time.Time) RightStatus {
	switch {
	case r.PickedUp():
		return StatusArchived
	case r.Expired(now):
		return StatusExpired
	}
	return r.Status
}

// LeftOriginator reports whether the right is owned by someone other than the Shipping Agent.
func (r *Right) LeftOriginator() bool {
	return !r.Owner.Same(&r.Originator)
}

// Stakeholders lists every company entitled to see this right: the originator, the carrier, the
// terminal operator and every party that has been in its chain of custody. Release detail and the
// property tests use it: no notification about a right goes to anyone outside it, with one
// exception: the customs authority hears of the Customs lights it sets itself, yet is no
// stakeholder (it may not read the release; its CCRM GET is by container). A pick-up validation
// is asked by the terminal operator, a stakeholder already, and answered to it alone; the
// Pick-up Right is only ever held by the owner.
func (r *Right) Stakeholders() []string {
	ids := []string{r.Originator.NxtEntityID, r.Carrier.NxtEntityID, r.Terminal.Operator.NxtEntityID, r.Owner.NxtEntityID}
	if r.PendingTo != nil {
		ids = append(ids, r.PendingTo.NxtEntityID)
	}
	for _, h := range r.Chain {
		ids = append(ids, h.From.NxtEntityID, h.To.NxtEntityID)
	}
	slices.Sort(ids)
	return slices.Compact(slices.DeleteFunc(ids, func(s string) bool { return s == "" }))
}

// IsStakeholder reports whether company id is a stakeholder of the right.
func (r *Right) IsStakeholder(id string) bool {
	return slices.Contains(r.Stakeholders(), id)
}

// Clone returns a deep copy, so that rules can compute the next state without touching the input.
func (r *Right) Clone() *Right {
	c := *r
	c.Key.BillOfLadingNumbers = slices.Clone(r.Key.BillOfLadingNumbers)
	c.Chain = slices.Clone(r.Chain)
	if r.PendingTo != nil {
		p := *r.PendingTo
		c.PendingTo = &p
	}
	if r.Pickup != nil {
		p := *r.Pickup
		p.MeansOfTransport = *r.Pickup.MeansOfTransport.clone()
		c.Pickup = &p
	}
	return &c
}
