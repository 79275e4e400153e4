package service

import (
	"context"
	"slices"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// RightsList answers "Get list of Release Rights assigned to my company" asynchronously: one
// page of the caller's rights, filtered, delivered as a notification to the caller only.
func (s *Service) RightsList(ctx context.Context, caller *Caller, port string, f release.ListFilter, page, pageSize int, externalRef *string, body []byte) (Receipt, error) {
	if err := Authorize(caller, release.CallReleaseRightsList); err != nil {
		return Receipt{}, err
	}
	if err := checkSizes(Call{ExternalRef: externalRef}); err != nil {
		return Receipt{}, err
	}
	// The query is the call's audit record, and its filters come back in the answer.
	if len(body) > release.MaxCommandBytes {
		return Receipt{}, Errorf(CodeInvalid, "The query is too large: at most %d bytes.", release.MaxCommandBytes)
	}
	port = release.NormaliseCode(port)
	// A filter the store can select by whole is answered with the page the store cut (a page of a
	// long list costs a page); any other filter reads the selection and the core filters it.
	ix, whole := f.Index()
	q := store.RightsQuery{CompanyID: caller.Company.NxtEntityID, PortLoCode: port, ListIndex: ix}
	if whole {
		q.Offset, q.Limit = (max(page, 1)-1)*pageSize, pageSize
	}
	rights, total, err := s.store.RightsAssignedTo(ctx, q)
	if err != nil {
		return Receipt{}, Internal(err)
	}
	now := s.now().UTC()
	receipt := Receipt{PublicReferenceID: publicReferenceID(ctx), ExternalReferenceID: externalRef}
	meta := release.Meta{Now: now, PublicReferenceID: receipt.PublicReferenceID, ExternalReferenceID: externalRef, Sender: caller.Company.Party()}
	var answer release.Notification
	if whole {
		answer = release.ListPage(rights, total, page, pageSize, meta)
	} else {
		answer = release.ListRights(rights, f, page, pageSize, meta)
	}
	op := store.Op{
		PortLoCode: port,
		Decide: func(*release.Container) release.Outcome {
			return release.Outcome{Notifications: []release.Notification{answer}}
		},
		Audit: store.Audit{PublicReferenceID: receipt.PublicReferenceID, CompanyID: caller.Company.NxtEntityID,
			Action: release.CallReleaseRightsList, Request: body, At: now},
	}
	if _, err := s.store.Apply(ctx, op); err != nil {
		return Receipt{}, Internal(err)
	}
	return receipt, nil
}

// NotificationWindow is how far back the pull API reaches (Notification Service 2.0: 168 hours).
const NotificationWindow = 168 * time.Hour

// MaxPulledNotifications bounds the items of one pull answer (release.MaxPulledBytes its bytes);
// narrower filters reach the rest.
const MaxPulledNotifications = 10_000

// NotificationFilter is the query of GET /certified-pickup/v1/notifications, as the API parsed it.
type NotificationFilter struct {
	Event             string
	EquipmentNumber   string
	PublicReferenceID string
	ReleaseID         string
	// From and To bound storedOn when storedOn (and the time window) was given.
	From, To time.Time
}

// PullNotifications returns the caller's own notifications of the last 168 hours that match f.
// Asking for a publicReferenceId whose notifications went to other companies only is refused
// (403); nothing matching is CodeNoMatch (405), as the seed documents.
func (s *Service) PullNotifications(ctx context.Context, caller *Caller, f NotificationFilter) ([]store.StoredNotification, bool, error) {
	if err := Authorize(caller, release.CallNotifications); err != nil {
		return nil, false, err
	}
	me := caller.Company.NxtEntityID
	if f.PublicReferenceID != "" {
		receivers, err := s.store.NotificationReceivers(ctx, f.PublicReferenceID)
		if err != nil {
			return nil, false, Internal(err)
		}
		if len(receivers) > 0 && !slices.Contains(receivers, me) {
			return nil, false, Errorf(CodeForbidden, "The notification you requested was not sent to your company.")
		}
	}
	now := s.now().UTC()
	from, to := now.Add(-NotificationWindow), now.Add(time.Nanosecond)
	if !f.From.IsZero() && f.From.After(from) {
		from = f.From
	}
	if !f.To.IsZero() && f.To.Before(to) {
		to = f.To
	}
	rows, err := s.store.Notifications(ctx, store.NotificationQuery{
		ReceiverID: me, Event: f.Event, EquipmentNumber: f.EquipmentNumber, PublicReferenceID: f.PublicReferenceID,
		ReleaseID: f.ReleaseID, From: from, To: to, Limit: MaxPulledNotifications + 1,
	})
	if err != nil {
		return nil, false, Internal(err)
	}
	if len(rows) == 0 {
		return nil, false, Errorf(CodeNoMatch, "No matching notifications found, check your query parameters.")
	}
	truncated := len(rows) > MaxPulledNotifications
	if truncated {
		rows = rows[:MaxPulledNotifications]
	}
	if n := withinPullBytes(rows); n < len(rows) {
		rows, truncated = rows[:n], true
	}
	return rows, truncated, nil
}

// pulledItemBytes is what an item of the pull answer costs besides its message: its other fields
// and their names.
const pulledItemBytes = 320

// withinPullBytes is how many of rows, oldest first, fit in release.MaxPulledBytes (at least one):
// the answer is cut like a cut by count, and the caller narrows the query (storedOn and the time
// window) to reach the rest.
func withinPullBytes(rows []store.StoredNotification) int {
	total := 0
	for i, n := range rows {
		total += pulledItemBytes + len(n.Message) + len(n.EquipmentNumber) + len(n.ReleaseID)
		if n.ExternalReferenceID != nil {
			total += len(*n.ExternalReferenceID)
		}
		if total > release.MaxPulledBytes && i > 0 {
			return i
		}
	}
	return len(rows)
}
