package sqlite

import (
	"database/sql/driver"
	"fmt"

	"modernc.org/sqlite"

	"github.com/portlight/portlight/identity"
)

// portlight_ingestion_hash(id) is identity.StoredIngestionID as an SQL function, for migration
// 00011, which hashes the ingestion ids a database holds in clear: SQLite has no SHA-256 of its
// own, and the same Go function that hashes a presented id guarantees the same normalisation.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("portlight_ingestion_hash", 1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			switch v := args[0].(type) {
			case nil:
				return nil, nil
			case string:
				return identity.StoredIngestionID(v), nil
			case []byte:
				return identity.StoredIngestionID(string(v)), nil
			}
			return nil, fmt.Errorf("portlight_ingestion_hash: %T is not text", args[0])
		})
}
