package postgres

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store/internal/group"
)

// maxAttempts bounds how often Apply runs a transaction the server aborted to break a deadlock or a
// serialization conflict. Containers are locked in one order by every Apply, so neither should
// happen; the retry is there for what the order does not cover (an operator's own transactions).
const maxAttempts = 5

// applyTimeout bounds a transaction that has started (a caller that stops waiting does not end it):
// a server that hangs, or a lock some other session holds for ever, fails the call instead of
// holding its connection.
const applyTimeout = time.Minute

// retryable reports whether err is the server aborting a transaction that may succeed when run
// again: a deadlock (40P01) or a serialization failure (40001).
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001")
}

// containerKey names a container within an Apply.
type containerKey struct{ port, equipment string }

func compareKeys(a, b containerKey) int {
	if c := strings.Compare(a.port, b.port); c != 0 {
		return c
	}
	return strings.Compare(a.equipment, b.equipment)
}

// container is the state of one container within an Apply: as loaded under its lock, then as the
// ops of the call left it.
type container struct {
	key    containerKey
	since  time.Time        // the oldest creation time any of its ops sees (release.LiveWindow)
	at     time.Time        // the time of its first op, for a container row created by this call
	rights []*release.Right // by creation; a changed right replaces its old version in place
	facts  release.Facts
}

// view is the container as an op at `since` sees it: its rights created at or after since.
func (c *container) view(since time.Time) *release.Container {
	v := &release.Container{PortLoCode: c.key.port, EquipmentNumber: c.key.equipment, Facts: c.facts,
		Rights: make([]*release.Right, 0, len(c.rights))}
	for _, r := range c.rights {
		if !r.CreatedAt.Before(since) {
			v.Rights = append(v.Rights, r)
		}
	}
	return v
}

// put records r as the latest version of its right.
func (c *container) put(r *release.Right) {
	for i, have := range c.rights {
		if have.ReleaseID == r.ReleaseID {
			c.rights[i] = r
			return
		}
	}
	c.rights = append(c.rights, r)
}

// previous is the version of right id the container holds (nil: none, a new right).
func (c *container) previous(id string) *release.Right {
	for _, have := range c.rights {
		if have.ReleaseID == id {
			return have
		}
	}
	return nil
}

// liveSince is the oldest creation time of a right still live at now (release.LiveWindow).
func liveSince(now time.Time) time.Time { return now.Add(-release.LiveWindow) }

// normalise is an op's equipment number as the stores key containers by.
func normalise(equipment string) string { return release.NormaliseCode(equipment) }

// applyTx runs the ops of reqs in one transaction, request after request: batch 1 begins it,
// locks every container they concern in key order and reads them (with recognise set, and the
// audit records of the requests' ops: a request stored already is answered from them, see
// group.Commit); the core decides each op; batch 2 writes the outcomes and commits. It fills each
// request's Outs; on error none of them is kept.
func (s *Store) applyTx(reqs []*group.Request, recognise bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), applyTimeout)
	defer cancel()
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		if s.closed.Load() {
			return ErrClosed
		}
		return fmt.Errorf("store/postgres: apply: %w", err)
	}
	defer conn.Release()

	byKey := map[containerKey]*container{}
	var keys []containerKey
	nops := 0
	for _, req := range reqs {
		nops += len(req.Ops)
		for i := range req.Ops {
			op := &req.Ops[i]
			if op.EquipmentNumber == "" {
				continue
			}
			k := containerKey{op.PortLoCode, normalise(op.EquipmentNumber)}
			since := liveSince(op.Audit.At)
			if c, ok := byKey[k]; ok {
				if since.Before(c.since) {
					c.since = since
				}
				continue
			}
			byKey[k] = &container{key: k, since: since, at: op.Audit.At}
			keys = append(keys, k)
		}
	}
	// One lock order for every transaction on every node: no two wait for each other in a cycle.
	slices.SortFunc(keys, compareKeys)

	var found map[group.Key]group.Stored
	if recognise {
		found = map[group.Key]group.Stored{}
	}
	if err := s.load(ctx, conn, keys, byKey, reqs, found); err != nil {
		rollback(conn)
		return err
	}
	w := newWrites(nops)
	for _, req := range reqs {
		if known, err := req.Recognise(found); err != nil {
			rollback(conn)
			return fmt.Errorf("store/postgres: apply: %w", err)
		} else if known {
			continue
		}
		req.Outs = make([]release.Outcome, len(req.Ops))
		for i := range req.Ops {
			op := &req.Ops[i]
			var c *container
			var view *release.Container
			if op.EquipmentNumber != "" {
				c = byKey[containerKey{op.PortLoCode, normalise(op.EquipmentNumber)}]
				view = c.view(liveSince(op.Audit.At))
			}
			if req.Outs[i], err = group.Decide(op, view); err != nil {
				rollback(conn)
				return fmt.Errorf("store/postgres: apply %s on %q: %w", op.Audit.Action, op.EquipmentNumber, err)
			}
			if err := w.add(op, i, &req.Outs[i], c); err != nil {
				rollback(conn)
				return fmt.Errorf("store/postgres: apply %s on %q: %w", op.Audit.Action, op.EquipmentNumber, err)
			}
		}
	}
	if err := w.commit(ctx, conn); err != nil {
		rollback(conn)
		return err
	}
	return s.faults.After()
}

