-- Ingestion ids are bearer secrets: store them hashed, like client secrets (identity/secrets.go).
-- portlight_ingestion_hash is registered by the store (ingestionhash.go). A hash cannot be turned
-- back into the id, so Down leaves them hashed; a node of an older version would refuse every
-- ingestion id until each company's id is rotated (portlight admin companies rotate-ingestion-id).

-- secure_delete zeroes the old values in the pages the UPDATE rewrites (the row and the UNIQUE
-- index entry): without it the clear ids stay in the file's free space, and so in its backups.
-- It is turned off again for the write path (it costs writes there).

-- +goose Up
PRAGMA secure_delete = ON;
UPDATE companies SET ingestion_id = portlight_ingestion_hash(ingestion_id)
WHERE ingestion_id IS NOT NULL AND ingestion_id NOT LIKE 'sha256:%';
PRAGMA secure_delete = OFF;

-- +goose Down
SELECT 1;
