package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/portlight/portlight/edi"
	"github.com/portlight/portlight/edi/edifact"
	"github.com/portlight/portlight/release"
)

// TestFieldSizes (issue 14): the oversize calls that were accepted and stored (a 1.9 MB
// releaseIdentification, a 1.5 MB equipment number, 100,000 bills of lading, a 100 KB
// External-Reference-Id) are refused at every door in the documented shapes, and nothing of them
// is stored; a release at every maximum is taken.
func TestFieldSizes(t *testing.T) {
	n := startNode(t, t.TempDir())
	sa, rp := n.party(t, SA1), n.party(t, RP1)
	eq := newContainer(t)
	x := func(k int) string { return strings.Repeat("X", k) }
	asyncRefusal := func(what string, body any, ref string, want string) {
		t.Helper()
		_, resp, err := sa.Ingest(bg(), body, ref)
		if resp == nil {
			t.Fatalf("%s: %v", what, err)
		}
		var msg string
		if resp.Status != 400 || json.Unmarshal(resp.Body, &msg) != nil || msg != want {
			t.Errorf("%s: %d %s, want 400 %q", what, resp.Status, resp.Body, want)
		}
	}
	// Over the body bound of one command (64 KiB): refused before it is decoded.
	asyncRefusal("a 1.9 MB releaseIdentification", ingestBody("Release", eq, "BL1", x(1_900_000), "0100", nil), "",
		"The request body is larger than 65536 bytes.")
	asyncRefusal("100,000 bills of lading", ingestBody("Release", eq, "BL1", "R1", "0100", map[string]any{"billOfLadingNumbers": strings.Split(x(100_000), "")}), "",
		"The request body is larger than 65536 bytes.")
	// Within it, each field is held to its maximum.
	asyncRefusal("a 60 KB releaseIdentification", ingestBody("Release", eq, "BL1", x(60_000), "0100", nil), "",
		"The field 'releaseIdentification' takes at most 35 characters.")
	asyncRefusal("a 12-character equipment number", ingestBody("Release", eq+"X", "BL1", "R1", "0100", nil), "",
		"The field 'equipmentNumber' takes at most 11 characters.")
	asyncRefusal("201 bills of lading", ingestBody("Release", eq, "BL1", "R1", "0100", map[string]any{"billOfLadingNumbers": strings.Split(x(201), "")}), "",
		"The field 'billOfLadingNumbers' takes at most 200 items.")
	asyncRefusal("a 513-character reason", ingestBody("Block", eq, "BL1", "R1", "0100", map[string]any{"reason": x(513)}), "",
		"The field 'reason' takes at most 512 characters.")
	asyncRefusal("a 100 KB External-Reference-Id", ingestBody("Release", eq, "BL1", "R1", "0100", nil), x(100_000),
		"The header 'External-Reference-Id' takes at most 100 characters.")

	// A release-right call: the same refusal in the asynchronous shape.
	_, resp, err := rp.ReleaseRight(bg(), "BEANR", eq, rightBody("Transfer", eq, "BL1", "R1", "0100",
		map[string]string{"identificationType": "NxtEntityId", "identificationCode": RP1},
		map[string]string{"identificationType": "NxtEntityId", "identificationCode": x(36)}), "")
	if resp == nil || resp.Status != 400 || !strings.Contains(string(resp.Body), "The field 'releaseTo.identificationCode' takes at most 35 characters.") {
		t.Errorf("a release right naming a 36-character party: %v %v", resp, err)
	}
	// A synchronous route answers the header's refusal in problem details, with the field.
	resp, err = sa.Do(bg(), "GET", "/certified-pickup/v1/entities", map[string][]string{"entityName": {"demo"}}, nil, x(101))
	var problem struct {
		Errors map[string][]string `json:"errors"`
	}
	if err != nil || resp.Status != 400 || json.Unmarshal(resp.Body, &problem) != nil || len(problem.Errors["External-Reference-Id"]) != 1 {
		t.Errorf("the registry with a 101-character External-Reference-Id: %v %v", resp, err)
	}
	// The EDIFACT gateway refuses the message that carries an oversize field, and takes the others.
	big := coreor("9", eq, RP1)
	for i, s := range big.segments {
		if s.Tag == "RFF" && len(s.Elements) > 0 && len(s.Elements[0]) > 0 && s.Elements[0][0] == "RE" {
			big.segments[i] = seg("RFF", el("RE", x(36)))
		}
	}
	other := newContainer(t)
	a := (world{t, n}).sendEDI(SA1, interchange(SA1, big, coreor("9", other, RP1)))
	if len(a.Messages) != 2 || a.Messages[0].Status != edi.StatusRefused || a.Messages[0].Reason != "The field 'releaseIdentification' takes at most 35 characters." ||
		a.Messages[1].Status != edi.StatusAccepted {
		t.Errorf("an interchange with one oversize message: %+v", a.Messages)
	}
	if _, resp, _ := sa.Notifications(bg(), map[string][]string{"equipmentNumber": {eq}}); resp == nil || resp.Status != 405 {
		t.Errorf("the refused calls left notifications: %v", resp)
	}

	// A release at every maximum is taken; what it stores is bounded (logged for docs/security.md).
	bls := make([]string, release.MaxBillsOfLading)
	for i := range bls {
		bls[i] = fmt.Sprintf("%s%03d", x(release.MaxIdentifier-3), i)
	}
	extra := map[string]any{"billOfLadingNumbers": bls, "reason": x(release.MaxText)}
	for _, f := range []string{"releaseOrderReference", "emptyReturnReference", "equipmentSupplier", "equipmentStatus", "fullEmptyIndicator",
		"equipmentOperator", "vesselName", "vesselNumber", "stayNumber", "vesselCallSign", "voyageNumber", "equipmentType"} {
		extra[f] = x(release.MaxIdentifier)
	}
	maximal := ingestBody("Release", newContainer(t), "", x(release.MaxIdentifier), "0100", extra)
	if _, resp, err := sa.Ingest(bg(), maximal, x(release.MaxExternalReferenceID)); err != nil {
		t.Fatalf("a release at every maximum: %v %v", resp, err)
	}
	raw, _ := json.Marshal(maximal)
	t.Logf("a release at every maximum is %d bytes of JSON", len(raw))
}

