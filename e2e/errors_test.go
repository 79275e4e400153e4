package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portlight/portlight/api"
)

// TestSynchronousAnswers checks the synchronous answers and error bodies of the seeds.
func TestSynchronousAnswers(t *testing.T) {
	n := startNode(t, t.TempDir())
	sa := n.party(t, SA1)
	eq := newContainer(t)
	raw := func(method, path, token, key, body string) (int, http.Header, string) {
		t.Helper()
		req, _ := http.NewRequest(method, n.creds.BaseURL+path, strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if key != "" {
			req.Header.Set("Ocp-Apim-Subscription-Key", key)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, resp.Header, string(b)
	}
	token, err := sa.Token(bg())
	if err != nil {
		t.Fatal(err)
	}
	ingest := "/ingestion/v1/ingestion/" + sa.IngestionID
	notifications := "/certified-pickup/v1/notifications?equipmentNumber=" + eq

	tests := []struct {
		name, method, path, token, key, body string
		status                               int
		want                                 string
	}{
		{"no token", "GET", notifications, "", sa.SubscriptionKey, "", 401,
			`{"statusCode":401,"message":"Access denied due to missing access token. Send it as 'Authorization: Bearer \u003ctoken\u003e'."}`},
		{"forged token", "GET", notifications, token[:len(token)-4] + "AAAA", sa.SubscriptionKey, "", 401,
			`{"statusCode":401,"message":"Access denied due to invalid or expired access token. Get a new token from /connect/token."}`},
		{"wrong subscription key", "GET", notifications, token, "nope", "", 401,
			`{"statusCode":401,"message":"Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription."}`},
		{"another company's subscription key", "GET", notifications, token, n.party(t, RP1).SubscriptionKey, "", 401,
			`{"statusCode":401,"message":"Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription."}`},
		{"malformed JSON", "POST", ingest, token, "", `{"actionType":`, 400,
			`"The request body is not valid JSON: unexpected end of JSON input (at byte 14)."`},
		{"unknown actionType", "POST", ingest, token, "", `{"actionType":"Explode"}`, 400,
			`"The field 'actionType' must be one of Release, Update, Block, Unblock, Revoke, Delete."`},
		{"unblock that changes other fields", "POST", ingest, token, "", `{"actionType":"Unblock","equipmentNumber":"` + eq + `","vesselName":"X"}`, 405,
			`{"type":"https://tools.ietf.org/html/rfc7231#section-6.5","title":"Method Not Allowed","status":405,"detail":"It is not allowed to update other information with action Unblock; remove: vesselName","instance":"` + ingest + `"}`},
		{"another company's ingestion id", "POST", "/ingestion/v1/ingestion/" + n.party(t, SA2).IngestionID, token, "", `{"actionType":"Release"}`, 401,
			`{"statusCode":401,"message":"Access denied: ingestion id \"` + n.party(t, SA2).IngestionID + `\" is not your company's."}`},
		{"route and body disagree", "PUT", "/certified-pickup/v1/BEANR/containers/" + eq + "/import/release-rights", token, sa.SubscriptionKey, `{"actionType":"Transfer"}`, 400,
			`"Route parameter 'PortLoCode' does not match with PortLoCode from body;Route parameter 'EquipmentNumber' does not match with EquipmentNumber from body"`},
		{"pull without any filter", "GET", "/certified-pickup/v1/notifications", token, sa.SubscriptionKey, "", 400,
			`"errors":{"query":["At least one of notificationEvent, equipmentNumber, publicReferenceId, releaseId or storedOn is required."]}`},
		{"pull with nothing matching", "GET", notifications, token, sa.SubscriptionKey, "", 405, `"status":405`},
		{"time window without its date", "GET", "/certified-pickup/v1/notifications?equipmentNumber=X&timeWindowFrom=07:30&timeWindowTo=19:25", token, sa.SubscriptionKey, "", 400, `'storedOn'`},
		{"time window backwards", "GET", "/certified-pickup/v1/notifications?storedOn=2026-11-22&timeWindowFrom=19:30&timeWindowTo=07:25", token, sa.SubscriptionKey, "", 400,
			`'timeWindowTo' may not be earlier than 'timeWindowFrom'.`},
		{"registry page 0", "GET", "/certified-pickup/v1/entities?entityName=demo&page=0", token, sa.SubscriptionKey, "", 400,
			`"errors":{"Page":["'Page' must be greater than or equal to '1'."]}`},
		{"registry without filter", "GET", "/certified-pickup/v1/entities", token, sa.SubscriptionKey, "", 400, `At least one of EORI`},
		{"unknown endpoint", "GET", "/certified-pickup/v2/nothing", token, sa.SubscriptionKey, "", 404, `"status":404`},
		{"token with a wrong secret", "POST", "/connect/token", "", "", "", 400, `"invalid_request"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := raw(tt.method, tt.path, tt.token, tt.key, tt.body)
			if status != tt.status || !strings.Contains(body, tt.want) {
				t.Errorf("got %d %s\nwant %d containing %s", status, body, tt.status, tt.want)
			}
		})
	}

	// The registry answers synchronously in the seed's shape.
	status, _, body := raw("GET", "/certified-pickup/v1/entities?entityName=FORWARDER&vat=be0300000001", token, sa.SubscriptionKey, "")
	var reg struct {
		SearchFilter   map[string]any   `json:"searchFilter"`
		PhoneBookItems []map[string]any `json:"phoneBookItems"`
		TotalRows      int              `json:"totalRows"`
		TotalPages     int              `json:"totalPages"`
	}
	if err := json.Unmarshal([]byte(body), &reg); status != 200 || err != nil || reg.TotalRows != 1 || reg.TotalPages != 1 ||
		reg.PhoneBookItems[0]["nxtEntityId"] != RP1 || reg.SearchFilter["pageSize"] != 25.0 || reg.SearchFilter["eori"] != nil {
		t.Errorf("registry: %d %s", status, body)
	}

	// Pull filters: notificationEvent, releaseId, storedOn with a time window.
	receipt, _, err := sa.Ingest(bg(), ingestBody("Release", eq, "BL1", "R1", "0100", nil), "")
	if err != nil {
		t.Fatal(err)
	}
	items, _, err := sa.Notifications(bg(), url.Values{"publicReferenceId": {receipt.PublicReferenceID}})
	if err != nil || len(items) != 1 {
		t.Fatalf("pull: %v %d", err, len(items))
	}
	now := time.Now().UTC()
	for _, q := range []url.Values{
		{"notificationEvent": {"releaselightchanged"}, "equipmentNumber": {eq}},
		{"releaseId": {items[0].ReleaseID}},
		{"storedOn": {now.Format("2006-01-02")}, "timeWindowFrom": {now.Add(-2 * time.Minute).Format("15:04")}, "timeWindowTo": {now.Add(2 * time.Minute).Format("15:04")}, "equipmentNumber": {eq}},
	} {
		if now.Add(-2*time.Minute).Day() != now.Add(2*time.Minute).Day() && q.Has("storedOn") {
			continue // the window would straddle midnight
		}
		got, _, err := sa.Notifications(bg(), q)
		if err != nil || len(got) != 1 || got[0].PublicReferenceID != receipt.PublicReferenceID {
			t.Errorf("pull %v: %v %d", q, err, len(got))
		}
	}
	if got, resp, _ := sa.Notifications(bg(), url.Values{"storedOn": {now.Add(-48 * time.Hour).Format("2006-01-02")}, "equipmentNumber": {eq}}); len(got) != 0 || resp.Status != 405 {
		t.Errorf("pull of another day: %d items, status %d", len(got), resp.Status)
	}
}

// TestAcceptedCommandsSurviveACrash kills the server (kill -9) right after answering a series of
// commands, restarts it on the same data, and finds every answered command's notifications.
func TestAcceptedCommandsSurviveACrash(t *testing.T) {
	dir := t.TempDir()
	n := startNode(t, dir)
	sa := n.party(t, SA1)
	var receipts []string
	for i := 0; i < 50; i++ {
		eq := newContainer(t)
		r, _, err := sa.Ingest(bg(), ingestBody("Release", eq, "BL1", "R1", "0100", map[string]any{"releaseTo": ref(RP1)}), "")
		if err != nil {
			t.Fatal(err)
		}
		receipts = append(receipts, r.PublicReferenceID)
	}
	n.kill()
	n = startNode(t, dir)
	for _, id := range receipts {
		items, _, err := n.party(t, RP1).Notifications(bg(), url.Values{"publicReferenceId": {id}})
		if err != nil || len(items) != 2 {
			t.Fatalf("after the crash, %s has %d notifications for RP1 (%v), want 2", id, len(items), err)
		}
	}
}

// TestRateLimit answers the call over the limit with 429, Retry-After and the seed's body shape.
func TestRateLimit(t *testing.T) {
	n := startNode(t, t.TempDir(), "--rate-limit", "5")
	c := n.party(t, RP1)
	q := url.Values{"equipmentNumber": {"MSCU1234565"}}
	for i := 0; i < 5; i++ {
		if _, resp, err := c.Notifications(bg(), q); err != nil || resp.Status != 405 {
			t.Fatalf("call %d: %v %v", i+1, err, resp)
		}
	}
	_, resp, _ := c.Notifications(bg(), q)
	retry, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if resp.Status != 429 || err != nil || retry < 1 || retry > int((api.RateWindow+api.RateSlot).Seconds()) ||
		!strings.HasPrefix(string(resp.Body), `{"statusCode":429,"message":"Rate limit is exceeded. Try again in `) {
		t.Fatalf("call 6: %d Retry-After %q %s", resp.Status, resp.Header.Get("Retry-After"), resp.Body)
	}
	// Another subscription is not limited by this one.
	if _, resp, _ := n.party(t, RP2).Notifications(bg(), q); resp.Status != 405 {
		t.Fatalf("another company: %d", resp.Status)
	}
}
