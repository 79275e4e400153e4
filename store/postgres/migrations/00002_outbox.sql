-- Notification channels and the webhook delivery outbox (store.Outbox), shared by every node.

-- +goose Up

-- How far the notifications have been turned into deliveries: every notification with a seq up to
-- dispatched_seq has been dispatched. The dispatcher reads the notifications after it, up to the
-- seq horizon (notifications.go: below it every seq is committed or never will be), so the command
-- path writes nothing for the outbox, and locks this one row for the whole dispatch transaction:
-- dispatches run one at a time across nodes, in seq order, which for one container is its commit
-- order. Notifications stored before this migration had no channel to go to: they count as
-- dispatched.
CREATE TABLE outbox_cursor (
    only_row       boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    dispatched_seq bigint  NOT NULL
);
INSERT INTO outbox_cursor (dispatched_seq) SELECT coalesce(max(seq), 0) FROM notifications;

-- A company's webhooks. types is a JSON array (empty: every type), auth the JSON of
-- store.ChannelAuth; sealed holds the secrets as the delivery package sealed them.
CREATE TABLE notification_channels (
    channel_id text        PRIMARY KEY,
    company_id text        NOT NULL,
    name       text        NOT NULL,
    url        text        NOT NULL,
    types      text        NOT NULL,
    auth       text        NOT NULL,
    sealed     text        NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX notification_channels_company ON notification_channels (company_id, created_at);

-- One row per notification and channel. status: 0 pending, 1 delivered, 2 dead. ordering_key is the
-- queue the delivery waits in (the equipment number, or a key of its own when the notification
-- has none); blocked is set while an earlier delivery of its queue is pending, so only queue heads
-- are ever looked at for claiming. Changes to which delivery heads a queue are made under a
-- transaction-scoped advisory lock on the queue (outbox_queue.go). A lease is leased_by and
-- leased_until (NULL: none). Latencies are nanoseconds.
CREATE TABLE deliveries (
    delivery_id      text        PRIMARY KEY,
    channel_id       text        NOT NULL REFERENCES notification_channels (channel_id) ON DELETE CASCADE,
    seq              bigint      NOT NULL,
    ordering_key     text        NOT NULL,
    status           smallint    NOT NULL,
    blocked          boolean     NOT NULL,
    attempts         integer     NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL,
    next_attempt_at  timestamptz NOT NULL,
    leased_by        text        NOT NULL DEFAULT '',
    leased_until     timestamptz,
    last_attempt_at  timestamptz,
    last_status_code integer     NOT NULL DEFAULT 0,
    last_latency     bigint      NOT NULL DEFAULT 0,
    last_error       text        NOT NULL DEFAULT '',
    delivered_at     timestamptz,
    UNIQUE (channel_id, seq)
);
-- The heads that may be claimed, per channel, due first.
CREATE INDEX deliveries_ready ON deliveries (channel_id, next_attempt_at, seq) WHERE status = 0 AND NOT blocked;
-- The pending deliveries of a queue, in order: is one pending, which is next.
CREATE INDEX deliveries_queue ON deliveries (channel_id, ordering_key, seq) WHERE status = 0;
-- The dead letters, per channel (the deliveries list with status Dead, and the metrics).
CREATE INDEX deliveries_dead ON deliveries (channel_id, seq) WHERE status = 2;
-- Pruning old deliveries.
CREATE INDEX deliveries_created ON deliveries (created_at) WHERE status <> 0;

-- Failed attempts, for the deliveries list (the attempt that delivered is the delivery's last).
CREATE TABLE delivery_attempts (
    id          bigserial   PRIMARY KEY,
    delivery_id text        NOT NULL REFERENCES deliveries (delivery_id) ON DELETE CASCADE,
    at          timestamptz NOT NULL,
    status_code integer     NOT NULL,
    latency     bigint      NOT NULL,
    error       text        NOT NULL
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, at);

-- +goose Down
DROP TABLE delivery_attempts;
DROP TABLE deliveries;
DROP TABLE notification_channels;
DROP TABLE outbox_cursor;
