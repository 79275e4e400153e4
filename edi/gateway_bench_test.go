package edi_test

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/portlight/portlight/bench"
	"github.com/portlight/portlight/edi"
	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/sandbox"
	"github.com/portlight/portlight/service"
	"github.com/portlight/portlight/store/sqlite"
)

// BenchmarkReceive measures the gateway without HTTP in front, on SQLite, the way
// `portlight bench edi` does over HTTP (docs/performance.md): every round releases 10,000 new
// containers through the service, then times a COARRI discharge interchange and a CODECO
// gate-out interchange of one message per container. messages/s is the figure of each.
func BenchmarkReceive(b *testing.B) {
	const messages = 10_000
	ctx := context.Background()
	dir := b.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "portlight.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := sandbox.Seed(ctx, st, dir, "http://portlight.test", time.Now()); err != nil {
		b.Fatal(err)
	}
	reg, err := identity.NewDirectory(ctx, st)
	if err != nil {
		b.Fatal(err)
	}
	as := func(id string) *service.Caller {
		c, ok := reg.Company(ctx, id)
		if !ok {
			b.Fatalf("no sandbox company %s", id)
		}
		return &service.Caller{Company: c}
	}
	svc := service.New(st, reg, nil, nil, service.Config{}, time.Now)
	gw := edi.NewGateway(svc, time.Now)
	agent, terminal := as(bench.ShippingAgent), as(bench.Terminal)
	owners := 0 // each round's containers have an owner code of their own
	for _, kind := range []struct{ typ, document, date string }{{"COARRI", "98", "203"}, {"CODECO", "36", "7"}} {
		b.Run(kind.typ, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				owners++
				eqs := releaseContainers(b, svc, agent, owners, messages)
				body := bench.TerminalInterchange(sandbox.PortLoCode, "COARRI", "98", "203", eqs)
				if kind.typ == "CODECO" { // a gate-out needs the discharge first
					if _, err := gw.Receive(ctx, terminal, sandbox.PortLoCode, body, nil); err != nil {
						b.Fatal(err)
					}
					body = bench.TerminalInterchange(sandbox.PortLoCode, kind.typ, kind.document, kind.date, eqs)
				}
				b.StartTimer()
				cpu := cpuTime()
				start := time.Now()
				a, err := gw.Receive(ctx, terminal, sandbox.PortLoCode, body, nil)
				took := time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
				for _, m := range a.Messages {
					if m.Status != edi.StatusAccepted {
						b.Fatalf("message %s: %s %s", m.MessageReference, m.Status, m.Reason)
					}
				}
				b.ReportMetric(float64(messages)/took.Seconds(), "messages/s")
				b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/messages, "cpu-µs/message")
			}
		})
	}
}

// releaseContainers releases n new containers of the owner code numbered owner as agent at the
// sandbox terminal, through the service in one hand-over, and returns their equipment numbers.
func releaseContainers(b *testing.B, svc *service.Service, agent *service.Caller, owner, n int) []string {
	eqs := make([]string, n)
	calls := make([]service.Call, n)
	code := string([]byte{'B', byte('A' + owner/26%26), byte('A' + owner%26), 'U'})
	for i := range eqs {
		base := fmt.Sprintf("%s%06d", code, i)
		digit, _, _ := release.CheckEquipmentNumber(base + "0")
		eqs[i] = fmt.Sprintf("%s%d", base, digit)
		calls[i].Requests = []service.Request{{PortLoCode: sandbox.PortLoCode, EquipmentNumber: eqs[i], Command: &release.Ingestion{
			ActionType: release.ActionRelease, PortLoCode: sandbox.PortLoCode, TerminalCode: bench.TerminalCode,
			Key:     release.Key{EquipmentNumber: eqs[i], BillOfLadingNumbers: []string{"BL-" + eqs[i]}, ReleaseIdentification: "R-" + eqs[i]},
			Details: release.Details{VesselName: "BENCH VESSEL", EquipmentType: "45G1"}}}}
	}
	results, err := svc.ExecuteAll(context.Background(), agent, calls)
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range results {
		if r.Err != nil || len(r.Outcomes) != 1 || r.Outcomes[0].Rejected {
			b.Fatalf("release refused: %v %+v", r.Err, r.Outcomes)
		}
	}
	return eqs
}

// cpuTime is the CPU time the process used so far (user and system): on a machine shared with
// others, what a change saves shows there better than in the time taken.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
