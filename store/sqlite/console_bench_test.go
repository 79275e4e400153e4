package sqlite

import (
	"context"
	"testing"

	"github.com/portlight/portlight/store/storetest"
)

// BenchmarkStakeholderRights is storetest.BenchStakeholderRights on SQLite. On the 2-core machine,
// shared: first pages 1.6-3 ms, the page at 50,000 7.6 ms, the waiting count 1 ms, a search 0.3 ms,
// the whole count 27 ms (from the stakeholders table, 00013; before it, on the branches of the
// rights table's indexes: 22-25, 86, 6, 1.5 and 275 ms).
//
//	go test ./store/sqlite -run '^$' -bench BenchmarkStakeholderRights -benchtime 20x
func BenchmarkStakeholderRights(b *testing.B) {
	s, err := Open(context.Background(), b.TempDir()+"/bench.db")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchStakeholderRights(b, s)
}
