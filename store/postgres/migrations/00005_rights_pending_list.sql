-- The pending transfers of a company's list (status filter Pending) without reading its whole
-- list: the rights it owns that wait for another party are few, but 00003's index of owned rights
-- holds pending_to_id after created_at, so finding them read every right the company owns.

-- +goose Up
CREATE INDEX rights_owner_pending_list ON rights (owner_id, port_lo_code, created_at, release_id, pending_to_id)
    WHERE pending_to_id IS NOT NULL AND NOT deleted;

-- +goose Down
DROP INDEX rights_owner_pending_list;
