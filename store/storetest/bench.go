package storetest

import (
	"context"
	"fmt"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// benchRequest is a Shipping Agent's Release as it arrives over HTTP, about the size of the real ones.
const benchRequest = `{"actionType":"Release","portLoCode":"BEANR","equipmentNumber":%q,"billOfLadingNumbers":["BL%s"],` +
	`"releaseIdentification":"RID%s","terminalCode":"1742","releaseOrderReference":"RO-1","vesselName":"MSC Flaminia",` +
	`"equipmentType":"42G1","fullEmptyIndicator":"F","carrier":{"identificationType":"NxtEntityId","identificationCode":"agent-0001"}}`

// BenchReleaseOp is the n-th op of the stores' throughput benchmarks: the Release of a fresh
// container (to releaseTo when not nil), with an audit record the size of a real request. Every
// store's BenchmarkApply uses it, so their figures compare.
func BenchReleaseOp(n int, releaseTo *release.Party) store.Op {
	base := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	id := strconv.Itoa(n)
	eq := EquipmentNumber(n)
	ext := "agent-" + id
	m := release.Meta{
		Now: base.Add(time.Duration(n) * time.Microsecond), Sender: Agent, ExternalReferenceID: &ext,
		PublicReferenceID: fmt.Sprintf("9b2f6d0e-1c1e-4f6a-8d3e-%012d", n),
		NewReleaseID:      fmt.Sprintf("5d1c7a3e-8b7f-4c2d-9e1a-%012d", n),
	}
	op := CommandOp(Port, eq, ReleaseCommand(Port, eq, "RID"+id, releaseTo), m)
	op.Audit.Request = fmt.Appendf(nil, benchRequest, eq, id, id)
	return op
}

// CPUTime is the CPU time this process has used so far (user and system), for cpu-µs/op figures.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchStakeholderRights is every store's BenchmarkStakeholderRights: the console's "My containers"
// over 100,000 releases of one shipping agent, pending to one forwarder, at one operator's terminal
// (each of the three companies' lists 100,000 long), as the console asks (counting up to 10,000):
// the first page, a page deep in the list, the count of those waiting for the forwarder, a search
// by equipment number; and the whole count, which the console does not ask for. s is empty.
func BenchStakeholderRights(b *testing.B, s store.Store) {
	const n = 100_000
	ctx := context.Background()
	t := Terminal
	if err := s.PutTerminal(ctx, identity.Terminal{PortLoCode: Port, Code: t.Code, Name: t.Name, OperatorID: t.Operator.NxtEntityID}); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i += 500 {
		ops := make([]store.Op, 0, 500)
		for j := i; j < i+500; j++ {
			ops = append(ops, BenchReleaseOp(j, &Forwarder))
		}
		if _, err := s.Apply(ctx, ops...); err != nil {
			b.Fatal(err)
		}
	}
	for _, bc := range []struct {
		name string
		q    store.StakeholderQuery
	}{
		{"AgentFirstPage", store.StakeholderQuery{CompanyID: Agent.NxtEntityID, Limit: 25}},
		{"AgentCountOnly", store.StakeholderQuery{CompanyID: Agent.NxtEntityID, Limit: -1}},
		{"OperatorFirstPage", store.StakeholderQuery{CompanyID: Operator.NxtEntityID, Limit: 25}},
		{"ForwarderDeepPage", store.StakeholderQuery{CompanyID: Forwarder.NxtEntityID, Offset: 50_000, Limit: 25}},
		{"ForwarderWaitingCount", store.StakeholderQuery{CompanyID: Forwarder.NxtEntityID, WaitingForMe: true, Limit: -1}},
		{"AgentSearch", store.StakeholderQuery{CompanyID: Agent.NxtEntityID, Search: EquipmentNumber(4242), Limit: 25}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			bc.q.PortLoCode = Port
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
