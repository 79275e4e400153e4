package postgres

import (
	"testing"

	"github.com/portlight/portlight/store/storetest"
)

// BenchmarkStakeholderRights is storetest.BenchStakeholderRights on PostgreSQL. On the 2-core
// machine, shared, on the rights table's indexes before the stakeholders table (00010): first pages
// 18-33 ms, the page at 50,000 116 ms, the waiting count 7 ms, a search 1.2 ms, the whole count 460 ms.
//
//	go test ./store/postgres -run '^$' -bench BenchmarkStakeholderRights -benchtime 20x
func BenchmarkStakeholderRights(b *testing.B) {
	s, _ := openFresh(b, Options{MaxConns: DefaultMaxConns})
	storetest.BenchStakeholderRights(b, s)
}