const (
	// sqlLockContainers creates the row of each container the call concerns if it has none and
	// locks every one, in the order given (key order). ON CONFLICT ... DO UPDATE ... WHERE false
	// locks an existing row as SELECT ... FOR UPDATE would, without writing a new version of it;
	// a row inserted here is the transaction's until it commits.
	sqlLockContainers = `INSERT INTO containers (port_lo_code, equipment_number, updated_at)
SELECT p, e, $3 FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(p, e, i) ORDER BY i
ON CONFLICT (port_lo_code, equipment_number) DO UPDATE SET updated_at = excluded.updated_at WHERE false`
	// sqlLockContainer and sqlReadContainer are the same for a call on one container (most of them),
	// with plain parameters: the server plans them once per connection and keeps the plan (index
	// lookups), where the array forms would be planned anew at every call (a plan made for the
	// array's length looks cheaper to it than one for any length).
	sqlLockContainer = `INSERT INTO containers (port_lo_code, equipment_number, updated_at) VALUES ($1, $2, $3)
ON CONFLICT (port_lo_code, equipment_number) DO UPDATE SET updated_at = excluded.updated_at WHERE false`
	sqlReadContainer = `SELECT 0, port_lo_code, equipment_number, facts FROM containers
WHERE port_lo_code = $1 AND equipment_number = $2
UNION ALL
SELECT 1, port_lo_code, equipment_number, state FROM rights
WHERE port_lo_code = $1 AND equipment_number = $2 AND created_at >= $3`
	// sqlReadContainers reads the facts and the rights created since $3 of the containers. It is
	// a statement of its own after the lock, so that its snapshot holds whatever the previous
	// holder of a lock committed. Deleted rights are read too; the core skips them itself.
	sqlReadContainers = `SELECT 0, c.port_lo_code, c.equipment_number, c.facts
FROM unnest($1::text[], $2::text[]) AS u(p, e)
JOIN containers c ON c.port_lo_code = u.p AND c.equipment_number = u.e
UNION ALL
SELECT 1, r.port_lo_code, r.equipment_number, r.state
FROM unnest($1::text[], $2::text[]) AS u(p, e)
JOIN rights r ON r.port_lo_code = u.p AND r.equipment_number = u.e AND r.created_at >= $3`
)

