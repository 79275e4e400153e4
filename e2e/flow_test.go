package e2e

import (
	"encoding/json"
	"fmt"
	"net/url"
	"testing"
)

func ref(id string) map[string]string {
	return map[string]string{"identificationType": "NxtEntityId", "identificationCode": id}
}

func ingestBody(action, eq, bl, rid, terminal string, extra map[string]any) map[string]any {
	b := map[string]any{
		"actionType": action, "equipmentNumber": eq, "billOfLadingNumbers": []string{bl},
		"releaseIdentification": rid, "terminalCode": terminal, "portLoCode": "BEANR",
	}
	for k, v := range extra {
		b[k] = v
	}
	return b
}

func rightBody(action, eq, bl, rid, terminal string, from, to any) map[string]any {
	return map[string]any{
		"actionType": action, "equipmentNumber": eq, "billOfLadingNumbers": []string{bl},
		"releaseIdentification": rid, "terminalCode": terminal, "portLoCode": "BEANR",
		"releaseFrom": from, "releaseTo": to, "reasonForAction": "e2e " + action,
	}
}

// world is one sandbox node and a way to act as each party on it.
type world struct {
	t *testing.T
	n *node
}

// ingest sends a Shipping Agent command as sender and returns what everyone pulled for it.
func (w world) ingest(sender, eq, extRef string, body map[string]any) *step {
	w.t.Helper()
	receipt, resp, err := w.n.party(w.t, sender).Ingest(bg(), body, extRef)
	if err != nil {
		w.t.Fatalf("ingest %v: %v", body["actionType"], err)
	}
	if resp.Status != 202 || resp.Header.Get("External-Reference-Id") != extRef {
		w.t.Errorf("ingest answered %d with External-Reference-Id %q", resp.Status, resp.Header.Get("External-Reference-Id"))
	}
	if extRef != "" && (receipt.ExternalReferenceID == nil || *receipt.ExternalReferenceID != extRef) {
		w.t.Errorf("receipt externalReferenceId %v", receipt.ExternalReferenceID)
	}
	return pullStep(w.t, w.n, receipt, sender, eq, extRef)
}

// right sends a release-right action as sender.
func (w world) right(sender, eq, extRef string, body map[string]any) *step {
	w.t.Helper()
	receipt, _, err := w.n.party(w.t, sender).ReleaseRight(bg(), "BEANR", eq, body, extRef)
	if err != nil {
		w.t.Fatalf("release right %v: %v", body["actionType"], err)
	}
	return pullStep(w.t, w.n, receipt, sender, eq, extRef)
}

const created = "ReleaseLight ReleaseLightChanged CommercialRelease:null->OK"

