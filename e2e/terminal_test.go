package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/portlight/portlight/client"
)

// terminal sends a terminal event as sender.
func (w world) terminal(sender, eq string, body map[string]any) *step {
	w.t.Helper()
	return w.async(sender, eq, http.MethodPost, "/certified-pickup/v1/BEANR/containers/"+eq+"/import/terminal-events", body)
}

// pickup sends a Pick-up Right action as sender.
func (w world) pickup(sender, eq string, body map[string]any) *step {
	w.t.Helper()
	return w.async(sender, eq, http.MethodPut, "/certified-pickup/v1/BEANR/containers/"+eq+"/import/pickup-rights", body)
}

// customs sends a customs feed message as sender.
func (w world) customs(sender, eq string, body map[string]any) *step {
	w.t.Helper()
	return w.async(sender, eq, http.MethodPost, "/ccrm/v1/BEANR/containers/"+eq+"/customs-status", body)
}

func (w world) async(sender, eq, method, path string, body map[string]any) *step {
	w.t.Helper()
	resp, err := w.n.party(w.t, sender).Do(bg(), method, path, nil, body, "")
	if err != nil {
		w.t.Fatal(err)
	}
	if resp.Status != http.StatusAccepted {
		w.t.Fatalf("%s %s: %d %s", method, path, resp.Status, resp.Body)
	}
	var receipt client.Receipt
	if err := json.Unmarshal(resp.Body, &receipt); err != nil {
		w.t.Fatal(err)
	}
	return pullStep(w.t, w.n, receipt, sender, eq, "")
}

// gateCheck asks the synchronous gate check as sender.
func (w world) gateCheck(sender, eq string, q url.Values) (int, map[string]any) {
	w.t.Helper()
	resp, err := w.n.party(w.t, sender).Do(bg(), http.MethodGet, "/certified-pickup/v1/BEANR/containers/"+eq+"/import/gate-check", q, nil, "")
	if err != nil {
		w.t.Fatal(err)
	}
	var out map[string]any
	_ = json.Unmarshal(resp.Body, &out)
	return resp.Status, out
}

func lightLine(name, from, to string) string {
	return fmt.Sprintf("ReleaseLight ReleaseLightChanged %s:%s->%s", name, from, to)
}

