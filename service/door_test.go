package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// The door: every request of a call passes the senders table before anything is stored, and
// what a command names is resolved from the registry whatever its type.
func TestExecutePassesTheDoor(t *testing.T) {
	ctx := context.Background()
	svc, st, as := sandboxService(t, time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	agent, terminal := as("NXT100000000001"), as("NXT200000000001")
	const eq = "MSCU1234566"
	release_ := func(action string) *release.Ingestion {
		return &release.Ingestion{ActionType: action, PortLoCode: "BEANR", TerminalCode: "0100",
			Key:       release.Key{EquipmentNumber: eq, BillOfLadingNumbers: []string{"BL1"}, ReleaseIdentification: "R1"},
			ReleaseTo: release.PartyRef{IdentificationType: "NxtEntityId", IdentificationCode: "NXT300000000001"}}
	}
	req := func(cmd release.Command) []service.Request {
		return []service.Request{{PortLoCode: "beanr ", EquipmentNumber: eq, Command: cmd}}
	}
	audit := func() int {
		trail, err := st.AuditTrail(ctx, "", eq)
		if err != nil {
			t.Fatal(err)
		}
		return len(trail)
	}

	// A terminal may not release; nothing is stored.
	if _, err := svc.Execute(ctx, terminal, req(release_(release.ActionRelease)), nil); service.CodeOf(err) != service.CodeUnauthorized {
		t.Fatalf("a terminal's Release: %v", err)
	}
	if n := audit(); n != 0 {
		t.Fatalf("a refused call stored %d commands", n)
	}
	// The agent may; the terminal and releaseTo it names are resolved.
	rel := release_(release.ActionRelease)
	if _, err := svc.Execute(ctx, agent, req(rel), nil); err != nil {
		t.Fatal(err)
	}
	if rel.Terminal == nil || rel.Terminal.Code != "0100" || rel.ReleaseTo.Party == nil || rel.ReleaseTo.Party.NxtEntityID != "NXT300000000001" {
		t.Fatalf("Release not resolved: terminal %v, releaseTo %+v", rel.Terminal, rel.ReleaseTo)
	}
	// releaseTo on any other action is dropped, not resolved.
	upd := release_(release.ActionUpdate)
	if _, err := svc.Execute(ctx, agent, req(upd), nil); err != nil {
		t.Fatal(err)
	}
	if upd.ReleaseTo.Given() || upd.Terminal == nil {
		t.Fatalf("Update: releaseTo %+v, terminal %v", upd.ReleaseTo, upd.Terminal)
	}
	// The agent's customs overwrite passes the door (the core then checks it is its release).
	overwrite := &release.TerminalEvent{ActionType: release.TerminalCustomsOverwrite, PortLoCode: "BEANR", EquipmentNumber: eq, TerminalCode: "0100"}
	if _, err := svc.Execute(ctx, agent, req(overwrite), nil); err != nil || overwrite.Terminal == nil {
		t.Fatalf("the agent's customs overwrite: %v, terminal %v", err, overwrite.Terminal)
	}
	if _, err := svc.Execute(ctx, agent, req(&release.TerminalEvent{ActionType: release.TerminalDischarge, EquipmentNumber: eq, TerminalCode: "0100"}), nil); service.CodeOf(err) != service.CodeUnauthorized {
		t.Fatalf("the agent's discharge: %v", err)
	}
	// An action nobody may send is a request to correct; the platform's Expire is nobody's.
	if _, err := svc.Execute(ctx, agent, req(release_("Unload")), nil); service.CodeOf(err) != service.CodeInvalid {
		t.Fatalf("an unknown action: %v", err)
	}
	if _, err := svc.Execute(ctx, agent, req(release.Expire{}), nil); service.CodeOf(err) != service.CodeInvalid {
		t.Fatalf("Expire from a caller: %v", err)
	}
	// One refused item refuses the whole call.
	mixed := append(req(release_(release.ActionBlock)), req(&release.TerminalEvent{ActionType: release.TerminalDischarge, EquipmentNumber: eq, TerminalCode: "0100"})...)
	before := audit()
	if _, err := svc.Execute(ctx, agent, mixed, nil); service.CodeOf(err) != service.CodeUnauthorized || audit() != before {
		t.Fatalf("a call with one refused item: %v, %d commands stored", err, audit()-before)
	}
}
