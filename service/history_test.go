package service_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// A light's history names who set what when, for every stakeholder, even of what it was not told
// (the forwarder a right is pending to hears of no terminal event), once per change whoever
// received it, and nothing of a refused command; an outsider gets nothing.
func TestLightHistory(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	svc, _, as := sandboxService(t, now)
	agent, terminal, forwarder, customs := as("NXT100000000001"), as("NXT200000000001"), as("NXT300000000001"), as("NXT500000000001")
	const eq = "MSCU1234566"
	key := release.Key{EquipmentNumber: eq, BillOfLadingNumbers: []string{"BL1"}, ReleaseIdentification: "R1"}
	send := func(c *service.Caller, cmd release.Command) {
		t.Helper()
		if _, err := svc.Execute(ctx, c, []service.Request{{PortLoCode: "BEANR", EquipmentNumber: eq, Command: cmd}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	send(agent, &release.Ingestion{ActionType: release.ActionRelease, PortLoCode: "BEANR", TerminalCode: "0100", Key: key,
		ReleaseTo: release.PartyRef{IdentificationType: "NxtEntityId", IdentificationCode: "NXT300000000001"}})
	send(terminal, &release.TerminalEvent{ActionType: release.TerminalDischarge, PortLoCode: "BEANR", EquipmentNumber: eq, TerminalCode: "0100"})
	send(terminal, &release.TerminalEvent{ActionType: release.TerminalDischarge, PortLoCode: "BEANR", EquipmentNumber: eq, TerminalCode: "0100"}) // refused: identical
	send(customs, &release.CustomsStatus{PortLoCode: "BEANR", EquipmentNumber: eq, Status: release.ValueReleased})
	send(agent, &release.Ingestion{ActionType: release.ActionBlock, PortLoCode: "BEANR", TerminalCode: "0100", Key: key})

	got, err := svc.LightHistory(ctx, forwarder, "beanr", eq)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, c := range got {
		by := "platform"
		if c.By != nil {
			by = c.By.NxtEntityID
		}
		lines = append(lines, fmt.Sprintf("%s %s->%s by %s (%s)", c.Light, c.From, c.To, by, c.Action))
	}
	want := []string{
		"CommercialRelease ->OK by NXT100000000001 (Release)",
		"TerminalOperation UNKNOWN->DISCHARGED by NXT200000000001 (TerminalDischarge)",
		"Customs NOTRELEASED->RELEASED by NXT500000000001 (CustomsStatus)",
		"CustomsProgress UNKNOWN->CLEARED by NXT500000000001 (CustomsStatus)",
		"CommercialRelease OK->BLOCKED by NXT100000000001 (Block)",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("history:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if _, err := svc.LightHistory(ctx, as("NXT300000000002"), "BEANR", eq); service.CodeOf(err) != service.CodeNotFound {
		t.Errorf("an outsider's history: %v, want not found", err)
	}
}
