package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// A command over a maximum of release/limits.go is refused at the door, with its field, before
// anything is stored, whatever front end built it; so is an over-long External-Reference-Id.
func TestExecuteRefusesOversizeFields(t *testing.T) {
	ctx := context.Background()
	svc, st, as := sandboxService(t, time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	agent := as("NXT100000000001")
	const eq = "MSCU1234566"
	rel := func() *release.Ingestion {
		return &release.Ingestion{ActionType: release.ActionRelease, PortLoCode: "BEANR", TerminalCode: "0100",
			Key:       release.Key{EquipmentNumber: eq, BillOfLadingNumbers: []string{"BL1"}, ReleaseIdentification: "R1"},
			ReleaseTo: release.PartyRef{IdentificationType: "NxtEntityId", IdentificationCode: "NXT300000000001"}}
	}
	stored := func() int {
		trail, err := st.AuditTrail(ctx, "", eq)
		if err != nil {
			t.Fatal(err)
		}
		return len(trail)
	}
	big := rel()
	big.Key.ReleaseIdentification = strings.Repeat("R", 1_900_000)
	_, err := svc.Execute(ctx, agent, []service.Request{{PortLoCode: "BEANR", EquipmentNumber: eq, Command: big}}, nil)
	if e, ok := err.(*service.Error); !ok || e.Code != service.CodeInvalid || len(e.Fields["releaseIdentification"]) != 1 {
		t.Fatalf("a 1.9 MB releaseIdentification: %#v", err)
	}
	// The request's own equipment number is sized too (a front end names the container by it).
	_, err = svc.Execute(ctx, agent, []service.Request{{PortLoCode: "BEANR", EquipmentNumber: strings.Repeat("M", 1_500_000), Command: rel()}}, nil)
	if e, ok := err.(*service.Error); !ok || len(e.Fields["equipmentNumber"]) != 1 {
		t.Fatalf("a 1.5 MB equipment number: %#v", err)
	}
	long := strings.Repeat("x", 100_000)
	_, err = svc.Execute(ctx, agent, []service.Request{{PortLoCode: "BEANR", EquipmentNumber: eq, Command: rel()}}, &long)
	if e, ok := err.(*service.Error); !ok || len(e.Fields["External-Reference-Id"]) != 1 {
		t.Fatalf("a 100 KB External-Reference-Id: %#v", err)
	}
	if _, err := svc.RightsList(ctx, agent, "BEANR", release.ListFilter{}, 1, 10, &long, nil); service.CodeOf(err) != service.CodeInvalid {
		t.Fatalf("a 100 KB External-Reference-Id on the list: %v", err)
	}
	if _, err := svc.RightsList(ctx, agent, "BEANR", release.ListFilter{}, 1, 10, nil, make([]byte, release.MaxCommandBytes+1)); service.CodeOf(err) != service.CodeInvalid {
		t.Fatalf("a list query over %d bytes: %v", release.MaxCommandBytes, err)
	}
	// In a call of several, one oversize request refuses the whole call; the others of ExecuteAll go on.
	results, err := svc.ExecuteAll(ctx, agent, []service.Call{
		{Requests: []service.Request{{PortLoCode: "BEANR", EquipmentNumber: eq, Command: rel()}, {PortLoCode: "BEANR", EquipmentNumber: eq, Command: big}}},
	})
	if err != nil || service.CodeOf(results[0].Err) != service.CodeInvalid {
		t.Fatalf("a call with one oversize request: %v, %v", err, results)
	}
	// What the audit trail would keep of the call is bounded too: one request's body, and the
	// bodies of a call together (a message of many containers keeping the whole once each).
	huge := make([]byte, release.MaxCommandBytes+1)
	if _, err := svc.Execute(ctx, agent, []service.Request{{PortLoCode: "BEANR", EquipmentNumber: eq, Command: rel(), Body: huge}}, nil); service.CodeOf(err) != service.CodeInvalid {
		t.Fatalf("a request body over %d bytes: %v", release.MaxCommandBytes, err)
	}
	var many []service.Request
	for range release.MaxCallBytes/release.MaxCommandBytes + 1 {
		many = append(many, service.Request{PortLoCode: "BEANR", EquipmentNumber: eq, Command: rel(), Body: huge[:release.MaxCommandBytes]})
	}
	if _, err := svc.Execute(ctx, agent, many, nil); service.CodeOf(err) != service.CodeInvalid {
		t.Fatalf("a call over %d bytes together: %v", release.MaxCallBytes, err)
	}
	if n := stored(); n != 0 {
		t.Fatalf("refused calls stored %d commands", n)
	}
	ref := strings.Repeat("r", release.MaxExternalReferenceID)
	if _, err := svc.Execute(ctx, agent, []service.Request{{PortLoCode: "BEANR", EquipmentNumber: eq, Command: rel()}}, &ref); err != nil {
		t.Fatalf("a release within every maximum: %v", err)
	}
	if n := stored(); n != 1 {
		t.Fatalf("%d commands stored, want 1", n)
	}
}