// TestCommercialReleaseAndChainOfCustody walks the whole documented flow of the Shipping Agent and
// the Release Right over HTTP and checks what every party pulls, field by field.
func TestCommercialReleaseAndChainOfCustody(t *testing.T) {
	w := world{t, startNode(t, t.TempDir())}
	eq := newContainer(t)
	key := func(action string, from, to any) map[string]any {
		return rightBody(action, eq, "BL1", "R1", "0100", from, to)
	}

	s := w.ingest(SA1, eq, "ERI+CommercialRelease+1", ingestBody("Release", eq, "BL1", "R1", "0100", map[string]any{
		"releaseTo": ref(RP1), "vesselName": "EVER GIVEN", "equipmentType": "45G1", "releaseDateTimeUtc": "2026-11-28T08:52:12.928Z",
	}))
	s.expect(t, map[string][]string{
		SA1: {created, "ReleaseRight Transferred Transfer " + SA1 + "->" + RP1},
		TO1: {created},
		RP1: {created, "ReleaseRight Transferred Transfer " + SA1 + "->" + RP1},
	})
	light := s.only(t, RP1, "ReleaseLightChanged")
	wantBody := fmt.Sprintf(`{"carrier":{"nxtEntityId":"NXT100000000001","name":"Demo Shipping Agent One","eori":"BE0100000001","tin":"BE0100000001","apcs":"ZA1001","duns":null,"externalId":null},"terminalCode":"0100","portLoCode":"BEANR","equipmentNumber":"%s","billOfLadingNumbers":["BL1"],"releaseIdentification":"R1","greenLightName":"CommercialRelease","originalValue":null,"newValue":"OK","meansOfTransport":null,"releaseId":"%s"}`,
		eq, light.item.ReleaseID)
	if string(light.env.Body) != wantBody {
		t.Errorf("Commercial Release created body:\n got %s\nwant %s", light.env.Body, wantBody)
	}
	transferred := s.only(t, RP1, "Transferred")
	for field, want := range map[string]any{"equipmentType": "45G1", "vesselName": "EVER GIVEN", "portLoCode": "BEANR",
		"terminalCode": "0100", "releaseIdentification": "R1", "releaseDatetimeUtc": "2026-11-28T08:52:12.928Z",
		"expirationDatetimeUtc": nil, "reasonForAction": nil, "emptyReturnReference": nil} {
		if got := transferred.body[field]; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Transferred body %s = %v, want %v", field, got, want)
		}
	}
	if party(transferred.body["sender"]) != SA1 || party(transferred.body["carrier"]) != SA1 {
		t.Errorf("Transferred sender/carrier: %v %v", transferred.body["sender"], transferred.body["carrier"])
	}

	s = w.right(RP1, eq, "accept-1", key("Accept", ref(SA1), ref(RP1)))
	s.expect(t, map[string][]string{
		SA1: {"ReleaseRight AcceptedByNextParty Accept " + SA1 + "->" + RP1},
		RP1: {"ReleaseRight AcceptedByNextParty Accept " + SA1 + "->" + RP1},
	})
	// Another identification type, matched case-insensitively.
	s = w.right(RP1, eq, "", key("Transfer", ref(RP1), map[string]string{"identificationType": "eori", "identificationCode": "be0400000001"}))
	s.expect(t, map[string][]string{
		RP1: {"ReleaseRight Transferred Transfer " + RP1 + "->" + TR1},
		TR1: {"ReleaseRight Transferred Transfer " + RP1 + "->" + TR1},
	})
	s = w.right(TR1, eq, "", key("Accept", ref(RP1), ref(TR1)))
	s.expect(t, map[string][]string{
		RP1: {"ReleaseRight AcceptedByNextParty Accept " + RP1 + "->" + TR1},
		TR1: {"ReleaseRight AcceptedByNextParty Accept " + RP1 + "->" + TR1},
	})

	// Release Light events reach the sender, the terminal operator and the current owner only.
	s = w.ingest(SA1, eq, "block-1", ingestBody("Block", eq, "BL1", "R1", "0100", nil))
	blocked := "ReleaseLight ReleaseLightChanged CommercialRelease:OK->BLOCKED"
	s.expect(t, map[string][]string{SA1: {blocked}, TO1: {blocked}, TR1: {blocked}})
	s = w.ingest(SA1, eq, "block-2", ingestBody("Block", eq, "BL1", "R1", "0100", nil))
	s.expect(t, map[string][]string{SA1: {"ReleaseLight NotValidated No Commercial Release action processed due to: the current state of the Release Light CommercialRelease is identical to the new provided state BLOCKED"}})
	s = w.ingest(SA1, eq, "", ingestBody("Unblock", eq, "BL1", "R1", "0100", nil))
	unblocked := "ReleaseLight ReleaseLightChanged CommercialRelease:BLOCKED->OK"
	s.expect(t, map[string][]string{SA1: {unblocked}, TO1: {unblocked}, TR1: {unblocked}})

	// Update moves the container to terminal 01700: both terminals hear of it; the right stays.
	s = w.ingest(SA1, eq, "update-1", ingestBody("Update", eq, "BL1", "R1", "01700", map[string]any{
		"vesselName": "EVER GLORY", "releaseOrderReference": "ROR-2", "expirationDateTimeUtc": "2099-01-01T00:00:00Z", "reason": "new terminal",
	}))
	s.expect(t, map[string][]string{
		SA1: {"ReleaseLight Update Update"}, TO1: {"ReleaseLight Update Update"}, TO2: {"ReleaseLight Update Update"}, TR1: {"ReleaseLight Update Update"},
	})
	upd := s.only(t, TO2, "Update")
	for field, want := range map[string]any{"terminalCode": "01700", "releaseOrderReference": "ROR-2", "reason": "new terminal",
		"expirationDatetimeUtc": "2099-01-01T00:00:00Z", "portLoCode": "BEANR"} {
		if fmt.Sprint(upd.body[field]) != fmt.Sprint(want) {
			t.Errorf("Update body %s = %v, want %v", field, upd.body[field], want)
		}
	}
	if party(upd.body["sender"]) != SA1 {
		t.Errorf("Update sender %v", upd.body["sender"])
	}

	// Release detail: stakeholders see it all, others learn nothing.
	receipt, _, err := w.n.party(t, TR1).ReleaseDetail(bg(), "BEANR", eq, []string{"BL1"}, "R1")
	if err != nil {
		t.Fatal(err)
	}
	s = pullStep(t, w.n, receipt, TR1, eq, "")
	s.expect(t, map[string][]string{TR1: {"ReleaseRight ReleaseDetail"}})
	var detail struct {
		CurrentOwner       map[string]any `json:"currentOwner"`
		ReleaseRightStatus int            `json:"releaseRightStatus"`
		TerminalCode       string         `json:"terminalCode"`
		VesselName         string         `json:"vesselName"`
		GreenLights        []struct {
			GreenLightName, Value, Colour string
		} `json:"greenLights"`
		OverallLight string `json:"overallLight"`
	}
	if err := json.Unmarshal(s.only(t, TR1, "ReleaseDetail").env.Body, &detail); err != nil {
		t.Fatal(err)
	}
	if party(detail.CurrentOwner) != TR1 || detail.ReleaseRightStatus != 3 || detail.TerminalCode != "01700" ||
		detail.VesselName != "EVER GLORY" || len(detail.GreenLights) != 7 || detail.OverallLight != "red" {
		t.Errorf("release detail: %+v", detail)
	}
	receipt, _, err = w.n.party(t, RP2).ReleaseDetail(bg(), "BEANR", eq, []string{"BL1"}, "R1")
	if err != nil {
		t.Fatal(err)
	}
	s = pullStep(t, w.n, receipt, RP2, eq, "")
	s.expect(t, map[string][]string{RP2: {"ReleaseRight NotValidated Could not find release right for unique key " + eq + ", BL1, R1"}})

	// The rights list of the current owner.
	receipt, _, err = w.n.party(t, TR1).RightsList(bg(), "BEANR", url.Values{"equipmentnumberfilter": {eq}, "page": {"1"}, "pageSize": {"10"}})
	if err != nil {
		t.Fatal(err)
	}
	items, _, err := w.n.party(t, TR1).Notifications(bg(), url.Values{"publicReferenceId": {receipt.PublicReferenceID}})
	if err != nil || len(items) != 1 {
		t.Fatalf("rights list: %v %d", err, len(items))
	}
	env, _ := items[0].Envelope()
	var list struct {
		TotalRows     int              `json:"totalRows"`
		ReleaseRights []map[string]any `json:"releaseRights"`
	}
	_ = json.Unmarshal(env.Body, &list)
	if env.Event != "ReleaseRightsList" || list.TotalRows != 1 || list.ReleaseRights[0]["equipmentNumber"] != eq {
		t.Errorf("rights list: %s", env.Body)
	}

	// Delete: the light goes to UNKNOWN and the Delete event follows; then the release is gone.
	s = w.ingest(SA1, eq, "delete-1", ingestBody("Delete", eq, "BL1", "R1", "01700", map[string]any{"reason": "wrong BL"}))
	gone := []string{"ReleaseLight ReleaseLightChanged CommercialRelease:OK->UNKNOWN", "ReleaseLight Delete Delete"}
	s.expect(t, map[string][]string{SA1: gone, TO2: gone, TR1: gone})
	s = w.ingest(SA1, eq, "", ingestBody("Block", eq, "BL1", "R1", "01700", nil))
	s.expect(t, map[string][]string{SA1: {"ReleaseLight NotValidated Could not find release right for unique key " + eq + ", BL1, R1"}})
}

