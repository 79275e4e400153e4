package bench

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// HTTPCeiling measures the same HTTP stack answering a trivial handler that authenticates,
// decodes the same Release body and answers 202 without touching the store (the server's
// --bench-endpoints route): what the API alone can do on this machine.
func HTTPCeiling(ctx context.Context, p *Port, duration time.Duration, workers int) Result {
	sa := p.As(ShippingAgent)
	var n atomic.Int64
	return Run(ctx, "ceiling: HTTP, no store", 0, duration, workers, func(ctx context.Context, _ int) error {
		eq := p.Container(900_000 + int(n.Add(1)))
		body := map[string]any{"actionType": "Release", "equipmentNumber": eq, "billOfLadingNumbers": []string{"BL-" + eq},
			"releaseIdentification": "R-" + eq, "terminalCode": TerminalCode, "portLoCode": p.Creds.PortLoCode, "stayNumber": "STAY1",
			"equipmentType": "45G1", "vesselName": "BENCH VESSEL"}
		resp, err := sa.Do(ctx, http.MethodPost, "/bench/v1/ingestion/"+sa.IngestionID, nil, body, "")
		return expect202(resp, err)
	})
}

// StoreCeiling measures the store alone group-committing the rows of a Release per command (the
// right's state, its audit record, its notifications), flat out from `workers` goroutines with no
// HTTP in front.
func StoreCeiling(ctx context.Context, st store.Store, duration time.Duration, workers int) Result {
	agent := release.Party{NxtEntityID: ShippingAgent, Name: "Demo Shipping Agent One", Roles: []release.Role{release.RoleShippingAgent}}
	terminal := &release.Terminal{Code: TerminalCode, Operator: release.Party{NxtEntityID: Terminal, Name: "Demo Terminal One",
		Roles: []release.Role{release.RoleTerminalOperator}}}
	var n atomic.Int64
	return Run(ctx, "ceiling: store only", 0, duration, workers, func(ctx context.Context, _ int) error {
		i := n.Add(1)
		base := fmt.Sprintf("SCLU%06d", i%1_000_000)
		want, _, _ := release.CheckEquipmentNumber(base + "0")
		eq := fmt.Sprintf("%s%d", base, want)
		now := time.Now().UTC()
		meta := release.Meta{Now: now, PublicReferenceID: uuid.NewString(), Sender: agent, NewReleaseID: uuid.NewString()}
		cmd := &release.Ingestion{ActionType: release.ActionRelease, PortLoCode: "BEANR", TerminalCode: TerminalCode, Terminal: terminal,
			Key: release.Key{EquipmentNumber: eq, BillOfLadingNumbers: []string{"BL-" + eq}, ReleaseIdentification: "R-" + eq}}
		_, err := st.Apply(ctx, store.Op{PortLoCode: "BEANR", EquipmentNumber: eq,
			Decide: func(c *release.Container) release.Outcome { return release.Decide(c, cmd, meta) },
			Audit:  store.Audit{PublicReferenceID: meta.PublicReferenceID, CompanyID: ShippingAgent, Action: "Release", EquipmentNumber: eq, At: now}})
		return err
	})
}
