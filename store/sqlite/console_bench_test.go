package sqlite

import (
	"context"
	"testing"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/store"
	"github.com/portlight/portlight/store/storetest"
)

// BenchmarkStakeholderRights measures the console's "My containers" over 100,000 releases of one
// shipping agent, pending to one forwarder, at one operator's terminal (each of the three
// companies' lists 100,000 long), as the console asks (counting up to 10,000): the first page, a page deep
// in the list, the count of those waiting for the forwarder, a search by equipment number; and the
// whole count, which the console does not ask for. On the 2-core machine, shared: first pages
// 1.6-3 ms, the page at 50,000 7.6 ms, the waiting count 1 ms, a search 0.3 ms, the whole count
// 27 ms (from the stakeholders table, 00013; before it, on the branches of the rights table's
// indexes: 22-25, 86, 6, 1.5 and 275 ms).
//
//	go test ./store/sqlite -run '^$' -bench BenchmarkStakeholderRights -benchtime 20x
func BenchmarkStakeholderRights(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	s, err := Open(ctx, b.TempDir()+"/bench.db")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	t := storetest.Terminal
	if err := s.PutTerminal(ctx, identity.Terminal{PortLoCode: storetest.Port, Code: t.Code, Name: t.Name, OperatorID: t.Operator.NxtEntityID}); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i += 500 {
		ops := make([]store.Op, 0, 500)
		for j := i; j < i+500; j++ {
			ops = append(ops, storetest.BenchReleaseOp(j, &storetest.Forwarder))
		}
		if _, err := s.Apply(ctx, ops...); err != nil {
			b.Fatal(err)
		}
	}
	for _, bc := range []struct {
		name string
		q    store.StakeholderQuery
	}{
		{"AgentFirstPage", store.StakeholderQuery{CompanyID: storetest.Agent.NxtEntityID, Limit: 25}},
		{"AgentCountOnly", store.StakeholderQuery{CompanyID: storetest.Agent.NxtEntityID, Limit: -1}},
		{"OperatorFirstPage", store.StakeholderQuery{CompanyID: storetest.Operator.NxtEntityID, Limit: 25}},
		{"ForwarderDeepPage", store.StakeholderQuery{CompanyID: storetest.Forwarder.NxtEntityID, Offset: 50_000, Limit: 25}},
		{"ForwarderWaitingCount", store.StakeholderQuery{CompanyID: storetest.Forwarder.NxtEntityID, WaitingForMe: true, Limit: -1}},
		{"AgentSearch", store.StakeholderQuery{CompanyID: storetest.Agent.NxtEntityID, Search: storetest.EquipmentNumber(4242), Limit: 25}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			bc.q.PortLoCode = storetest.Port
			if bc.name != "AgentCountOnly" {
				bc.q.CountUpTo = 10_000 // as the console asks
			}
			for b.Loop() {
				rights, total, err := s.StakeholderRights(ctx, bc.q)
				if err != nil || total == 0 || (bc.q.Limit > 0 && len(rights) == 0) {
					b.Fatalf("%+v: %d of %d, %v", bc.q, len(rights), total, err)
				}
			}
		})
	}
}
