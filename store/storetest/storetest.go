// Package storetest is the test suite every store.Store must pass (as river's riverdrivertest is
// for its drivers): each adapter's own tests call Run with a function that opens a fresh, empty
// store. Commands are built and decided by the real core (release.Decide), never mocked, so the
// suite also shows the stores against the rules they serve.
//
// Times in the suite are whole milliseconds in UTC, so that a store keeping microseconds (a
// PostgreSQL timestamptz) passes as well as one keeping nanoseconds.
//
// Besides what package store documents, the suite holds every store to these choices:
//   - Container never returns nil: an unknown container is one without rights. It returns the
//     container's rights created at or after now - release.LiveWindow, deleted ones included, and
//     Apply hands Decide the same, as of the op's Audit.At, read through the earlier ops of its call.
//     Facts are kept per container whatever its age and whether it has rights; Outcome.Facts of an
//     op without a container are dropped, as its Changed rights are.
//   - A failing op (its outcome cannot be stored) fails its own Apply call, whole, and no other.
//   - StoredNotification.Message is byte for byte what json.Marshal made of the notification
//     (not a re-encoded JSON value: no jsonb); StoredOn is the notification's Timestamp; seqs grow
//     in the order the notifications were stored, and results come in seq order.
//   - NotificationReceivers are sorted; AuditTrail with both arguments matches both, with neither
//     returns nothing; its records come in the order the commands were applied.
//   - A terminal code is unique within its port (PutTerminal replaces by port and code).
//   - Revoking a client or subscription key twice keeps the first revocation time.
//   - Companies without an ingestion id never conflict with one another.
//   - DueForExpiry counts only rights within the live window at now (an Expire op would not see
//     older ones), returns nothing when limit <= 0, and orders the containers by their earliest
//     due expiry, then port and equipment number.
//   - CCRMUsage leaves out companies without uses in the month.
//   - Revoking a user or retiring a signing key twice keeps the first time.
//   - A reader paging with AfterSeq while writers commit concurrently skips no notification:
//     a store whose seqs may commit out of order hides seqs above one still to be committed.
//   - TryLeadership grants a job to a caller when nobody holds it, and again once released.
//   - Idempotency records keep their times to the millisecond at least; Header and Body come back
//     byte for byte.
//
// RunInternals holds them, through Hooks into each store, to what no Store method can show: a
// commit that lands and is reported failed applies nothing twice, and the stored form of a right.
package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// Run runs the whole suite. open must return a fresh, empty store for each subtest; Run closes it
// when the subtest ends (Close may therefore be called twice if open registers it too).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	for _, tc := range []struct {
		name string
		test func(t *testing.T, w *world)
	}{
		{"ApplyCommitsStateNotificationsAndAudit", testApplyCommits},
		{"RejectedCommandChangesNoState", testRejected},
		{"OpsOfOneApplySeeEachOther", testOpsSeeEachOther},
		{"OpsOfOneApplyCommitTogether", testBulkAtomic},
		{"BulkOfManyContainers", testBulkOfManyContainers},
		{"OpWithoutContainer", testOpWithoutContainer},
		{"ApplyWithCancelledContext", testCancelledContext},
		{"ApplyWithoutOps", testNoOps},
		{"ConcurrentOpsNeverLoseAnUpdate", testConcurrentCounter},
		{"ConcurrentTransfersOneWins", testConcurrentTransfers},
		{"FailingOpFailsAlone", testFailingOpFailsAlone},
		{"ContainerHonoursLiveWindow", testLiveWindow},
		{"ContainerKeepsDeletedRights", testDeletedRights},
		{"RightsAssignedTo", testRightsAssignedTo},
		{"RightsAssignedToPages", testRightsAssignedToPages},
		{"StakeholderRights", testStakeholderRights},
		{"StakeholderRightsEveryParty", testStakeholderRightsEveryParty},
		{"NotificationsFilters", testNotificationFilters},
		{"NotificationsPaging", testNotificationPaging},
		{"NotificationsPagingBesideWriters", testPagingBesideWriters},
		{"NotificationReceivers", testNotificationReceivers},
		{"NotificationHeads", testNotificationHeads},
		{"AuditTrail", testAuditTrail},
		{"ContainerFactsStoredWithTheirOp", testFactsStored},
		{"ContainerFactsSeenByLaterOpsOfOneApply", testFactsSeenInApply},
		{"ContainerFactsKeptWhenOutcomeHasNone", testFactsKept},
		{"DueForExpiry", testDueForExpiry},
		{"DueForExpiryLimit", testDueForExpiryLimit},
		{"CCRMUsage", testCCRMUsage},
		{"CCRMUsageConcurrent", testCCRMUsageConcurrent},
		{"RegistryCompanies", testCompanies},
		{"RegistryTerminals", testTerminals},
		{"RegistryClients", testClients},
		{"RegistrySubscriptionKeys", testSubscriptionKeys},
		{"RegistrySigningKeys", testSigningKeys},
		{"RegistryRetireSigningKey", testRetireSigningKey},
		{"RegistryDeleteTerminal", testDeleteTerminal},
		{"RegistryUsers", testUsers},
		{"CountCalls", testCountCalls},
		{"LeadershipAndPing", testLeadership},
		{"IdempotencyKeys", testIdempotencyKeys},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tc.test(t, &world{t: t, s: s, ctx: context.Background()})
		})
	}
}