// TestBulkReleaseRights transfers two containers in one call; each is applied and notified on its own.
func TestBulkReleaseRights(t *testing.T) {
	w := world{t, startNode(t, t.TempDir())}
	eq1, eq2 := newContainer(t), newContainer(t)
	for _, eq := range []string{eq1, eq2} {
		w.ingest(SA1, eq, "", ingestBody("Release", eq, "BL-"+eq, "R-"+eq, "01700", nil))
	}
	item := func(eq string) map[string]any {
		b := rightBody("", eq, "BL-"+eq, "R-"+eq, "01700", ref(SA1), ref(RP2))
		delete(b, "actionType")
		return b
	}
	bad := item(eq2)
	bad["releaseIdentification"] = "WRONG"
	receipt, _, err := w.n.party(t, SA1).ReleaseRights(bg(), "BEANR", map[string]any{
		"portLoCode": "BEANR", "actionType": "Transfer", "releaseRights": []any{item(eq1), item(eq2), bad},
	}, "bulk-1")
	if err != nil {
		t.Fatal(err)
	}
	items, _, err := w.n.party(t, SA1).Notifications(bg(), url.Values{"publicReferenceId": {receipt.PublicReferenceID}})
	if err != nil {
		t.Fatal(err)
	}
	var have []string
	for _, it := range items {
		have = append(have, it.EquipmentNumber+" "+it.Event)
	}
	want := []string{eq1 + " Transferred", eq2 + " Transferred", eq2 + " NotValidated"}
	if fmt.Sprint(have) != fmt.Sprint(want) {
		t.Errorf("bulk notifications to the sender: %v, want %v", have, want)
	}
	items, _, _ = w.n.party(t, RP2).Notifications(bg(), url.Values{"publicReferenceId": {receipt.PublicReferenceID}})
	if len(items) != 2 {
		t.Errorf("RP2 got %d notifications, want the 2 transfers", len(items))
	}
}
