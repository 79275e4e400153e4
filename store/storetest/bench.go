package storetest

import (
	"fmt"
	"strconv"
	"syscall"
	"time"

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
