package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
	"github.com/portlight/portlight/store/internal/group"
)

// writes are the rows an Apply writes, as one array per column: each table gets one statement
// (INSERT ... SELECT FROM unnest(...)) whatever the number of its rows.
type writes struct {
	rights        rightRows
	rightIndex    map[string]int // release id → its row: the last version of a right wins
	facts         factRows
	factIndex     map[containerKey]int // container → its row: the last facts win
	notifications notificationRows
	audits        auditRows
	// restaked are the releases whose stakeholder rows the Apply rewrites, in order, with their
	// last version (store.StakeholdersChanged); billsOfLading the rows of new releases' bills of lading.
	restaked      []string
	restakedRight map[string]*release.Right
	billsOfLading struct{ port, billOfLading, releaseID []string }
}

type rightRows struct {
	releaseID, port, equipment, releaseIdentification, owner []string
	pendingTo                                                []*string
	originator, terminal                                     []string
	status                                                   []int16
	deleted                                                  []bool
	createdAt, updatedAt, expiresAt                          []time.Time
	state                                                    [][]byte
}

type factRows struct {
	port, equipment []string
	facts           [][]byte
	at              []time.Time
}

type notificationRows struct {
	receiver, typ, event, equipment, releaseID, publicReferenceID []string
	externalReferenceID                                           []*string
	storedOn                                                      []time.Time
	message                                                       [][]byte
}

type auditRows struct {
	publicReferenceID, company, action, equipment []string
	request                                       [][]byte
	at                                            []time.Time
	rejected                                      []bool
	reason                                        []string
	index                                         []int32 // the op's among its call's (group.Key); -1 (NULL) without a publicReferenceId
}

// noIndex is the op index of an op without a publicReferenceId, written as NULL.
const noIndex = -1

func newWrites(ops int) *writes {
	return &writes{rightIndex: make(map[string]int, ops), factIndex: make(map[containerKey]int), restakedRight: make(map[string]*release.Right)}
}

// add records what one decided op (at index among the ops of its call) writes, and brings its
// container (nil for an op without one)
// up to date for the ops after it. Changed rights and facts of an op without a container are
// dropped (store.Op).
func (w *writes) add(op *store.Op, index int, out *release.Outcome, c *container) error {
	if c != nil {
		for _, r := range out.Changed {
			if err := w.addRight(r); err != nil {
				return err
			}
			w.addStakeholders(c.previous(r.ReleaseID), r)
			c.put(r)
		}
		if out.Facts != nil {
			if err := w.addFacts(c.key, out.Facts, op.Audit.At); err != nil {
				return err
			}
			c.facts = *out.Facts
		}
	}
	n := &w.notifications
	for i := range out.Notifications {
		x := &out.Notifications[i]
		// MarshalJSON is what json.Marshal would call; calling it directly saves json.Marshal's
		// second pass over the (already compact) output. The bytes are stored as they are.
		msg, err := x.MarshalJSON()
		if err != nil {
			return fmt.Errorf("encode %s notification to %s: %w", x.Event, x.ReceiverID, err)
		}
		n.receiver = append(n.receiver, x.ReceiverID)
		n.typ = append(n.typ, x.Type)
		n.event = append(n.event, x.Event)
		n.equipment = append(n.equipment, x.EquipmentNumber)
		n.releaseID = append(n.releaseID, x.ReleaseID)
		n.publicReferenceID = append(n.publicReferenceID, x.PublicReferenceID)
		n.externalReferenceID = append(n.externalReferenceID, x.ExternalReferenceID)
		n.storedOn = append(n.storedOn, x.Timestamp)
		n.message = append(n.message, msg)
	}
	a, audit := &w.audits, &op.Audit
	a.publicReferenceID = append(a.publicReferenceID, audit.PublicReferenceID)
	a.company = append(a.company, audit.CompanyID)
	a.action = append(a.action, audit.Action)
	a.equipment = append(a.equipment, audit.EquipmentNumber)
	a.request = append(a.request, audit.Request)
	a.at = append(a.at, audit.At)
	a.rejected = append(a.rejected, out.Rejected)
	a.reason = append(a.reason, out.Reason)
	// -1 is stored as NULL (sqlWrite, sqlValues): a plain int32 is encoded without an allocation.
	a.index = append(a.index, noIndex)
	if op.Audit.PublicReferenceID != "" {
		a.index[len(a.index)-1] = int32(index)
	}
	return nil
}