// TestEDIAuditPerContainer: a COREOR of many containers is kept in the audit trail once per
// container with only that container's group, not the whole message once per container (200
// containers stored the message 200 times); the calls of one message stay within the door's bound.
func TestEDIAuditPerContainer(t *testing.T) {
	n := startNode(t, t.TempDir())
	w := world{t, n}
	const count = 200
	first := coreor("9", newContainer(t), RP1)
	head := first.segments[:len(first.segments)-3] // BGM, RFF, RFF, NAD
	segs := append([]edifact.Segment(nil), head...)
	for range count {
		eq := newContainer(t)
		segs = append(segs, seg("EQD", el("CN"), el(eq), el("45G1", "102", "5"), nil, nil, el("5")),
			seg("RFF", el("BM", "BL1")), seg("LOC", el("9"), el("BEANR", "139", "6"), el("0100", "TER", "ZZZ")))
	}
	body := interchange(SA1, ediMessage{"COREOR", segs})
	a := w.sendEDI(SA1, body)
	if len(a.Messages) != 1 || a.Messages[0].Status != edi.StatusAccepted {
		t.Fatalf("a COREOR of %d containers: %+v", count, a.Messages)
	}
	st := n.openStore(t)
	defer st.Close()
	trail, err := st.AuditTrail(bg(), a.Messages[0].PublicReferenceID, "")
	if err != nil {
		t.Fatal(err)
	}
	kept := 0
	for _, rec := range trail {
		kept += len(rec.Request)
		if strings.Count(string(rec.Request), "EQD+") != 1 || !strings.Contains(string(rec.Request), rec.EquipmentNumber) {
			t.Fatalf("the audit of %s keeps %d container groups: %s", rec.EquipmentNumber, strings.Count(string(rec.Request), "EQD+"), rec.Request)
		}
	}
	t.Logf("a COREOR of %d containers, %d bytes: %d audit records, %d bytes kept (the whole message each: %d)", count, len(body), len(trail), kept, count*len(body))
	if len(trail) != count || kept > 5*len(body) {
		t.Errorf("%d audit records keep %d bytes of a %d-byte interchange", len(trail), kept, len(body))
	}
}
