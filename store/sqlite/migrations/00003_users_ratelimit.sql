-- Users of the password grant, and the shared rate-limit counters.

-- +goose Up
CREATE TABLE users (
    username      TEXT    PRIMARY KEY,
    company_id    TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    revoked_at    INTEGER
);

-- Calls per subscription and rate-limit window, summed over every node.
CREATE TABLE call_counts (
    subscription TEXT    NOT NULL,
    window_start INTEGER NOT NULL,
    calls        INTEGER NOT NULL,
    PRIMARY KEY (subscription, window_start)
);

-- +goose Down
DROP TABLE call_counts;
DROP TABLE users;
