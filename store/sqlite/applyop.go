package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
	"github.com/portlight/portlight/store/internal/group"
)

// writeStmts are the statements of the write path, prepared once on the writer connection.
type writeStmts struct {
	load, dataVersion, recognise                   *sql.Stmt
	unstake                                        *sql.Stmt
	rights, statuses, facts, notifications, audits *multiInsert
	ccrm, stakeholders, billsOfLading              *multiInsert
}

func prepareWriteStmts(ctx context.Context, db *sql.DB) (ws writeStmts, err error) {
	defer func() {
		if err != nil {
			ws.close()
			err = fmt.Errorf("store/sqlite: prepare: %w", err)
		}
	}()
	if ws.load, err = db.PrepareContext(ctx, sqlContainer); err != nil {
		return ws, err
	}
	if ws.dataVersion, err = db.PrepareContext(ctx, "PRAGMA data_version"); err != nil {
		return ws, err
	}
	if ws.recognise, err = db.PrepareContext(ctx, sqlRecognise); err != nil {
		return ws, err
	}
	if ws.rights, err = prepareMulti(ctx, db, sqlUpsertRights, sqlUpsertRightsTail, rightCols); err != nil {
		return ws, err
	}
	if ws.unstake, err = db.PrepareContext(ctx, sqlUnstake); err != nil {
		return ws, err
	}
	if ws.stakeholders, err = prepareMulti(ctx, db, sqlInsertStakeholders, "", stakeholderCols); err != nil {
		return ws, err
	}
	if ws.billsOfLading, err = prepareMulti(ctx, db, sqlInsertBillsOfLading, sqlInsertBillsOfLadingTail, billOfLadingCols); err != nil {
		return ws, err
	}
	if ws.statuses, err = prepareMulti(ctx, db, sqlUpdateStatuses, sqlUpdateStatusesTail, statusCols); err != nil {
		return ws, err
	}
	if ws.facts, err = prepareMulti(ctx, db, sqlUpsertFacts, sqlUpsertFactsTail, factCols); err != nil {
		return ws, err
	}
	if ws.ccrm, err = prepareMulti(ctx, db, sqlInsertCCRMUses, sqlInsertCCRMUsesTail, ccrmCols); err != nil {
		return ws, err
	}
	if ws.notifications, err = prepareMulti(ctx, db, sqlInsertNotifications, "", notificationCols); err != nil {
		return ws, err
	}
	ws.audits, err = prepareMulti(ctx, db, sqlInsertAudits, "", auditCols)
	return ws, err
}

func (ws *writeStmts) close() {
	for _, st := range []*sql.Stmt{ws.load, ws.dataVersion, ws.recognise, ws.unstake} {
		if st != nil {
			st.Close()
		}
	}
	ws.rights.close()
	ws.statuses.close()
	ws.facts.close()
	ws.ccrm.close()
	ws.stakeholders.close()
	ws.billsOfLading.close()
	ws.notifications.close()
	ws.audits.close()
}

// writeTx is the writer goroutine's current transaction: the write statements bound to it on first
// use, the overlay of the rights and facts its ops changed so far, and the CCRM uses it records.
type writeTx struct {
	tx                                                   *sql.Tx
	ws                                                   *writeStmts
	load                                                 *sql.Stmt
	rights, statuses, facts, notifications, audits, ccrm [len(chunks)]*sql.Stmt
	stakeholders, billsOfLading                          [len(chunks)]*sql.Stmt
	overlay                                              overlay
	cache                                                *containerCache // committed state of recent containers (cache.go)
	// foreign is set when an op changed a right of another container than its own (the core never
	// does): the cache cannot tell which entry held that right, so the group empties it.
	foreign     bool
	dataVersion int64 // PRAGMA data_version as of the writer's last transaction
	uses        []any // ccrm_usage rows, flattened (ccrm.go)
	encode      chan<- encodeItem
	prefetched  *prefetch // the containers of the current group loaded ahead (prefetch.go), or nil
}

