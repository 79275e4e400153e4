package bench

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/portlight/portlight/sandbox"
)

// TestHandEncodedBodies: every body the generator encodes by hand is the JSON object it stands for.
func TestHandEncodedBodies(t *testing.T) {
	p := &Port{Creds: &sandbox.Credentials{PortLoCode: "BEANR"}}
	const eq = "ABCU1234565"
	ref := func(id string) map[string]any {
		return map[string]any{"identificationType": "NxtEntityId", "identificationCode": id}
	}
	key := func(m map[string]any) map[string]any {
		m["equipmentNumber"], m["billOfLadingNumbers"], m["releaseIdentification"] = eq, []any{"BL-" + eq}, "R-"+eq
		m["terminalCode"], m["portLoCode"] = TerminalCode, "BEANR"
		return m
	}
	for _, c := range []struct {
		name string
		got  []byte
		want map[string]any
	}{
		{"release", p.releaseBody(eq, ""), key(map[string]any{"actionType": "Release", "stayNumber": "STAY1", "equipmentType": "45G1", "vesselName": "BENCH VESSEL"})},
		{"release to", p.releaseBody(eq, Forwarder), key(map[string]any{"actionType": "Release", "stayNumber": "STAY1", "equipmentType": "45G1",
			"vesselName": "BENCH VESSEL", "releaseTo": ref(Forwarder)})},
		{"right", p.rightBody(eq, "Transfer", Forwarder, Haulier), key(map[string]any{"actionType": "Transfer", "releaseFrom": ref(Forwarder), "releaseTo": ref(Haulier)})},
		{"terminal event", terminalEventBody("Discharge"), map[string]any{"actionType": "Discharge", "terminalCode": TerminalCode, "stayNumber": "STAY1"}},
		{"customs", customsBody("RELEASED"), map[string]any{"status": "RELEASED", "source": "CCRM"}},
		{"pickup", p.pickupBody("Assign", eq, "1-BNC-123"), key(map[string]any{"actionType": "Assign", "meansOfTransport": map[string]any{"type": "Truck",
			"truck": map[string]any{"licensePlate": "1-BNC-123", "driver": map[string]any{"name": "Bench Driver", "badgeNumberMasked": "**42"}}}})},
		{"block", p.ingestBody("Block", eq), key(map[string]any{"actionType": "Block"})},
		{"update", p.ingestBody("Update", eq), key(map[string]any{"actionType": "Update", "vesselName": "BENCH VESSEL II", "stayNumber": "STAY1", "equipmentType": "45G1"})},
	} {
		var got map[string]any
		if err := json.Unmarshal(c.got, &got); err != nil {
			t.Errorf("%s: %s is not JSON: %v", c.name, c.got, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %s\nwant %v", c.name, c.got, c.want)
		}
	}
}

// TestPortDayRuns plays a short port day against a sandbox: every command is answered as the
// script expects (no error), containers are picked up, and every command the Forwarder is told
// of reaches its webhook once.
func TestPortDayRuns(t *testing.T) {
	p := startSandbox(t)
	r, err := PortDay(context.Background(), p, PortDayOptions{Rate: 300, Duration: 2 * time.Second, Workers: 16, Seed: 1, Webhooks: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Commands.Errors > 0 || r.Commands.Sent == 0 || r.Completed == 0 {
		t.Errorf("%d errors of %d commands (first: %s), %d containers picked up", r.Commands.Errors, r.Commands.Sent, r.Commands.FirstErr, r.Completed)
	}
	if w := r.Webhooks; w == nil || w.Sent < r.Containers || w.Errors > 0 || r.Duplicates > 0 {
		t.Errorf("webhooks of the Forwarder: %+v, %d duplicates, for %d containers", w, r.Duplicates, r.Containers)
	}
}
