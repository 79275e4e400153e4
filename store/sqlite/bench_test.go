package sqlite

import (
	"context"
	"sync/atomic"
	"testing"

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
			var serial atomic.Int64
			b.SetParallelism(32)
			b.ReportAllocs()
			cpu0 := storetest.CPUTime()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					op := storetest.BenchReleaseOp(int(serial.Add(1)), bc.releaseTo)
					outs, err := s.Apply(ctx, op)
					if err != nil || outs[0].Rejected {
						b.Errorf("Apply: %v %+v", err, outs)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
			b.ReportMetric(float64((storetest.CPUTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
			s.Close()
			if s.groups > 0 {
				b.ReportMetric(float64(s.groupedOps)/float64(s.groups), "ops/group")
			}
		})
	}
}