// The ports of the suite.
const (
	Port      = "BEANR"
	OtherPort = "NLRTM"
)

// The parties of the suite: a Shipping Agent, the Terminal Operator of Terminal, a Release Party
// (a forwarder) and a Transport Operator (a haulier).
var (
	Agent = release.Party{NxtEntityID: "agent-0001", Name: "Ocean Line Agency", Eori: "BE0000000001",
		Tin: "BE0123456789", Roles: []release.Role{release.RoleShippingAgent}}
	Operator = release.Party{NxtEntityID: "operator-0001", Name: "Quay 1742 Terminal",
		Roles: []release.Role{release.RoleTerminalOperator}}
	Forwarder = release.Party{NxtEntityID: "forwarder-0001", Name: "North Sea Forwarding",
		Eori: "BE0000000002", Roles: []release.Role{release.RoleReleaseParty}}
	Haulier = release.Party{NxtEntityID: "haulier-0001", Name: "Scheldt Haulage",
		Roles: []release.Role{release.RoleTransportOperator}}
	Terminal = release.Terminal{Code: "1742", Name: "Quay 1742", Operator: Operator}
)

// base is the suite's "now".
var base = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

// EquipmentNumber returns a valid ISO 6346 container number with the given serial (0-999999).
func EquipmentNumber(serial int) string {
	s := fmt.Sprintf("PLTU%06d", serial%1000000)
	want, _, err := release.CheckEquipmentNumber(s + "0")
	if err != nil {
		panic(err)
	}
	return s + fmt.Sprint(want)
}

// Ref is a company named in a request by its NxtEntityId, resolved to p.
func Ref(p release.Party) release.PartyRef {
	return release.PartyRef{IdentificationType: string(release.IDNxtEntityID), IdentificationCode: p.NxtEntityID, Party: &p}
}

// Key is the key of a release of equipment with one bill of lading derived from releaseIdentification.
func Key(equipment, releaseIdentification string) release.Key {
	return release.Key{EquipmentNumber: equipment, BillOfLadingNumbers: []string{"BL" + releaseIdentification},
		ReleaseIdentification: releaseIdentification}
}

// ReleaseCommand is the Shipping Agent's Release of a container at Terminal, given at release to
// releaseTo when it is not nil.
func ReleaseCommand(port, equipment, releaseIdentification string, releaseTo *release.Party) *release.Ingestion {
	cmd := &release.Ingestion{
		ActionType: release.ActionRelease, PortLoCode: port, Key: Key(equipment, releaseIdentification),
		TerminalCode: Terminal.Code, Terminal: &Terminal,
		Details: release.Details{ReleaseOrderReference: "RO-" + releaseIdentification, VesselName: "MSC Flaminia",
			EquipmentType: "42G1", FullEmptyIndicator: "F"},
	}
	if releaseTo != nil {
		cmd.ReleaseTo = Ref(*releaseTo)
	}
	return cmd
}

