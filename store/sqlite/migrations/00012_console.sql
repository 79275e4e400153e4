-- The console's "My containers" (store.StakeholderRights): the releases a company originated as
-- Shipping Agent, and those at a terminal it operates, each in list order (created_at, release_id)
-- and covering `deleted` (a partial index's condition is still read from the table unless the
-- column is in the index, see 00007), so that counting and paging read index entries only. The
-- owned and pending branches use 00007's indexes.

-- +goose Up
CREATE INDEX rights_originator_list ON rights (originator_id, port_lo_code, created_at, release_id, deleted) WHERE NOT deleted;
CREATE INDEX rights_terminal_list ON rights (port_lo_code, terminal_code, created_at, release_id, deleted) WHERE NOT deleted;

-- +goose Down
DROP INDEX rights_terminal_list;
DROP INDEX rights_originator_list;
