package postgres

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
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
				if srv, ok := serverCPU(s); ok {
					b.ReportMetric(float64(srv.Microseconds())/float64(b.N), "srv-µs/op")
				}
			})
		}
	}
}

// requestBody is a Shipping Agent's Release as it arrives over HTTP, about the size of the real ones.
const requestBody = `{"actionType":"Release","portLoCode":"BEANR","equipmentNumber":%q,"billOfLadingNumbers":["BL%s"],` +
	`"releaseIdentification":"RID%s","terminalCode":"1742","releaseOrderReference":"RO-1","vesselName":"MSC Flaminia",` +
	`"equipmentType":"42G1","fullEmptyIndicator":"F","carrier":{"identificationType":"NxtEntityId","identificationCode":"agent-0001"}}`

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

// cpuTime is the CPU time (user and system) the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
