package sqlite

import (
	"database/sql/driver"
	"fmt"

	gojson "github.com/goccy/go-json"
	"modernc.org/sqlite"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// portlight_stakeholders(state) is store.StakeholderIDs of a right's stored state as an SQL
// function returning a JSON array, for migration 00013, which fills the stakeholders table from the
// rights stored before it: the core's rule (release.Right.Stakeholders), not a copy of it in SQL.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("portlight_stakeholders", 1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			var doc []byte
			switch v := args[0].(type) {
			case string:
				doc = []byte(v)
			case []byte:
				doc = v
			default:
				return nil, fmt.Errorf("portlight_stakeholders: %T is not a right's state", args[0])
			}
			r := new(release.Right)
			if err := gojson.Unmarshal(doc, r); err != nil {
				return nil, fmt.Errorf("portlight_stakeholders: %w", err)
			}
			ids := store.StakeholderIDs(r)
			if ids == nil {
				ids = []string{}
			}
			out, err := gojson.Marshal(ids)
			return string(out), err
		})
}
