package service

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// What the web console (package console) asks of the service besides Execute and the queries the
// API uses too. The console is a door like the API: it signs users in here, reads through here,
// and sends the same commands through Execute.

// SignIn checks a console user's password through the password grant, so that whatever guards the
// grant (its throttling per user and per address, address being where the browser is) guards the
// console's sign-in as well, and returns the caller.
func (s *Service) SignIn(ctx context.Context, username, password, address string) (*Caller, error) {
	if _, err := s.PasswordToken(ctx, username, password, address); err != nil {
		return nil, err
	}
	return s.UserCaller(ctx, username, "")
}

// UserCaller returns the caller acting as an active user (of company companyID, unless "").
// A revoked or unknown user is CodeUnauthorized: the console asks on every request (and for its
// open live streams every 300 ms), so a revocation ends the user's sessions at once on this node,
// and on another within its registry's reload (identity.Directory.RefreshEvery, a second).
func (s *Service) UserCaller(ctx context.Context, username, companyID string) (*Caller, error) {
	u, ok := s.dir.User(ctx, username)
	if !ok || (companyID != "" && u.CompanyID != companyID) {
		return nil, Errorf(CodeUnauthorized, MsgInvalidToken)
	}
	company, ok := s.dir.Company(ctx, u.CompanyID)
	if !ok {
		return nil, Errorf(CodeUnauthorized, MsgInvalidToken)
	}
	return &Caller{Company: company, Subscription: "user:" + strings.ToLower(u.Username)}, nil
}

// MyContainers returns the caller's releases in a port as q selects them (store.StakeholderQuery,
// the company filled in), one page, and how many the selection holds.
func (s *Service) MyContainers(ctx context.Context, caller *Caller, q store.StakeholderQuery) ([]*release.Right, int, error) {
	q.CompanyID, q.PortLoCode = caller.Company.NxtEntityID, release.NormaliseCode(q.PortLoCode)
	rights, total, err := s.store.StakeholderRights(ctx, q)
	if err != nil {
		return nil, 0, Internal(err)
	}
	return rights, total, nil
}

// ContainerView is one container as a company may see it: the releases it is a stakeholder of,
// and every notification it received about the container.
type ContainerView struct {
	PortLoCode      string
	EquipmentNumber string
	Rights          []*release.Right
	Facts           release.Facts
	// Notifications are the company's notifications about the container, newest first.
	Notifications []store.StoredNotification
}

// MyContainer returns what the caller may see of one container; CodeNotFound when it is a
// stakeholder of none of its releases (another company's container is not told apart from one
// that does not exist). Who is a stakeholder is the core's rule (release.Right.IsStakeholder).
func (s *Service) MyContainer(ctx context.Context, caller *Caller, port, eq string) (ContainerView, error) {
	view, err := s.myReleases(ctx, caller, port, eq)
	if err != nil {
		return ContainerView{}, err
	}
	now := s.now().UTC()
	rows, err := s.store.Notifications(ctx, store.NotificationQuery{ReceiverID: caller.Company.NxtEntityID, EquipmentNumber: view.EquipmentNumber,
		From: now.Add(-NotificationWindow), To: now.Add(1), Limit: MaxPulledNotifications})
	if err != nil {
		return ContainerView{}, Internal(err)
	}
	view.Notifications = rows
	slices.Reverse(view.Notifications) // newest first
	return view, nil
}

// myReleases is the container's releases the caller is a stakeholder of, not deleted, and its
// facts (without notifications); CodeNotFound when there is none.
func (s *Service) myReleases(ctx context.Context, caller *Caller, port, eq string) (ContainerView, error) {
	port, eq = release.NormaliseCode(port), release.NormaliseCode(eq)
	c, err := s.store.Container(ctx, port, eq, s.now().UTC())
	if err != nil {
		return ContainerView{}, Internal(err)
	}
	me := caller.Company.NxtEntityID
	view := ContainerView{PortLoCode: port, EquipmentNumber: eq, Facts: c.Facts}
	for _, r := range c.Rights {
		if !r.Deleted() && r.IsStakeholder(me) {
			view.Rights = append(view.Rights, r)
		}
	}
	if len(view.Rights) == 0 {
		return ContainerView{}, Errorf(CodeNotFound, "Container %s is not one of your company's.", eq)
	}
	return view, nil
}

// Outcome is what became of a command sent through Execute, as its sender was told: the
// NotValidated texts of its refused items (none when every item was accepted).
func (s *Service) Outcome(ctx context.Context, caller *Caller, receipt Receipt) ([]string, error) {
	rows, err := s.store.Notifications(ctx, store.NotificationQuery{ReceiverID: caller.Company.NxtEntityID,
		PublicReferenceID: receipt.PublicReferenceID, Event: release.EventNotValidated})
	if err != nil {
		return nil, Internal(err)
	}
	var refused []string
	for _, n := range rows {
		var m struct {
			Body json.RawMessage `json:"body"`
		}
		if json.Unmarshal(n.Message, &m) != nil {
			continue
		}
		var text string
		if json.Unmarshal(m.Body, &text) != nil {
			text = string(m.Body)
		}
		refused = append(refused, text)
	}
	return refused, nil
}

// NotificationsAfter returns the caller's notifications stored after seq and not before from (at
// most limit), oldest first: what a console's live stream catches up on when it starts behind the
// node's poller (console/live.go).
func (s *Service) NotificationsAfter(ctx context.Context, caller *Caller, seq int64, from time.Time, limit int) ([]store.StoredNotification, error) {
	rows, err := s.store.Notifications(ctx, store.NotificationQuery{ReceiverID: caller.Company.NxtEntityID, AfterSeq: seq, From: from, Limit: limit})
	if err != nil {
		return nil, Internal(err)
	}
	return rows, nil
}

// NotificationHorizon returns the seq up to which every notification is readable now, on every
// node (store.Store.NotificationHorizon): where a page's live stream starts.
func (s *Service) NotificationHorizon(ctx context.Context) (int64, error) {
	h, err := s.store.NotificationHorizon(ctx)
	if err != nil {
		return 0, Internal(err)
	}
	return h, nil
}

// NotificationHeads returns who was told about which container after seq, for every company (at
// most limit, in seq order): the console's one poller per node follows them all and passes each
// only to the live streams of its receiver, each a user signed in to that company (console/live.go).
// A head carries no notification's content.
func (s *Service) NotificationHeads(ctx context.Context, seq int64, limit int) ([]store.NotificationHead, error) {
	heads, err := s.store.NotificationHeads(ctx, seq, limit)
	if err != nil {
		return nil, Internal(err)
	}
	return heads, nil
}

// Companies returns every company of the registry, by name (the console's party pickers): the
// registry every company may search (CallEntities).
func (s *Service) Companies(ctx context.Context, caller *Caller) ([]identity.Company, error) {
	return s.SearchEntities(ctx, caller, EntityFilter{})
}

// TerminalsOf returns the terminals of a port the caller's company operates.
func (s *Service) TerminalsOf(ctx context.Context, caller *Caller, port string) ([]string, error) {
	var codes []string
	terminals, err := s.store.Terminals(ctx)
	if err != nil {
		return nil, Internal(err)
	}
	for _, t := range terminals {
		if release.NormaliseCode(t.PortLoCode) == release.NormaliseCode(port) && t.OperatorID == caller.Company.NxtEntityID {
			codes = append(codes, t.Code)
		}
	}
	slices.Sort(codes)
	return codes, nil
}
