package sqlite

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store/storetest"
)

// BenchmarkApply measures the write path of the store alone: 64 parallel callers (32 per core on
// the 2-core machines), each op the core's decision on a Shipping Agent's Release of a fresh
// container (load the empty container, decide, insert one right, its notifications and one audit
// record), committed in groups with an fsync each. Run it with a fixed count, so that every run
// fills the same database:
//
//	go test ./store/sqlite -run '^$' -bench BenchmarkApply -benchtime 60000x
//
// Besides ops/s it reports the CPU time of the whole process per op (steadier than ops/s when
// other work shares the machine) and the mean number of ops per group transaction.
func BenchmarkApply(b *testing.B) {
	for _, bc := range []struct {
		name      string
		releaseTo *release.Party
	}{
		{"Release", nil}, // 2 notifications: the agent and the terminal operator
		{"ReleaseToForwarder", &storetest.Forwarder}, // 5: the light change to 3 parties, the transfer to 2
	} {
		b.Run(bc.name, func(b *testing.B) {
			s, err := Open(context.Background(), b.TempDir()+"/bench.db")
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			now := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
			var serial atomic.Int64
			b.SetParallelism(32)
			b.ReportAllocs()
			cpu0 := cpuTime()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					n := int(serial.Add(1))
					id := strconv.Itoa(n)
					eq := storetest.EquipmentNumber(n)
					ext := "agent-" + id
					m := release.Meta{
						Now: now.Add(time.Duration(n) * time.Microsecond), Sender: storetest.Agent, ExternalReferenceID: &ext,
						PublicReferenceID: fmt.Sprintf("9b2f6d0e-1c1e-4f6a-8d3e-%012d", n),
						NewReleaseID:      fmt.Sprintf("5d1c7a3e-8b7f-4c2d-9e1a-%012d", n),
					}
					op := storetest.CommandOp(storetest.Port, eq, storetest.ReleaseCommand(storetest.Port, eq, "RID"+id, bc.releaseTo), m)
					op.Audit.Request = fmt.Appendf(nil, requestBody, eq, id, id)
					outs, err := s.Apply(ctx, op)
					if err != nil || outs[0].Rejected {
						b.Errorf("Apply: %v %+v", err, outs)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
			s.Close()
			if s.groups > 0 {
				b.ReportMetric(float64(s.groupedOps)/float64(s.groups), "ops/group")
			}
		})
	}
}

// requestBody is a Shipping Agent's Release as it arrives over HTTP, about the size of the real ones.
const requestBody = `{"actionType":"Release","portLoCode":"BEANR","equipmentNumber":%q,"billOfLadingNumbers":["BL%s"],` +
	`"releaseIdentification":"RID%s","terminalCode":"1742","releaseOrderReference":"RO-1","vesselName":"MSC Flaminia",` +
	`"equipmentType":"42G1","fullEmptyIndicator":"F","carrier":{"identificationType":"NxtEntityId","identificationCode":"agent-0001"}}`

// cpuTime is the CPU time (user and system) the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
