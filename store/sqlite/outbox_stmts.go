package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// outboxStmts are the statements of the dispatcher's frequent writes, prepared once on the writer
// connection and bound to each group transaction (preparing them in every transaction cost the
// writer goroutine, the bottleneck, several percent of its time).
type outboxStmts struct {
	mu                                      sync.Mutex
	ready                                   bool
	undispatched, channels, pending, insert *sql.Stmt
	markDispatched, claim, lease            *sql.Stmt
	record, delivered, dead, retry, release *sql.Stmt
	unblock                                 *sql.Stmt
}

const (
	sqlUndispatched = `SELECT p.seq, n.receiver_id, n.type, n.equipment_number
FROM outbox_pending p JOIN notifications n ON n.seq = p.seq ORDER BY p.seq LIMIT (SELECT ?)`
	sqlPendingInQueue = `SELECT EXISTS (SELECT 1 FROM deliveries WHERE channel_id = ? AND ordering_key = ? AND status = 0)`
	sqlInsertDelivery = `INSERT INTO deliveries (delivery_id, channel_id, seq, ordering_key, status,
    blocked, created_at, expires_at, next_attempt_at) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?)`
	sqlMarkDispatched = `DELETE FROM outbox_pending WHERE seq <= ?`
	// sqlChannelsOf selects the channels of the companies of a JSON array (a dispatch's receivers).
	sqlChannelsOf = ` WHERE company_id IN (SELECT value FROM json_each(?)) ORDER BY company_id, created_at, channel_id`
	// sqlLease leases the deliveries of a JSON array of ids: one statement for a claim's batch.
	sqlLease = `UPDATE deliveries SET leased_by = ?, leased_until = ? WHERE delivery_id IN (SELECT value FROM json_each(?))`
)

// prepare prepares the statements on the writer connection the first time; it must not be called
// from inside the writer's transaction (the connection is then taken).
func (o *outboxStmts) prepare(ctx context.Context, db *sql.DB) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.ready {
		return nil
	}
	for _, p := range []struct {
		st **sql.Stmt
		q  string
	}{
		{&o.undispatched, sqlUndispatched}, {&o.channels, sqlChannelColumns + sqlChannelsOf},
		{&o.pending, sqlPendingInQueue}, {&o.insert, sqlInsertDelivery}, {&o.markDispatched, sqlMarkDispatched},
		{&o.claim, sqlClaim}, {&o.lease, sqlLease}, {&o.record, sqlRecordAttempt}, {&o.delivered, sqlDelivered},
		{&o.dead, sqlDead}, {&o.retry, sqlRetry}, {&o.release, sqlRelease}, {&o.unblock, sqlUnblockNext},
	} {
		if *p.st != nil {
			continue
		}
		st, err := db.PrepareContext(ctx, p.q)
		if err != nil {
			return fmt.Errorf("store/sqlite: prepare outbox: %w", err)
		}
		*p.st = st
	}
	o.ready = true
	return nil
}

func (o *outboxStmts) close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, st := range []*sql.Stmt{o.undispatched, o.channels, o.pending, o.insert, o.markDispatched, o.claim, o.lease,
		o.record, o.delivered, o.dead, o.retry, o.release, o.unblock} {
		if st != nil {
			st.Close()
		}
	}
}
