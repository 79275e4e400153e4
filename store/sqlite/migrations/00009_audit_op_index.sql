-- Applying a command is idempotent by its publicReferenceId (store/internal/group/recognise.go):
-- the audit record of an op is unique by (publicReferenceId, the op's index among the ops of its
-- call; a bulk call carries several ops under one publicReferenceId). A group retried after a
-- commit that failed but did land finds its records instead of applying its commands twice. Ops
-- without a publicReferenceId keep op_index NULL, which the unique index does not compare. The
-- records already stored get the index of their order within their publicReferenceId.

-- +goose Up
ALTER TABLE audit ADD COLUMN op_index INTEGER;
UPDATE audit SET op_index = n.i
FROM (SELECT seq, row_number() OVER (PARTITION BY public_reference_id ORDER BY seq) - 1 AS i
      FROM audit WHERE public_reference_id <> '') AS n
WHERE audit.seq = n.seq;
DROP INDEX audit_public_reference;
CREATE UNIQUE INDEX audit_public_reference_op ON audit (public_reference_id, op_index);

-- +goose Down
DROP INDEX audit_public_reference_op;
CREATE INDEX audit_public_reference ON audit (public_reference_id);
ALTER TABLE audit DROP COLUMN op_index;
