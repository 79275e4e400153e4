package release

import (
	"slices"
	"strings"
	"time"
)

// LightView is one light as a release detail shows it.
type LightView struct {
	GreenLightName LightName `json:"greenLightName"`
	Value          string    `json:"value"`
	Colour         Colour    `json:"colour"`
}

// RightView is a Release Right as the generic services (release detail, rights list) show it.
type RightView struct {
	ReleaseID              string           `json:"releaseId"`
	PortLoCode             string           `json:"portLoCode"`
	EquipmentNumber        string           `json:"equipmentNumber"`
	BillOfLadingNumbers    []string         `json:"billOfLadingNumbers"`
	ReleaseIdentification  string           `json:"releaseIdentification"`
	TerminalCode           string           `json:"terminalCode"`
	TerminalName           *string          `json:"terminalName"`
	Carrier                *PartyObject     `json:"carrier"`
	ShippingAgent          *PartyObject     `json:"shippingAgent"`
	CurrentOwner           *PartyObject     `json:"currentOwner"`
	PendingReleaseTo       *PartyObject     `json:"pendingReleaseTo"`
	ReleaseRightStatus     RightStatus      `json:"releaseRightStatus"`
	ReleaseRightStatusName string           `json:"releaseRightStatusName"`
	ActionStatus           ActionStatus     `json:"actionStatus"`
	ReleaseOrderReference  *string          `json:"releaseOrderReference"`
	EmptyReturnReference   *string          `json:"emptyReturnReference"`
	EquipmentSupplier      *string          `json:"equipmentSupplier"`
	EquipmentStatus        *string          `json:"equipmentStatus"`
	FullEmptyIndicator     *string          `json:"fullEmptyIndicator"`
	EquipmentOperator      *string          `json:"equipmentOperator"`
	EquipmentType          *string          `json:"equipmentType"`
	VesselName             *string          `json:"vesselName"`
	VesselNumber           *string          `json:"vesselNumber"`
	StayNumber             *string          `json:"stayNumber"`
	VesselCallSign         *string          `json:"vesselCallSign"`
	VoyageNumber           *string          `json:"voyageNumber"`
	IsCarrierHaulage       *bool            `json:"isCarrierHaulage"`
	MeansOfTransport       *string          `json:"meansOfTransport"`
	ReleaseDatetimeUtc     *string          `json:"releaseDatetimeUtc"`
	ExpirationDatetimeUtc  *string          `json:"expirationDatetimeUtc"`
	ExpiresOn              string           `json:"expiresOn"`
	CreatedOn              string           `json:"createdOn"`
	GreenLights            []LightView      `json:"greenLights"`
	OverallLight           Colour           `json:"overallLight"`
	PickupRight            *PickupRightView `json:"pickupRight"`
}

// PickupRightView is the Pick-up Right in a release detail.
type PickupRightView struct {
	TransportOperator *PartyObject     `json:"transportOperator"`
	MeansOfTransport  MeansOfTransport `json:"meansOfTransport"`
	AssignedOn        string           `json:"assignedOn"`
}

// View renders r as the generic services show it at now.
func (r *Right) View(now time.Time) RightView {
	d := &r.Details
	status := r.EffectiveStatus(now)
	v := RightView{
		ReleaseID: r.ReleaseID, PortLoCode: r.PortLoCode, EquipmentNumber: r.Key.EquipmentNumber,
		BillOfLadingNumbers: r.Key.BillOfLadingNumbers, ReleaseIdentification: r.Key.ReleaseIdentification,
		TerminalCode: r.Terminal.Code, TerminalName: null(r.Terminal.Name),
		Carrier: partyObject(&r.Carrier), ShippingAgent: partyObject(&r.Originator),
		CurrentOwner: partyObject(&r.Owner), PendingReleaseTo: partyObject(r.PendingTo),
		ReleaseRightStatus: status, ReleaseRightStatusName: status.String(), ActionStatus: r.ActionStatus,
		ReleaseOrderReference: null(d.ReleaseOrderReference), EmptyReturnReference: null(d.EmptyReturnReference),
		EquipmentSupplier: null(d.EquipmentSupplier), EquipmentStatus: null(d.EquipmentStatus),
		FullEmptyIndicator: null(d.FullEmptyIndicator), EquipmentOperator: null(d.EquipmentOperator),
		EquipmentType: null(d.EquipmentType), VesselName: null(d.VesselName), VesselNumber: null(d.VesselNumber),
		StayNumber: null(d.StayNumber), VesselCallSign: null(d.VesselCallSign), VoyageNumber: null(d.VoyageNumber),
		IsCarrierHaulage: d.IsCarrierHaulage, MeansOfTransport: null(d.MeansOfTransport),
		ReleaseDatetimeUtc: nullTime(d.ReleaseDateTimeUtc), ExpirationDatetimeUtc: nullTime(d.ExpirationDateTimeUtc),
		ExpiresOn: r.ExpiresAt().UTC().Format(TimestampLayout), CreatedOn: r.CreatedAt.UTC().Format(TimestampLayout),
		OverallLight: r.Lights.Overall(),
	}
	for _, name := range LightNames {
		value := r.Lights.Get(name)
		colour, _ := ColourOf(name, value)
		v.GreenLights = append(v.GreenLights, LightView{GreenLightName: name, Value: value, Colour: colour})
	}
	if r.Pickup != nil {
		v.PickupRight = &PickupRightView{
			TransportOperator: partyObject(&r.Pickup.TransportOperator), MeansOfTransport: r.Pickup.MeansOfTransport,
			AssignedOn: r.Pickup.AssignedAt.UTC().Format(TimestampLayout),
		}
	}
	return v
}

