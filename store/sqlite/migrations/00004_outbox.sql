-- Notification channels and the webhook delivery outbox (store.Outbox).

-- +goose Up

-- Whether a notification has been turned into deliveries yet. Apply leaves it 0; the dispatcher
-- sets it in the transaction that makes the deliveries. Notifications stored before channels
-- existed had no channel to go to: they count as dispatched. The partial index holds only what
-- waits, so finding it stays cheap however long the table grows.
ALTER TABLE notifications ADD COLUMN dispatched BOOLEAN NOT NULL DEFAULT 0;
UPDATE notifications SET dispatched = 1;
CREATE INDEX notifications_undispatched ON notifications (seq) WHERE NOT dispatched;

-- A company's webhooks. types is a JSON array (empty: every type), auth the JSON of
-- store.ChannelAuth; sealed holds the secrets as the delivery package sealed them.
CREATE TABLE notification_channels (
    channel_id TEXT    PRIMARY KEY,
    company_id TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    url        TEXT    NOT NULL,
    types      TEXT    NOT NULL,
    auth       TEXT    NOT NULL,
    sealed     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX notification_channels_company ON notification_channels (company_id, created_at);

-- One row per notification and channel. status: 0 pending, 1 delivered, 2 dead. ordering_key is the
-- queue the delivery waits in (the equipment number, or a key of its own when the notification
-- has none); blocked is set while an earlier delivery of its queue is pending, so only queue heads
-- are ever looked at for claiming. A lease is leased_by/leased_until (0: none).
CREATE TABLE deliveries (
    delivery_id      TEXT    PRIMARY KEY,
    channel_id       TEXT    NOT NULL REFERENCES notification_channels (channel_id) ON DELETE CASCADE,
    seq              INTEGER NOT NULL,
    ordering_key     TEXT    NOT NULL,
    status           INTEGER NOT NULL,
    blocked          BOOLEAN NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    next_attempt_at  INTEGER NOT NULL,
    leased_by        TEXT    NOT NULL DEFAULT '',
    leased_until     INTEGER NOT NULL DEFAULT 0,
    last_attempt_at  INTEGER NOT NULL DEFAULT 0,
    last_status_code INTEGER NOT NULL DEFAULT 0,
    last_latency     INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT    NOT NULL DEFAULT '',
    delivered_at     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (channel_id, seq)
);
-- The heads that may be claimed, per channel, due first.
CREATE INDEX deliveries_ready ON deliveries (channel_id, next_attempt_at) WHERE status = 0 AND NOT blocked;
-- The pending deliveries of a queue, in order: is one pending, which is next.
CREATE INDEX deliveries_queue ON deliveries (channel_id, ordering_key, seq) WHERE status = 0;
-- A node's leases (released when it restarts).
CREATE INDEX deliveries_leased ON deliveries (leased_by) WHERE leased_by <> '';
-- The dead letters, per channel (the deliveries list with status Dead, and the metrics).
CREATE INDEX deliveries_dead ON deliveries (channel_id, seq) WHERE status = 2;
-- Pruning old deliveries.
CREATE INDEX deliveries_created ON deliveries (created_at) WHERE status <> 0;

-- Every attempt, for the deliveries list.
CREATE TABLE delivery_attempts (
    delivery_id TEXT    NOT NULL REFERENCES deliveries (delivery_id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    status_code INTEGER NOT NULL,
    latency     INTEGER NOT NULL,
    error       TEXT    NOT NULL
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, at);

-- +goose Down
DROP TABLE delivery_attempts;
DROP TABLE deliveries;
DROP TABLE notification_channels;
DROP INDEX notifications_undispatched;
ALTER TABLE notifications DROP COLUMN dispatched;
