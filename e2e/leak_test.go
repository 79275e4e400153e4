package e2e

import (
	"context"
	"flag"
	"math/rand/v2"
	"net/http"
	"net/url"
	"testing"
	"time"
)

var leakSeed = flag.Uint64("leak.seed", 0, "seed of TestNoCompanyReadsWhatIsNotItsOwn (0: random)")

// TestNoCompanyReadsWhatIsNotItsOwn plays random commands from random companies over HTTP, then
// has every company try to read every notification, every release detail and every customs
// status: it may only when it is a stakeholder (the receiver of the notification; a stakeholder
// of the right, per the stored state; or the customs authority for customs status).
func TestNoCompanyReadsWhatIsNotItsOwn(t *testing.T) {
	seed := *leakSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun with -leak.seed=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	n := startNode(t, t.TempDir(), "--rate-limit", "0")
	containers := []string{newContainer(t), newContainer(t), newContainer(t), newContainer(t)}
	terminals := []string{"0100", "01700"}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }

	var receipts []string
	for i := 0; i < 250; i++ {
		eq, as := pick(containers), pick(everyone)
		bl, rid, term := "BL1", "R1", pick(terminals)
		send := func(method, path string, body any) {
			r, err := n.party(t, as).Do(bg(), method, path, nil, body, "")
			if err != nil {
				t.Fatal(err)
			}
			if r.Status == http.StatusAccepted {
				var rc struct {
					PublicReferenceID string `json:"publicReferenceId"`
				}
				_ = jsonUnmarshal(r.Body, &rc)
				receipts = append(receipts, rc.PublicReferenceID)
			}
		}
		switch rng.IntN(8) {
		case 0, 1:
			action := pick([]string{"Release", "Release", "Block", "Unblock", "Update", "Revoke", "Delete"})
			extra := map[string]any{}
			if action == "Release" && rng.IntN(2) == 0 {
				extra["releaseTo"] = ref(pick(everyone))
			}
			r, _, err := n.party(t, as).Ingest(bg(), ingestBody(action, eq, bl, rid, term, extra), "")
			if err == nil {
				receipts = append(receipts, r.PublicReferenceID)
			}
		case 2, 3:
			action := pick([]string{"Transfer", "Accept", "Decline", "Revoke"})
			send("PUT", "/certified-pickup/v1/BEANR/containers/"+eq+"/import/release-rights",
				rightBody(action, eq, bl, rid, term, ref(pick(everyone)), ref(pick(everyone))))
		case 4:
			send("POST", "/certified-pickup/v1/BEANR/containers/"+eq+"/import/terminal-events",
				map[string]any{"actionType": pick([]string{"Discharge", "Release", "Block", "CustomsOverwrite", "GateOut"}), "terminalCode": term})
		case 5:
			send("POST", "/ccrm/v1/BEANR/containers/"+eq+"/customs-status", map[string]any{"status": pick([]string{"RELEASED", "NOTRELEASED", "SELECTEDFORSCAN"})})
		case 6:
			send("PUT", "/certified-pickup/v1/BEANR/containers/"+eq+"/import/pickup-rights", map[string]any{"actionType": "Assign",
				"equipmentNumber": eq, "portLoCode": "BEANR", "billOfLadingNumbers": []string{bl}, "releaseIdentification": rid, "terminalCode": term,
				"meansOfTransport": map[string]any{"type": "Rail", "rail": map[string]any{"operator": "Lineas", "trainReference": "T1"}}})
		case 7:
			r, _, err := n.party(t, as).ReleaseDetail(bg(), "BEANR", eq, []string{bl}, rid)
			if err == nil {
				receipts = append(receipts, r.PublicReferenceID)
			}
		}
	}

	// Notifications: a company reads only what was sent to it.
	for _, id := range receipts {
		for as, items := range pullEveryone(t, n, id) {
			for _, it := range items {
				env, _ := it.Envelope()
				if it.NxtEntityID != as || env.ReceiverID != as {
					t.Fatalf("%s read a notification for %s/%s", as, it.NxtEntityID, env.ReceiverID)
				}
			}
		}
	}

	// Release detail and customs status, against the stakeholders of the stored state.
	st := n.openStore(t)
	defer st.Close()
	for _, eq := range containers {
		c, err := st.Container(context.Background(), "BEANR", eq, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		for _, as := range everyone {
			stakeholder := false
			for _, r := range c.Rights {
				if !r.Deleted() && r.IsStakeholder(as) {
					stakeholder = true
				}
			}
			resp, err := n.party(t, as).Do(bg(), "GET", "/ccrm/v1/BEANR/containers/"+eq, nil, nil, "")
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: 200, false: 403}[stakeholder || as == CU]; resp.Status != want {
				t.Errorf("%s reads the customs status of %s: %d, want %d", as, eq, resp.Status, want)
			}
			receipt, _, err := n.party(t, as).ReleaseDetail(bg(), "BEANR", eq, []string{"BL1"}, "R1")
			if err != nil {
				t.Fatal(err)
			}
			items, _, _ := n.party(t, as).Notifications(bg(), url.Values{"publicReferenceId": {receipt.PublicReferenceID}})
			if len(items) != 1 {
				t.Fatalf("%s: %d answers to its detail request", as, len(items))
			}
			if got := items[0].Event == "ReleaseDetail"; got && !stakeholder {
				t.Errorf("%s, no stakeholder, read the release detail of %s", as, eq)
			}
		}
	}
	t.Logf("%d commands checked against %d companies", len(receipts), len(everyone))
}