// load begins the transaction, locks the containers in key order (creating their rows if needed),
// announces its seqs and reads the containers' facts and live rights: four statements, one round
// trip. With found not nil it reads into it, after the locks (a transaction that holds them
// has ended, committed or not), the audit records of the requests' ops (group.Key).
func (s *Store) load(ctx context.Context, conn *pgxpool.Conn, keys []containerKey, byKey map[containerKey]*container,
	reqs []*group.Request, found map[group.Key]group.Stored) error {
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	read := func(rows pgx.Rows) error { return readContainers(rows, byKey) }
	// The seqs this transaction may take are announced once its containers are locked (a writer
	// waiting for a lock must not hold readers back), before it takes any (notifications.go).
	if len(keys) == 0 {
		b.Queue(sqlAnnounceSeqs)
	} else if len(keys) == 1 {
		k, c := keys[0], byKey[keys[0]]
		b.Queue(sqlLockContainer, k.port, k.equipment, c.at)
		b.Queue(sqlAnnounceSeqs)
		b.Queue(sqlReadContainer, k.port, k.equipment, c.since).Query(read)
	} else {
		ports, equipment := make([]string, len(keys)), make([]string, len(keys))
		at, since := byKey[keys[0]].at, byKey[keys[0]].since
		for i, k := range keys {
			ports[i], equipment[i] = k.port, k.equipment
			if c := byKey[k]; c.since.Before(since) {
				since = c.since
			}
		}
		b.Queue(sqlLockContainers, ports, equipment, at)
		b.Queue(sqlAnnounceSeqs)
		// The oldest since of the call for every container: view() gives each op its own.
		b.Queue(sqlReadContainers, ports, equipment, since).Query(read)
	}
	if found != nil {
		var prids []string
		var index []int32
		for _, req := range reqs {
			for _, k := range req.Keys() {
				prids, index = append(prids, k.PublicReferenceID), append(index, int32(k.Index))
			}
		}
		if len(prids) > 0 {
			b.Queue(sqlRecognise, prids, index).Query(func(rows pgx.Rows) error { return readStored(rows, found) })
		}
	}
	if err := conn.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("store/postgres: apply: load containers: %w", err)
	}
	for _, k := range keys {
		if c := byKey[k]; !slices.IsSortedFunc(c.rights, byCreation) {
			slices.SortFunc(c.rights, byCreation)
		}
	}
	return nil
}

// readContainers decodes the rows of sqlReadContainers into the containers of byKey.
func readContainers(rows pgx.Rows, byKey map[containerKey]*container) error {
	defer rows.Close()
	var k containerKey
	for rows.Next() {
		var kind int
		// DriverBytes points into the connection's buffer: decoded before the next row, no copy.
		var doc pgtype.DriverBytes
		if err := rows.Scan(&kind, &k.port, &k.equipment, &doc); err != nil {
			return err
		}
		c := byKey[k]
		if c == nil {
			return fmt.Errorf("read container %s/%s: not asked for", k.port, k.equipment)
		}
		switch {
		case kind == 0 && doc != nil:
			if err := json.Unmarshal(doc, &c.facts); err != nil {
				return fmt.Errorf("container %s: decode facts: %w", k.equipment, err)
			}
		case kind == 1:
			r := new(release.Right)
			if err := json.Unmarshal(doc, r); err != nil {
				return fmt.Errorf("container %s: decode right: %w", k.equipment, err)
			}
			c.rights = append(c.rights, r)
		}
	}
	return rows.Err()
}

// rollback ends a failed transaction on conn. When that fails too, the pool drops the connection
// on release (it is not idle), which ends the transaction on the server.
func rollback(conn *pgxpool.Conn) {
	if conn.Conn().PgConn().TxStatus() == 'I' {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _ = conn.Exec(ctx, "ROLLBACK")
}

// sqlRecognise reads the audit records of ops by their keys (group.Key).
const sqlRecognise = `SELECT a.public_reference_id, a.op_index, a.company_id, a.action, a.equipment_number, a.at,
    a.request, a.rejected, a.reason
FROM unnest($1::text[], $2::integer[]) AS k(p, i)
JOIN audit a ON a.public_reference_id = k.p AND a.op_index = k.i`

// readStored decodes the rows of sqlRecognise into found.
func readStored(rows pgx.Rows, found map[group.Key]group.Stored) error {
	defer rows.Close()
	for rows.Next() {
		var k group.Key
		var index int32
		var st group.Stored
		if err := rows.Scan(&k.PublicReferenceID, &index, &st.CompanyID, &st.Action, &st.EquipmentNumber, &st.At,
			&st.Request, &st.Rejected, &st.Reason); err != nil {
			return err
		}
		k.Index = int(index)
		found[k] = st
	}
	return rows.Err()
}

// byCreation orders rights as "ORDER BY created_at, release_id" does, to the nanosecond.
func byCreation(a, b *release.Right) int {
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	return cmp.Compare(a.ReleaseID, b.ReleaseID)
}