// DetailQuery asks for the detail and lights of one release ("Get Release detail"); the answer is a
// notification to the sender. Only stakeholders of the right may see it: anyone else is told that
// no such right exists, so the answer reveals nothing.
type DetailQuery struct {
	PortLoCode string
	Key        Key
}

// Action implements Command.
func (q *DetailQuery) Action() string { return "GetReleaseDetail" }

func (q *DetailQuery) decide(c *Container, n *notifier) []*Right {
	q.Key = q.Key.normalise()
	r := c.Find(q.Key, func(r *Right) bool { return notDeleted(r) && r.IsStakeholder(n.m.Sender.NxtEntityID) })
	if r == nil {
		n.notValidated(TypeReleaseRight, q.Key.EquipmentNumber, nil, msgRightNotFound(q.Key))
		return nil
	}
	n.tell(TypeReleaseRight, EventReleaseDetail, r.Key.EquipmentNumber, r, r.View(n.m.Now), n.m.Sender.NxtEntityID)
	return nil
}

// ListFilter holds the filters of "Get list of Release Rights assigned to my company"; nil means
// not given. Text filters match partially and case-insensitively.
type ListFilter struct {
	Status                 *int
	EquipmentNumber        string
	BillOfLadingNumber     string
	ShippingAgentName      string
	ShippingAgentTin       string
	TerminalName           string
	CurrentStakeholderName string
	CurrentStakeholderTin  string
	ReleaseRightStatus     *RightStatus
	ActionStatus           *ActionStatus
}

// The "status" filter of the rights list: which light keeps a right from being picked up.
// Active: nothing does; Pending: a transfer awaits its answer; Police: customs is not green;
// Terminal: the terminal has not released it; Shipping: the commercial release is not OK.
const (
	ListStatusActive   = 0
	ListStatusPending  = 1
	ListStatusPolice   = 2
	ListStatusTerminal = 3
	ListStatusShipping = 4
)

// Match reports whether r passes every filter given.
func (f *ListFilter) Match(r *Right, now time.Time) bool {
	if f.Status != nil && !matchListStatus(r, *f.Status) {
		return false
	}
	if f.ReleaseRightStatus != nil && r.EffectiveStatus(now) != *f.ReleaseRightStatus {
		return false
	}
	if f.ActionStatus != nil && r.ActionStatus != *f.ActionStatus {
		return false
	}
	if f.BillOfLadingNumber != "" && !slices.ContainsFunc(r.Key.BillOfLadingNumbers, func(bl string) bool { return contains(bl, f.BillOfLadingNumber) }) {
		return false
	}
	return contains(r.Key.EquipmentNumber, f.EquipmentNumber) &&
		contains(r.Originator.Name, f.ShippingAgentName) && contains(r.Originator.Tin, f.ShippingAgentTin) &&
		(contains(r.Terminal.Name, f.TerminalName) || contains(r.Terminal.Code, f.TerminalName)) &&
		contains(r.Owner.Name, f.CurrentStakeholderName) && contains(r.Owner.Tin, f.CurrentStakeholderTin)
}

func matchListStatus(r *Right, s int) bool {
	customs, _ := ColourOf(LightCustoms, r.Lights.Customs)
	switch s {
	case ListStatusActive:
		return r.PendingTo == nil
	case ListStatusPending:
		return r.PendingTo != nil
	case ListStatusPolice:
		return customs != Green
	case ListStatusTerminal:
		return r.Lights.TerminalReady != ValueReleased
	case ListStatusShipping:
		return r.Lights.CommercialRelease != ValueOK
	}
	return false
}

