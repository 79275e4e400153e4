-- The outbox's waiting notifications as a table of their own, instead of the dispatched flag of
-- 00004: marking a notification dispatched rewrote its row (the whole message) a moment after it
-- was written, about doubling what notifications cost the WAL; a row of a small table costs
-- next to nothing to add and remove. And no index of who holds leases: every claim and every
-- outcome rewrote it, while only a restarting node ever asks.

-- +goose Up

-- A notification waiting to be turned into deliveries. The trigger fills it in the command's own
-- transaction, so the write path of the commands stays as it is; the dispatcher deletes what it
-- dispatched, in the transaction that makes the deliveries.
CREATE TABLE outbox_pending (
    seq INTEGER PRIMARY KEY
);
INSERT INTO outbox_pending (seq) SELECT seq FROM notifications WHERE NOT dispatched;
-- +goose StatementBegin
CREATE TRIGGER notifications_outbox AFTER INSERT ON notifications
BEGIN
    INSERT INTO outbox_pending (seq) VALUES (new.seq);
END;
-- +goose StatementEnd
DROP INDEX notifications_undispatched;
ALTER TABLE notifications DROP COLUMN dispatched;
DROP INDEX deliveries_leased;

-- Attempts that delivered are not logged any more: the delivery's last attempt is that one.

-- +goose Down
CREATE INDEX deliveries_leased ON deliveries (leased_by) WHERE leased_by <> '';
ALTER TABLE notifications ADD COLUMN dispatched BOOLEAN NOT NULL DEFAULT 0;
UPDATE notifications SET dispatched = 1 WHERE seq NOT IN (SELECT seq FROM outbox_pending);
CREATE INDEX notifications_undispatched ON notifications (seq) WHERE NOT dispatched;
DROP TRIGGER notifications_outbox;
DROP TABLE outbox_pending;