// TestTerminalCustomsAndPickup continues the core flow at the terminal: customs (known before the
// release), discharge, terminal release, the Pick-up Right, the gate check and validation, gate-out.
func TestTerminalCustomsAndPickup(t *testing.T) {
	w := world{t, startNode(t, t.TempDir())}
	eq := newContainer(t)

	// Customs knows first: nobody is told yet, the status waits for the release.
	w.customs(CU, eq, map[string]any{"status": "RELEASED", "source": "CCRM"}).expect(t, nil)

	s := w.ingest(SA1, eq, "rel", ingestBody("Release", eq, "BL1", "R1", "0100", map[string]any{"releaseTo": ref(RP1), "stayNumber": "S1"}))
	customs := []string{lightLine("Customs", "NOTRELEASED", "RELEASED"), lightLine("CustomsProgress", "UNKNOWN", "CLEARED")}
	transferred := "ReleaseRight Transferred Transfer " + SA1 + "->" + RP1
	s.expect(t, map[string][]string{
		SA1: append(append([]string{created}, customs...), transferred),
		TO1: append([]string{created}, customs...),
		RP1: append(append([]string{created}, customs...), transferred),
	})
	key := func(action string, from, to any) map[string]any {
		return rightBody(action, eq, "BL1", "R1", "0100", from, to)
	}
	w.right(RP1, eq, "", key("Accept", ref(SA1), ref(RP1)))
	w.right(RP1, eq, "", key("Transfer", ref(RP1), ref(TR1)))
	w.right(TR1, eq, "", key("Accept", ref(RP1), ref(TR1)))

	discharged := lightLine("TerminalOperation", "UNKNOWN", "DISCHARGED")
	w.terminal(TO1, eq, map[string]any{"actionType": "Discharge", "terminalCode": "0100", "stayNumber": "S1"}).
		expect(t, map[string][]string{TO1: {discharged}, TR1: {discharged}})
	w.terminal(TO2, eq, map[string]any{"actionType": "Release", "terminalCode": "0100"}).
		expect(t, map[string][]string{TO2: nv("ReleaseLight", "Unable to perform terminal action Release on "+eq+": terminal 0100 is not operated by your company")})
	released := lightLine("TerminalReady", "UNKNOWN", "RELEASED")
	w.terminal(TO1, eq, map[string]any{"actionType": "Release", "terminalCode": "0100"}).
		expect(t, map[string][]string{TO1: {released}, TR1: {released}})

	status, gate := w.gateCheck(TO1, eq, url.Values{"terminalCode": {"0100"}, "transportOperator": {TR1}})
	if status != 200 || gate["allowed"] != false || fmt.Sprint(gate["reasons"]) != "[No Pick-up Right has been assigned]" {
		t.Errorf("gate check before the Pick-up Right: %d %v", status, gate)
	}

	truck := map[string]any{"type": "Truck", "truck": map[string]any{"licensePlate": "1-ABC-123",
		"driver": map[string]any{"name": "Jan Peeters", "alias": "JP", "badgeNumberMasked": "**12"}}}
	assign := map[string]any{"actionType": "Assign", "equipmentNumber": eq, "billOfLadingNumbers": []string{"BL1"},
		"releaseIdentification": "R1", "portLoCode": "BEANR", "terminalCode": "0100", "meansOfTransport": truck}
	assigned := lightLine("PickupLight", "UNKNOWN", "ASSIGNED")
	s = w.pickup(TR1, eq, assign)
	s.expect(t, map[string][]string{TR1: {assigned}, TO1: {assigned}})
	body := s.only(t, TO1, "ReleaseLightChanged").body
	mot, _ := json.Marshal(body["meansOfTransport"])
	if party(body["transportOperator"]) != TR1 ||
		string(mot) != `{"newMeansOfTransport":{"truck":{"driver":{"alias":"JP","badgeNumberMasked":"**12","name":"Jan Peeters"},"licensePlate":"1-ABC-123"},"type":"Truck"},"oldMeansOfTransport":null}` {
		t.Errorf("Pick up Right generated body: transportOperator %v meansOfTransport %s", body["transportOperator"], mot)
	}
	w.right(TR1, eq, "", key("Transfer", ref(TR1), ref(TR2))).
		expect(t, map[string][]string{TR1: nv("ReleaseRight", "Unable to perform SubmitReleaseRight action Transfer on "+eq+" because Pick up Right already generated, no transfer possible")})

	status, gate = w.gateCheck(TO1, eq, url.Values{"terminalCode": {"0100"}, "transportOperator": {TR1}, "licensePlate": {"1ABC123"}})
	if status != 200 || gate["allowed"] != true || gate["overallLight"] != "green" {
		t.Errorf("gate check with everything green: %d %v", status, gate)
	}
	_, gate = w.gateCheck(TO1, eq, url.Values{"terminalCode": {"0100"}, "transportOperator": {TR2}, "licensePlate": {"9-XYZ-999"}})
	if gate["allowed"] != false || fmt.Sprint(gate["reasons"]) != "[The Pick-up Right is assigned to another transport operator The means of transport is not the one of the Pick-up Right]" {
		t.Errorf("gate check for another haulier: %v", gate)
	}
	if status, _ := w.gateCheck(TO2, eq, url.Values{"terminalCode": {"0100"}, "transportOperator": {TR1}}); status != 403 {
		t.Errorf("another terminal's gate check: %d", status)
	}

	s = w.async(TO1, eq, http.MethodPost, "/certified-pickup/v1/BEANR/containers/"+eq+"/import/pickup-validations",
		map[string]any{"terminalCode": "0100", "transportOperator": ref(TR1)})
	s.expect(t, map[string][]string{TO1: {"TerminalEvent ValidationResponse"}})
	if v := s.only(t, TO1, "ValidationResponse").body; v["isValid"] != true || fmt.Sprint(v["reasons"]) != "[]" {
		t.Errorf("validation response: %v", v)
	}

	gateOut := lightLine("GateOperation", "UNKNOWN", "GATEOUTRECEIVED")
	s = w.terminal(TO1, eq, map[string]any{"actionType": "GateOut", "terminalCode": "0100"})
	s.expect(t, map[string][]string{
		TO1: {gateOut, "TerminalEvent GateOut"}, TR1: {gateOut, "TerminalEvent GateOut"}, SA1: {"TerminalEvent GateOut"},
	})
	if g := s.only(t, SA1, "GateOut").body; g["isValid"] != true || party(g["transportOperator"]) != TR1 {
		t.Errorf("gate-out body: %v", g)
	}
	w.ingest(SA1, eq, "", ingestBody("Block", eq, "BL1", "R1", "0100", nil)).
		expect(t, map[string][]string{SA1: nv("ReleaseLight", "No Block action processed on "+eq+": the container has already been picked up (gate-out received)")})

	// CCRM GET: for parties entitled to the container, metered.
	resp, err := w.n.party(t, TR1).Do(bg(), http.MethodGet, "/ccrm/v1/BEANR/containers/"+eq, nil, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	var view map[string]any
	_ = json.Unmarshal(resp.Body, &view)
	if resp.Status != 200 || view["status"] != "RELEASED" || view["colour"] != "green" || view["source"] != "CCRM" {
		t.Errorf("CCRM GET: %d %s", resp.Status, resp.Body)
	}
	if resp, _ := w.n.party(t, RP2).Do(bg(), http.MethodGet, "/ccrm/v1/BEANR/containers/"+eq, nil, nil, ""); resp.Status != 403 {
		t.Errorf("CCRM GET by a stranger: %d", resp.Status)
	}
}

// TestRightsExpireWithoutAnyoneCalling lets the expiry scheduler expire a right whose
// expirationDateTimeUtc passes a moment after its release.
func TestRightsExpireWithoutAnyoneCalling(t *testing.T) {
	w := world{t, startNode(t, t.TempDir(), "--expiry-interval", "100ms")}
	eq := newContainer(t)
	expires := time.Now().UTC().Add(1500 * time.Millisecond).Format(time.RFC3339Nano)
	w.ingest(SA1, eq, "", ingestBody("Release", eq, "BL1", "R1", "01700", map[string]any{"releaseTo": ref(RP2), "expirationDateTimeUtc": expires}))
	deadline := time.Now().Add(10 * time.Second)
	for {
		items, _, err := w.n.party(t, RP2).Notifications(bg(), url.Values{"equipmentNumber": {eq}, "notificationEvent": {"ReleaseLightChanged"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(items) == 2 {
			env, _ := items[1].Envelope()
			var b map[string]any
			_ = json.Unmarshal(env.Body, &b)
			if b["newValue"] != "EXPIRED" || b["originalValue"] != "OK" || env.ExternalReferenceID != nil {
				t.Errorf("expiry notification: %s", items[1].Message)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no expiry notification within 10s (%d light events)", len(items))
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, id := range []string{SA1, TO2} {
		items, _, _ := w.n.party(t, id).Notifications(bg(), url.Values{"equipmentNumber": {eq}, "notificationEvent": {"ReleaseLightChanged"}})
		if len(items) != 2 {
			t.Errorf("%s got %d light events, want the release and the expiry", id, len(items))
		}
	}
}