func (w *writes) addRight(r *release.Right) error {
	state, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode right %s: %w", r.ReleaseID, err)
	}
	var pendingTo *string
	if r.PendingTo != nil {
		pendingTo = &r.PendingTo.NxtEntityID
	}
	x := &w.rights
	if i, ok := w.rightIndex[r.ReleaseID]; ok {
		x.port[i], x.equipment[i], x.releaseIdentification[i] = r.PortLoCode, r.Key.EquipmentNumber, r.Key.ReleaseIdentification
		x.owner[i], x.pendingTo[i], x.originator[i], x.terminal[i] = r.Owner.NxtEntityID, pendingTo, r.Originator.NxtEntityID, r.Terminal.Code
		x.status[i], x.deleted[i] = int16(r.Status), r.Deleted()
		x.createdAt[i], x.updatedAt[i], x.expiresAt[i], x.state[i] = r.CreatedAt, r.UpdatedAt, r.ExpiresAt(), state
		return nil
	}
	w.rightIndex[r.ReleaseID] = len(x.releaseID)
	x.releaseID = append(x.releaseID, r.ReleaseID)
	x.port = append(x.port, r.PortLoCode)
	x.equipment = append(x.equipment, r.Key.EquipmentNumber)
	x.releaseIdentification = append(x.releaseIdentification, r.Key.ReleaseIdentification)
	x.owner = append(x.owner, r.Owner.NxtEntityID)
	x.pendingTo = append(x.pendingTo, pendingTo)
	x.originator = append(x.originator, r.Originator.NxtEntityID)
	x.terminal = append(x.terminal, r.Terminal.Code)
	x.status = append(x.status, int16(r.Status))
	x.deleted = append(x.deleted, r.Deleted())
	x.createdAt = append(x.createdAt, r.CreatedAt)
	x.updatedAt = append(x.updatedAt, r.UpdatedAt)
	x.expiresAt = append(x.expiresAt, r.ExpiresAt())
	x.state = append(x.state, state)
	return nil
}

// addStakeholders notes that the stakeholder rows of r are rewritten when they changed since prev
// (store.StakeholdersChanged), or were rewritten earlier in the Apply (its last version then gives
// them); and, for a new right, the rows of its bills of lading.
func (w *writes) addStakeholders(prev, r *release.Right) {
	if prev == nil {
		b := &w.billsOfLading
		for _, bl := range r.Key.BillOfLadingNumbers {
			b.port, b.billOfLading, b.releaseID = append(b.port, r.PortLoCode), append(b.billOfLading, bl), append(b.releaseID, r.ReleaseID)
		}
	}
	if _, ok := w.restakedRight[r.ReleaseID]; ok || store.StakeholdersChanged(prev, r) {
		if !ok {
			w.restaked = append(w.restaked, r.ReleaseID)
		}
		w.restakedRight[r.ReleaseID] = r
	}
}

// queueStakeholders queues the statements rewriting the restaked releases' stakeholder rows and
// inserting the new bills of lading, if any.
func (w *writes) queueStakeholders(b *pgx.Batch) {
	if len(w.restaked) > 0 {
		var release, company, port, terminal []string
		var created []time.Time
		var status []int16
		for _, id := range w.restaked {
			r := w.restakedRight[id]
			for _, c := range store.StakeholderIDs(r) {
				release, company, port, terminal = append(release, id), append(company, c), append(port, r.PortLoCode), append(terminal, r.Terminal.Code)
				created, status = append(created, r.CreatedAt), append(status, int16(r.Status))
			}
		}
		b.Queue(sqlUnstake, w.restaked)
		if len(release) > 0 {
			b.Queue(sqlInsertStakeholders, release, company, port, created, status, terminal)
		}
	}
	if x := &w.billsOfLading; len(x.releaseID) > 0 {
		b.Queue(sqlInsertBillsOfLading, x.port, x.billOfLading, x.releaseID)
	}
}