// RightCommand is a Transfer, Accept, Decline or Revoke of a release from one party to another.
func RightCommand(action, port, equipment, releaseIdentification string, from, to release.Party) *release.RightAction {
	return &release.RightAction{
		ActionType: action, PortLoCode: port, Key: Key(equipment, releaseIdentification),
		TerminalCode: Terminal.Code, ReleaseFrom: Ref(from), ReleaseTo: Ref(to),
	}
}

// CommandOp is the store.Op that applies cmd to a container as the core decides it, with its
// audit record.
func CommandOp(port, equipment string, cmd release.Command, m release.Meta) store.Op {
	return store.Op{
		PortLoCode: port, EquipmentNumber: equipment,
		Decide: func(c *release.Container) release.Outcome { return release.Decide(c, cmd, m) },
		Audit: store.Audit{
			PublicReferenceID: m.PublicReferenceID, CompanyID: m.Sender.NxtEntityID, Action: cmd.Action(),
			EquipmentNumber: equipment, At: m.Now,
			Request: fmt.Appendf(nil, `{"actionType":%q,"portLoCode":%q,"equipmentNumber":%q}`, cmd.Action(), port, equipment),
		},
	}
}

// world is one subtest's store with the helpers the tests share.
type world struct {
	t   *testing.T
	s   store.Store
	ctx context.Context
	n   int
}

// meta is the Meta of a new command from sender at now, with fresh ids.
func (w *world) meta(sender release.Party, now time.Time) release.Meta {
	w.n++
	return release.Meta{
		Now: now, Sender: sender,
		PublicReferenceID: fmt.Sprintf("%s-pub-%04d", w.t.Name(), w.n),
		NewReleaseID:      fmt.Sprintf("rel-%04d", w.n),
	}
}

// apply applies ops and fails the test on error.
func (w *world) apply(ops ...store.Op) []release.Outcome {
	w.t.Helper()
	outs, err := w.s.Apply(w.ctx, ops...)
	if err != nil {
		w.t.Fatalf("Apply: %v", err)
	}
	if len(outs) != len(ops) {
		w.t.Fatalf("Apply returned %d outcomes for %d ops", len(outs), len(ops))
	}
	return outs
}

// accepted applies one op and fails the test unless the core accepted it.
func (w *world) accepted(op store.Op) release.Outcome {
	w.t.Helper()
	out := w.apply(op)[0]
	if out.Rejected {
		w.t.Fatalf("%s on %s rejected: %s", op.Audit.Action, op.EquipmentNumber, out.Reason)
	}
	return out
}

// release releases a container (by Agent at Terminal, in Port) and returns the new right.
func (w *world) release(port, equipment, releaseIdentification string, releaseTo *release.Party, now time.Time) *release.Right {
	w.t.Helper()
	out := w.accepted(CommandOp(port, equipment, ReleaseCommand(port, equipment, releaseIdentification, releaseTo), w.meta(Agent, now)))
	if len(out.Changed) != 1 {
		w.t.Fatalf("Release changed %d rights", len(out.Changed))
	}
	return out.Changed[0]
}

// rightAction applies a Transfer/Accept/Decline/Revoke sent by sender and returns its outcome.
func (w *world) rightAction(action, equipment, releaseIdentification string, from, to, sender release.Party, now time.Time) release.Outcome {
	w.t.Helper()
	return w.apply(CommandOp(Port, equipment, RightCommand(action, Port, equipment, releaseIdentification, from, to), w.meta(sender, now)))[0]
}

func (w *world) container(port, equipment string, now time.Time) *release.Container {
	w.t.Helper()
	c, err := w.s.Container(w.ctx, port, equipment, now)
	if err != nil {
		w.t.Fatalf("Container: %v", err)
	}
	if c == nil {
		w.t.Fatalf("Container returned nil")
	}
	return c
}

func (w *world) notifications(q store.NotificationQuery) []store.StoredNotification {
	w.t.Helper()
	ns, err := w.s.Notifications(w.ctx, q)
	if err != nil {
		w.t.Fatalf("Notifications(%+v): %v", q, err)
	}
	return ns
}

func (w *world) auditTrail(publicReferenceID, equipment string) []store.AuditRecord {
	w.t.Helper()
	a, err := w.s.AuditTrail(w.ctx, publicReferenceID, equipment)
	if err != nil {
		w.t.Fatalf("AuditTrail: %v", err)
	}
	return a
}
