-- The console's "My containers" (store.StakeholderRights): the releases a company originated as
-- Shipping Agent, and those at a terminal it operates, each in list order (created_at, release_id),
-- so that counting and paging are index-only scans. The owned and pending branches use 00003's
-- indexes.

-- +goose Up
CREATE INDEX rights_originator_list ON rights (originator_id, port_lo_code, created_at, release_id) WHERE NOT deleted;
CREATE INDEX rights_terminal_list ON rights (port_lo_code, terminal_code, created_at, release_id) WHERE NOT deleted;

-- +goose Down
DROP INDEX rights_terminal_list;
DROP INDEX rights_originator_list;