// The statements of stakeholder rows (00010) and bills of lading: a release's rows are deleted and
// written again whole, in two statements (an INSERT beside a DELETE of the same rows in one
// statement would see them still there).
const (
	sqlUnstake            = `DELETE FROM stakeholders WHERE release_id = ANY($1::text[])`
	sqlInsertStakeholders = `INSERT INTO stakeholders (release_id, company_id, port_lo_code, created_at, status, terminal_code)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::smallint[], $6::text[])`
	// DO NOTHING: a release may name one bill of lading twice.
	sqlInsertBillsOfLading = `INSERT INTO bills_of_lading (port_lo_code, bill_of_lading, release_id)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING`
)

func (w *writes) addFacts(k containerKey, f *release.Facts, at time.Time) error {
	doc, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("encode facts of %s: %w", k.equipment, err)
	}
	x := &w.facts
	if i, ok := w.factIndex[k]; ok {
		x.facts[i], x.at[i] = doc, at
		return nil
	}
	w.factIndex[k] = len(x.port)
	x.port = append(x.port, k.port)
	x.equipment = append(x.equipment, k.equipment)
	x.facts = append(x.facts, doc)
	x.at = append(x.at, at)
	return nil
}

// sqlWrite writes the rights, audit records and notifications of an Apply in one statement,
// whatever is in it: an empty array makes no row. The INSERTs take their seqs in the order of their
// rows (ORDER BY the ordinality): the order the core emitted the notifications and the ops were
// applied in. It joins no table, so that the server keeps one plan for it (see sqlLockContainer);
// facts, which few commands change, have a statement of their own (sqlUpdateFacts).
const sqlWrite = `WITH rights_written AS (
    INSERT INTO rights (release_id, port_lo_code, equipment_number, release_identification, owner_id,
        pending_to_id, originator_id, terminal_code, status, deleted, created_at, updated_at, expires_at, state)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
        $8::text[], $9::smallint[], $10::boolean[], $11::timestamptz[], $12::timestamptz[], $13::timestamptz[],
        $14::bytea[])
    ON CONFLICT (release_id) DO UPDATE SET
        port_lo_code = excluded.port_lo_code, equipment_number = excluded.equipment_number,
        release_identification = excluded.release_identification, owner_id = excluded.owner_id,
        pending_to_id = excluded.pending_to_id, originator_id = excluded.originator_id,
        terminal_code = excluded.terminal_code, status = excluded.status, deleted = excluded.deleted,
        created_at = excluded.created_at, updated_at = excluded.updated_at, expires_at = excluded.expires_at,
        state = excluded.state
), audit_written AS (
    INSERT INTO audit (public_reference_id, company_id, action, equipment_number, request, at, rejected, reason, op_index)
    SELECT p, c, a, e, r, t, j, why, NULLIF(x, -1) FROM unnest($15::text[], $16::text[], $17::text[], $18::text[],
        $19::bytea[], $20::timestamptz[], $21::boolean[], $22::text[], $32::integer[]) WITH ORDINALITY AS u(p, c, a, e, r, t, j, why, x, i)
    ORDER BY i
)
INSERT INTO notifications (receiver_id, type, event, equipment_number, release_id, public_reference_id,
    external_reference_id, stored_on, message)
SELECT r, t, e, q, rel, p, x, s, m FROM unnest($23::text[], $24::text[], $25::text[], $26::text[], $27::text[],
    $28::text[], $29::text[], $30::timestamptz[], $31::bytea[]) WITH ORDINALITY AS u(r, t, e, q, rel, p, x, s, m, i)
ORDER BY i`

