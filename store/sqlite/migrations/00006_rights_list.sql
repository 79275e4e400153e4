-- The rights list of a company (store.RightsAssignedTo) costs a page, not the whole list.

-- +goose Up

-- The two branches of the list, each in list order (created_at, release_id) and covering every
-- condition the list puts on it (deleted, the Pending/Active status filter, the owner of a right
-- pending to the company), so that counting the list and skipping to a page read these indexes
-- only. They replace the indexes of 00001, which held the company and port only: the list then read
-- and decoded every right of the company for each page.
CREATE INDEX rights_owner_list ON rights (owner_id, port_lo_code, created_at, release_id, pending_to_id) WHERE NOT deleted;
CREATE INDEX rights_pending_list ON rights (pending_to_id, port_lo_code, created_at, release_id, owner_id)
    WHERE pending_to_id IS NOT NULL AND NOT deleted;
DROP INDEX rights_owner;
DROP INDEX rights_pending_to;

-- +goose Down
CREATE INDEX rights_owner ON rights (owner_id, port_lo_code);
CREATE INDEX rights_pending_to ON rights (pending_to_id, port_lo_code) WHERE pending_to_id IS NOT NULL;
DROP INDEX rights_pending_list;
DROP INDEX rights_owner_list;
