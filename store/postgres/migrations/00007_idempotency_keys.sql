-- The calls made with an Idempotency-Key (store.Idempotency): one row per company and key, kept
-- 24 hours. status 0 is a call under way, whose lease says until when.

-- +goose Up
CREATE TABLE idempotency_keys (
    company_id          TEXT        NOT NULL,
    idem_key            TEXT        NOT NULL,
    fingerprint         TEXT        NOT NULL,
    public_reference_id TEXT        NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    leased_until        TIMESTAMPTZ NOT NULL,
    status              INTEGER     NOT NULL DEFAULT 0,
    header              BYTEA,
    body                BYTEA,
    PRIMARY KEY (company_id, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