// sqlUpdateFacts replaces the facts of containers. Their rows exist: the transaction created (or
// found) and locked them.
const sqlUpdateFacts = `UPDATE containers c SET facts = u.facts, updated_at = u.at
FROM unnest($1::text[], $2::text[], $3::bytea[], $4::timestamptz[]) AS u(port, equipment, facts, at)
WHERE c.port_lo_code = u.port AND c.equipment_number = u.equipment`

// The small writes of most calls (a few rows per table) go as multi-row INSERT ... VALUES with plain
// parameters: cheaper to encode than arrays, and planned once per shape. Larger ones use sqlWrite.
const (
	maxValuesRights        = 8
	maxValuesAudits        = 8
	maxValuesNotifications = 32
)

// shape is the number of rows per table of a write.
type shape struct{ rights, audits, notifications int }

// valuesSQL caches the statement of each shape.
var valuesSQL sync.Map // shape → string

const (
	rightColumns = `rights (release_id, port_lo_code, equipment_number, release_identification, owner_id,
    pending_to_id, originator_id, terminal_code, status, deleted, created_at, updated_at, expires_at, state)`
	rightTypes       = "text,text,text,text,text,text,text,text,smallint,boolean,timestamptz,timestamptz,timestamptz,bytea"
	rightsOnConflict = `ON CONFLICT (release_id) DO UPDATE SET
        port_lo_code = excluded.port_lo_code, equipment_number = excluded.equipment_number,
        release_identification = excluded.release_identification, owner_id = excluded.owner_id,
        pending_to_id = excluded.pending_to_id, originator_id = excluded.originator_id,
        terminal_code = excluded.terminal_code, status = excluded.status, deleted = excluded.deleted,
        created_at = excluded.created_at, updated_at = excluded.updated_at, expires_at = excluded.expires_at,
        state = excluded.state`
	auditColumns        = `audit (public_reference_id, company_id, action, equipment_number, request, at, rejected, reason, op_index)`
	auditTypes          = "text,text,text,text,bytea,timestamptz,boolean,text,opindex"
	notificationColumns = `notifications (receiver_id, type, event, equipment_number, release_id, public_reference_id,
    external_reference_id, stored_on, message)`
	notificationTypes = "text,text,text,text,text,text,text,timestamptz,bytea"
)

// sqlValues is the statement writing a shape's rows: one data-modifying WITH per table, rows in
// the order given (a multi-row VALUES takes its seqs in row order).
func sqlValues(sh shape) string {
	if q, ok := valuesSQL.Load(sh); ok {
		return q.(string)
	}
	var b strings.Builder
	n := 0
	values := func(rows int, types string) {
		ts := strings.Split(types, ",")
		b.WriteString(" VALUES ")
		for r := range rows {
			if r > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for i, t := range ts {
				if i > 0 {
					b.WriteString(", ")
				}
				n++
				if t == "opindex" { // noIndex is NULL
					fmt.Fprintf(&b, "NULLIF($%d::integer, -1)", n)
				} else {
					fmt.Fprintf(&b, "$%d::%s", n, t)
				}
			}
			b.WriteByte(')')
		}
	}
	var parts []string
	if sh.rights > 0 {
		b.WriteString("INSERT INTO " + rightColumns)
		values(sh.rights, rightTypes)
		b.WriteString("\n" + rightsOnConflict)
		parts = append(parts, b.String())
		b.Reset()
	}
	if sh.audits > 0 {
		b.WriteString("INSERT INTO " + auditColumns)
		values(sh.audits, auditTypes)
		parts = append(parts, b.String())
		b.Reset()
	}
	if sh.notifications > 0 {
		b.WriteString("INSERT INTO " + notificationColumns)
		values(sh.notifications, notificationTypes)
		parts = append(parts, b.String())
		b.Reset()
	}
	// The last part is the main statement, the others come before it as WITH ... AS (...).
	for i, part := range parts[:len(parts)-1] {
		if i == 0 {
			b.WriteString("WITH ")
		} else {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "w%d AS (%s)\n", i, part)
	}
	b.WriteString(parts[len(parts)-1])
	q := b.String()
	valuesSQL.Store(sh, q)
	return q
}

