package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// TestCommercialReleaseTerminal tries, as an integrator would, every commercial-release action
// with a terminal CPu does not know, without one, and with another terminal than the release's;
// then an Unblock and a Delete that would change equipmentType (the seed's 405).
func TestCommercialReleaseTerminal(t *testing.T) {
	w := world{t, startNode(t, t.TempDir())}
	eq := newContainer(t)
	body := func(action, terminal string, extra map[string]any) map[string]any {
		return ingestBody(action, eq, "BL1", "R1", terminal, extra)
	}
	w.ingest(SA1, eq, "", body("Release", "0100", map[string]any{"equipmentType": "45G1"})).
		expect(t, map[string][]string{SA1: {created}, TO1: {created}})
	rl := "ReleaseLight"
	notFound := nv(rl, "Could not find release right for unique key "+eq+", BL1, R1")
	for _, action := range []string{"Block", "Unblock", "Revoke", "Delete"} {
		w.ingest(SA1, eq, "", body(action, "9999", nil)).
			expect(t, map[string][]string{SA1: nv(rl, `Invalid Terminal Code: "9999" is not a terminal known to CPu`)})
		w.ingest(SA1, eq, "", body(action, "", nil)).
			expect(t, map[string][]string{SA1: nv(rl, "No Commercial Release action processed due to missing parameters: terminalCode")})
		w.ingest(SA1, eq, "", body(action, "01700", nil)).expect(t, map[string][]string{SA1: notFound})
	}
	// Nothing of that blocked it: the Block at its own terminal is the first to.
	blocked := []string{"ReleaseLight ReleaseLightChanged CommercialRelease:OK->BLOCKED"}
	w.ingest(SA1, eq, "", body("Block", "0100", nil)).expect(t, map[string][]string{SA1: blocked, TO1: blocked})

	// Unblock and Delete may not change a stored field: 405, synchronously, and no notification.
	for _, action := range []string{"Unblock", "Delete"} {
		_, resp, err := w.n.party(t, SA1).Ingest(bg(), body(action, "0100", map[string]any{"equipmentType": "22G1"}), "")
		if err == nil || resp == nil || resp.Status != http.StatusMethodNotAllowed {
			t.Fatalf("%s changing equipmentType: %v %v", action, err, resp)
		}
		var p struct {
			Status int    `json:"status"`
			Detail string `json:"detail"`
		}
		if json.Unmarshal(resp.Body, &p) != nil || p.Status != 405 ||
			p.Detail != "It is not allowed to update other information with action "+action+": 'equipmentType' differs from the release" {
			t.Errorf("%s changing equipmentType: %s", action, resp.Body)
		}
	}
	unblocked := []string{"ReleaseLight ReleaseLightChanged CommercialRelease:BLOCKED->OK"}
	w.ingest(SA1, eq, "", body("Unblock", "0100", map[string]any{"equipmentType": "45G1"})).
		expect(t, map[string][]string{SA1: unblocked, TO1: unblocked})
}

// TestPullTellsForbiddenFromNothing: pulling another company's publicReferenceId is 403 (with the
// seed's header and empty object), one nobody has is 405; the e2e pull helpers rely on the
// difference (pullEveryone).
func TestPullTellsForbiddenFromNothing(t *testing.T) {
	n := startNode(t, t.TempDir())
	eq := newContainer(t)
	receipt, _, err := n.party(t, SA1).Ingest(bg(), ingestBody("Release", eq, "BL1", "R1", "0100", nil), "")
	if err != nil {
		t.Fatal(err)
	}
	if items, status := pullAs(t, n.party(t, SA1), SA1, receipt.PublicReferenceID); status != 200 || len(items) != 1 {
		t.Errorf("the sender pulls its own: %d, %d items", status, len(items))
	}
	if _, status := pullAs(t, n.party(t, SA2), SA2, receipt.PublicReferenceID); status != 403 {
		t.Errorf("another agent pulls SA1's notifications: %d, want 403", status)
	}
	_, resp, err := n.party(t, SA2).Notifications(bg(), url.Values{"publicReferenceId": {receipt.PublicReferenceID}})
	if err == nil || resp == nil || resp.Status != http.StatusForbidden {
		t.Errorf("another company's publicReferenceId: %v %v, want 403", err, resp)
	}
	items, resp, err := n.party(t, SA1).Notifications(bg(), url.Values{"publicReferenceId": {uuid.NewString()}})
	if err != nil || resp.Status != http.StatusMethodNotAllowed || len(items) != 0 {
		t.Errorf("a publicReferenceId nobody has: %v %v, want 405", err, resp)
	}
	// The time window takes 07:30 and 07:30:00 alike.
	now := time.Now().UTC()
	if now.Add(-2*time.Minute).Day() == now.Add(2*time.Minute).Day() {
		q := url.Values{"storedOn": {now.Format("2006-01-02")}, "equipmentNumber": {eq},
			"timeWindowFrom": {now.Add(-2 * time.Minute).Format("15:04:05")}, "timeWindowTo": {now.Add(2 * time.Minute).Format("15:04")}}
		if got, _, err := n.party(t, SA1).Notifications(bg(), q); err != nil || len(got) != 1 {
			t.Errorf("pull with a window in seconds: %v %d", err, len(got))
		}
	}
}

// TestWireDetails: the registry's 400 keys, 405 with Allow for a known path asked with another
// method, and the bulk PUT without portLoCode.
func TestWireDetails(t *testing.T) {
	n := startNode(t, t.TempDir())
	sa := n.party(t, SA1)
	resp, err := sa.Do(bg(), "GET", "/certified-pickup/v1/entities", url.Values{"entityName": {"demo"}, "pageSize": {"0"}}, nil, "")
	if err != nil || resp.Status != 400 || !strings.Contains(string(resp.Body), `"errors":{"PageSize":["'Page Size' must be greater than or equal to '1'."]}`) {
		t.Errorf("registry pageSize 0: %v %v", err, resp)
	}
	for _, c := range []struct{ method, path, allow string }{
		{"POST", "/certified-pickup/v1/entities", "GET, HEAD"},
		{"DELETE", "/certified-pickup/v1/notifications", "GET, HEAD"},
		{"GET", "/ingestion/v1/ingestion/" + sa.IngestionID, "POST"},
		{"POST", "/certified-pickup/v1/BEANR/containers/MSCU1234566/import/release-rights", "PUT"},
	} {
		resp, err := sa.Do(bg(), c.method, c.path, nil, nil, "")
		if err != nil || resp.Status != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != c.allow ||
			!strings.Contains(string(resp.Body), "Method not allowed") {
			t.Errorf("%s %s: %v %v, want 405 with Allow %q", c.method, c.path, err, resp, c.allow)
		}
	}
	item := rightBody("Transfer", newContainer(t), "BL1", "R1", "0100", ref(SA1), ref(RP1))
	delete(item, "portLoCode")
	_, resp, err = sa.ReleaseRights(bg(), "BEANR", map[string]any{"actionType": "Transfer", "releaseRights": []any{item}}, "")
	if err == nil || resp == nil || resp.Status != 400 || strings.TrimSpace(string(resp.Body)) != `"Route parameter 'PortLoCode' does not match with PortLoCode from body"` {
		t.Errorf("bulk without portLoCode: %v %v", err, resp)
	}
}
