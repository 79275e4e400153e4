package postgres

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store/storetest"
)

// BenchmarkApply measures the write path of the store alone, as store/sqlite's BenchmarkApply
// does: 64 parallel callers (32 per core on the 2-core machines), each op the core's decision on a
// Shipping Agent's Release of a fresh container (create and lock the container row, read it,
// decide, insert one right, its notifications and one audit record), the calls committed in groups
// (group.go) with an fsync each, for a few pool sizes and numbers of committers. The database
// server runs on the same machine and shares its cores. Run it with a fixed count, so that every
// run fills the same database:
//
//	go test ./store/postgres -run '^$' -bench BenchmarkApply -benchtime 20000x
//
// Besides ops/s it reports the CPU time per op of this process (cpu-µs/op) and of the server's
// backends serving it (srv-µs/op, read from /proc when the server runs on this machine): steadier
// than ops/s when other work shares the machine.
func BenchmarkApply(b *testing.B) {
	for _, bc := range []struct {
		name      string
		releaseTo *release.Party
	}{
		{"Release", nil}, // 2 notifications: the agent and the terminal operator
		{"ReleaseToForwarder", &storetest.Forwarder}, // 5: the light change to 3 parties, the transfer to 2
	} {
		for _, cfg := range []Options{{MaxConns: DefaultMaxConns}, {MaxConns: DefaultMaxConns, Committers: 4}, {MaxConns: DefaultMaxConns, Committers: 8}} {
			committers := cfg.Committers
			if committers == 0 {
				committers = max(2, cfg.MaxConns/8)
			}
			b.Run(fmt.Sprintf("%s/conns=%d/committers=%d", bc.name, cfg.MaxConns, committers), func(b *testing.B) {
				s, _ := openFresh(b, cfg)
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
				if srv, ok := serverCPU(s); ok {
					b.ReportMetric(float64(srv.Microseconds())/float64(b.N), "srv-µs/op")
				}
			})
		}
	}
}

// serverCPU is the CPU time the server's backends of the store's connections have used (they
// live as long as the benchmark), read from /proc when the server runs on this machine: steadier
// than ops/s when other work shares the machine. The server's background processes (WAL writer,
// checkpointer) are not counted.
func serverCPU(s *Store) (time.Duration, bool) {
	rows, err := s.pool.Query(context.Background(), `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)
	if err != nil {
		return 0, false
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil || len(pids) == 0 {
		return 0, false
	}
	var ticks int64
	for _, pid := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return 0, false
		}
		// Fields after the command (which ends at the last ')'): utime and stime are the 12th and 13th.
		f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
		if len(f) < 13 {
			return 0, false
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + st
	}
	return time.Duration(ticks) * (time.Second / 100), true // USER_HZ is 100 on Linux
}