// begin starts the write transaction tx.
func (w *writeTx) begin(tx *sql.Tx) {
	w.tx, w.load = tx, nil
	w.rights, w.statuses, w.facts, w.notifications, w.audits, w.ccrm = [len(chunks)]*sql.Stmt{}, [len(chunks)]*sql.Stmt{},
		[len(chunks)]*sql.Stmt{}, [len(chunks)]*sql.Stmt{}, [len(chunks)]*sql.Stmt{}, [len(chunks)]*sql.Stmt{}
	w.stakeholders, w.billsOfLading = [len(chunks)]*sql.Stmt{}, [len(chunks)]*sql.Stmt{}
	w.overlay.reset()
	w.foreign = false
	clear(w.uses)
	w.uses = w.uses[:0]
}

// apply decides one op inside the transaction: load the container's facts and live rights (from the
// cache, else the prefetcher, else the database; then through the overlay), let the core decide, record the changed
// rights and facts in the overlay, and hand the outcome to the encoder, whose rows are inserted at
// the end of the transaction.
func (w *writeTx) apply(ctx context.Context, op *store.Op, index int, out *release.Outcome) (err error) {
	var c *release.Container
	if op.EquipmentNumber != "" {
		eq := release.NormaliseCode(op.EquipmentNumber)
		since := liveSince(op.Audit.At)
		k := containerKey{op.PortLoCode, eq}
		if c = w.cache.container(k, since); c == nil {
			if c = w.prefetched.take(k, since); c == nil {
				if w.load == nil {
					w.load = w.tx.StmtContext(ctx, w.ws.load)
				}
				if c, err = loadContainer(ctx, w.load, op.PortLoCode, eq, since); err != nil {
					return fmt.Errorf("store/sqlite: apply %s on %q: %w", op.Audit.Action, op.EquipmentNumber, err)
				}
			}
			w.cache.add(c, since)
		}
		w.overlay.apply(c, since)
	}
	if *out, err = group.Decide(op, c); err != nil {
		return fmt.Errorf("store/sqlite: apply %s on %q: %w", op.Audit.Action, op.EquipmentNumber, err)
	}
	it := encodeItem{op: op, index: index, out: out, container: c}
	if c != nil {
		key := containerKey{c.PortLoCode, c.EquipmentNumber}
		for _, r := range out.Changed {
			w.overlay.put(r)
			w.foreign = w.foreign || keyOf(r) != key
		}
		if out.Facts != nil {
			w.overlay.putFacts(key, out.Facts)
		}
	}
	w.encode <- it
	return nil
}

// sqlRecognise reads the audit record of one op by its key (group.Key).
const sqlRecognise = `SELECT company_id, action, equipment_number, at, request, rejected, reason FROM audit
WHERE public_reference_id = ? AND op_index = ?`

// recognise looks up the audit records of req's ops and, when they are stored already, answers
// req from them (group.Request.Recognise).
func (w *writeTx) recognise(ctx context.Context, req *group.Request) (bool, error) {
	keys := req.Keys()
	if len(keys) == 0 {
		return false, nil
	}
	st := w.tx.StmtContext(ctx, w.ws.recognise)
	found := make(map[group.Key]group.Stored, len(keys))
	for _, k := range keys {
		var r group.Stored
		var at int64
		err := st.QueryRowContext(ctx, k.PublicReferenceID, k.Index).Scan(&r.CompanyID, &r.Action, &r.EquipmentNumber,
			&at, &r.Request, &r.Rejected, &r.Reason)
		switch {
		case err == nil:
			r.At = fromNanos(at)
			found[k] = r
		case !errors.Is(err, sql.ErrNoRows):
			return false, fmt.Errorf("store/sqlite: recognise %s: %w", k.PublicReferenceID, err)
		}
	}
	known, err := req.Recognise(found)
	if err != nil {
		return false, fmt.Errorf("store/sqlite: %w", err)
	}
	return known, nil
}