func contains(s, part string) bool {
	return part == "" || strings.Contains(strings.ToLower(s), strings.ToLower(part))
}

// AssignedTo reports whether r is "assigned to" company id for the rights list: it owns the right
// or a transfer to it awaits its answer. Deleted releases are never listed.
func (r *Right) AssignedTo(id string) bool {
	return !r.Deleted() && (r.Owner.NxtEntityID == id || (r.PendingTo != nil && r.PendingTo.NxtEntityID == id))
}

// ListBody is the body of the ReleaseRightsList notification.
type ListBody struct {
	Page          int         `json:"page"`
	PageSize      int         `json:"pageSize"`
	TotalRows     int         `json:"totalRows"`
	TotalPages    int         `json:"totalPages"`
	ReleaseRights []RightView `json:"releaseRights"`
}

// ListIndex is the part of a ListFilter a store can select rights by, through its indexes, so
// that a page of a long list costs a page and not the whole list: the container (a filter of a
// whole equipment number: a stored one has 11 characters, so "contains" is "equals") and whether
// a transfer awaits its answer (status 0, Active, and 1, Pending: see matchListStatus).
type ListIndex struct {
	EquipmentNumber string // the whole equipment number, in capitals; "" selects every container
	Pending         *bool  // nil selects both
}

// Index returns what of f a store can select by, and whether that is all of f: then the store's
// selection, cut to a page, is the page; otherwise the rights it selects are only candidates for
// ListRights to filter.
func (f ListFilter) Index() (ListIndex, bool) {
	var ix ListIndex
	rest := f
	if eq := strings.ToUpper(f.EquipmentNumber); len(eq) == 11 {
		ix.EquipmentNumber, rest.EquipmentNumber = eq, ""
	}
	if f.Status != nil && (*f.Status == ListStatusActive || *f.Status == ListStatusPending) {
		pending := *f.Status == ListStatusPending
		ix.Pending, rest.Status = &pending, nil
	}
	return ix, rest == (ListFilter{})
}

// ListRights answers "Get list of Release Rights assigned to my company": of candidates (the rights
// the store found for the sender), those assigned to it that pass the filter, one page of them,
// as one notification to the sender. The sender sees nothing that is not assigned to it.
// A page or pageSize below 1 (not given) reads as the seeds' defaults, 1 and 25, rather than
// dividing by zero.
func ListRights(candidates []*Right, f ListFilter, page, pageSize int, m Meta) Notification {
	page, pageSize = listDefaults(page, pageSize)
	var hits []*Right
	for _, r := range candidates {
		if r.AssignedTo(m.Sender.NxtEntityID) && f.Match(r, m.Now) {
			hits = append(hits, r)
		}
	}
	lo, hi := min(len(hits), (page-1)*pageSize), min(len(hits), page*pageSize)
	return listAnswer(hits[lo:hi], len(hits), page, pageSize, m)
}

// ListPage answers the same question when the store already selected the page: rights are the
// page (what a filter whose Index is whole selects, from (page-1)*pageSize on), total how many the
// whole selection holds. A right not assigned to the sender is still never shown.
func ListPage(rights []*Right, total, page, pageSize int, m Meta) Notification {
	page, pageSize = listDefaults(page, pageSize)
	shown := make([]*Right, 0, min(len(rights), pageSize))
	for _, r := range rights {
		if r.AssignedTo(m.Sender.NxtEntityID) && len(shown) < pageSize {
			shown = append(shown, r)
		}
	}
	return listAnswer(shown, total, page, pageSize, m)
}

func listDefaults(page, pageSize int) (int, int) {
	if page < 1 {
		page = 1
	}
	if pageSize < 1 {
		pageSize = 25
	}
	return page, pageSize
}

// listAnswer is the ReleaseRightsList notification of one page of total rows.
func listAnswer(page []*Right, total, pageNo, pageSize int, m Meta) Notification {
	body := ListBody{Page: pageNo, PageSize: pageSize, TotalRows: total, ReleaseRights: make([]RightView, 0, len(page))}
	body.TotalPages = (total + pageSize - 1) / pageSize
	for _, r := range page {
		body.ReleaseRights = append(body.ReleaseRights, r.View(m.Now))
	}
	n := &notifier{m: m}
	n.tell(TypeReleaseRight, EventReleaseRightsList, "", nil, body, m.Sender.NxtEntityID)
	return n.out[0]
}
