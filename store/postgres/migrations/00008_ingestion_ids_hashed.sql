-- Ingestion ids are bearer secrets: store them hashed, like client secrets (identity/secrets.go:
-- 'sha256:' and the hex SHA-256 of the id upper-cased and trimmed). A hash cannot be turned back
-- into the id, so Down leaves them hashed; a node of an older version would refuse every
-- ingestion id until each company's id is rotated.

-- +goose Up
UPDATE companies
SET ingestion_id = 'sha256:' || encode(sha256(convert_to(upper(btrim(ingestion_id, E' \t\n\r\v\f')), 'UTF8')), 'hex')
WHERE ingestion_id IS NOT NULL AND ingestion_id NOT LIKE 'sha256:%';

-- +goose Down
SELECT 1;