// valuesArgs are the parameters of sqlValues, row after row.
func (w *writes) valuesArgs() []any {
	r, a, n := &w.rights, &w.audits, &w.notifications
	args := make([]any, 0, len(r.releaseID)*14+len(a.publicReferenceID)*9+len(n.receiver)*9)
	for i := range r.releaseID {
		args = append(args, r.releaseID[i], r.port[i], r.equipment[i], r.releaseIdentification[i], r.owner[i], r.pendingTo[i],
			r.originator[i], r.terminal[i], r.status[i], r.deleted[i], r.createdAt[i], r.updatedAt[i], r.expiresAt[i], r.state[i])
	}
	for i := range a.publicReferenceID {
		args = append(args, a.publicReferenceID[i], a.company[i], a.action[i], a.equipment[i], a.request[i], a.at[i],
			a.rejected[i], a.reason[i], a.index[i])
	}
	for i := range n.receiver {
		args = append(args, n.receiver[i], n.typ[i], n.event[i], n.equipment[i], n.releaseID[i], n.publicReferenceID[i],
			n.externalReferenceID[i], n.storedOn[i], n.message[i])
	}
	return args
}

// commit writes the rows and commits: one round trip. The seqs the transaction may take were
// announced when it read its containers (sqlAnnounceSeqs).
func (w *writes) commit(ctx context.Context, conn *pgxpool.Conn) error {
	b := &pgx.Batch{}
	r, f, a, n := &w.rights, &w.facts, &w.audits, &w.notifications
	if len(f.port) > 0 {
		b.Queue(sqlUpdateFacts, f.port, f.equipment, f.facts, f.at)
	}
	w.queueStakeholders(b)
	if sh := (shape{len(r.releaseID), len(a.publicReferenceID), len(n.receiver)}); sh == (shape{}) {
		// Nothing to write: every call was recognised as stored (group.Commit).
	} else if sh.rights <= maxValuesRights &&
		sh.audits <= maxValuesAudits && sh.notifications <= maxValuesNotifications {
		b.Queue(sqlValues(sh), w.valuesArgs()...)
	} else {
		b.Queue(sqlWrite,
			r.releaseID, r.port, r.equipment, r.releaseIdentification, r.owner, r.pendingTo, r.originator, r.terminal,
			r.status, r.deleted, r.createdAt, r.updatedAt, r.expiresAt, r.state,
			a.publicReferenceID, a.company, a.action, a.equipment, a.request, a.at, a.rejected, a.reason,
			n.receiver, n.typ, n.event, n.equipment, n.releaseID, n.publicReferenceID, n.externalReferenceID, n.storedOn, n.message,
			a.index)
	}
	b.Queue("COMMIT")
	if err := conn.SendBatch(ctx, b).Close(); err != nil {
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) {
			// No answer from the server (a lost connection, a timeout): the COMMIT may have been
			// carried out. The calls are applied again only recognising what is stored (group.Commit).
			return group.Uncertain(fmt.Errorf("store/postgres: apply: write and commit: %w", err))
		}
		err = fmt.Errorf("store/postgres: apply: write and commit: %w", err)
		if pgErr.Code == "23505" && pgErr.ConstraintName == "audit_public_reference_op" {
			return group.Duplicate(err) // an op applied before (group.Commit)
		}
		return err
	}
	if st := conn.Conn().PgConn().TxStatus(); st != 'I' {
		return fmt.Errorf("store/postgres: apply: transaction not committed (status %c)", st)
	}
	return nil
}
