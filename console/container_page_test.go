package console

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/sandbox"
)

// demoContainer is the page of the sandbox's demo container of stage (sandbox.Stages) through
// the first demo terminal (0100).
func demoContainer(t *testing.T, stage string) string {
	t.Helper()
	i := slices.Index(sandbox.Stages, stage)
	if i < 0 {
		t.Fatalf("no stage %q", stage)
	}
	base := fmt.Sprintf("DEMU%06d", 100+i*2)
	digit, _, err := release.CheckEquipmentNumber(base + "0")
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("/console/containers/BEANR/%s%d", base, digit)
}

// page returns the status and body of GET path.
func (f *fixture) page(t *testing.T, b *http.Client, path string) (int, string) {
	t.Helper()
	resp, err := b.Get(f.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, string(body)
}

// post sends a form and returns the status, where it redirects to and the body.
func (f *fixture) post(t *testing.T, b *http.Client, path string, form url.Values) (int, string, string) {
	t.Helper()
	resp, err := b.PostForm(f.srv.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

// as signs a sandbox user in.
func (f *fixture) as(t *testing.T, username string) *http.Client {
	b := f.browser(t)
	f.signIn(t, b, username, f.password(t, username))
	return b
}

var releaseIDRe = regexp.MustCompile(`name="releaseId" value="([^"]+)"`)

// releaseIDOn is the release id the forms of a container page carry.
func releaseIDOn(t *testing.T, body string) string {
	t.Helper()
	m := releaseIDRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no release form on the page")
	}
	return m[1]
}

// TestLightHistoryAndCustody: the container page shows each light's history (who set what) and
// the chain of custody with its times, past holders included.
func TestLightHistoryAndCustody(t *testing.T) {
	f := newFixture(t, false)
	status, body := f.page(t, f.as(t, "haulier1"), demoContainer(t, "pick-up assigned"))
	if status != http.StatusOK {
		t.Fatalf("page: %d", status)
	}
	for _, want := range []string{
		// The customs authority set Customs, the terminal discharged: the haulier was told of neither.
		`<td>not released</td><td>released</td><td>Demo Customs Authority <small>(NXT500000000001)</small></td>`,
		`<td>not yet</td><td>discharged</td><td>Demo Terminal One <small>(NXT200000000001)</small></td>`,
		`<td>—</td><td>OK</td><td>Demo Shipping Agent One <small>(NXT100000000001)</small></td>`,
		`Pick-up: assigned</span> <small>(changes: 1)</small>`,
		// The chain: agent → forwarder (accepted) → haulier (accepted), then the Pick-up Right.
		`<td>Demo Shipping Agent One <small>(NXT100000000001)</small></td><td>Demo Forwarder One <small>(NXT300000000001)</small></td><td>Accepted</td>`,
		`<td>Demo Forwarder One <small>(NXT300000000001)</small></td><td>Demo Haulier One <small>(NXT400000000001)</small></td><td>Accepted</td>`,
		`<td>Demo Haulier One <small>(NXT400000000001)</small></td><td>Truck 1-DEM-`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if n := strings.Count(body, "UTC</td>"); n < 6 {
		t.Errorf("%d times on the page, want the changes' and the hops' (transferred and answered)", n)
	}
}

// TestAgentUpdate: the shipping agent's Update form comes filled in with the release's values;
// sent, it goes through the service and the page shows the new values; refused, the platform's
// text is shown and what was typed is kept.
func TestAgentUpdate(t *testing.T) {
	f := newFixture(t, false)
	b := f.as(t, "agent1")
	page := demoContainer(t, "released")
	_, body := f.page(t, b, page)
	id := releaseIDOn(t, body)
	for _, want := range []string{`name="vesselName" autocomplete="off" value="MSC Demo"`, `name="terminalCode" required autocomplete="off" value="0100"`,
		`name="equipmentType" autocomplete="off" value="42G1"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the Update form is not filled in: no %s", want)
		}
	}
	form := url.Values{"releaseId": {id}, "terminalCode": {"0100"}, "vesselName": {"MSC Updated"}, "voyageNumber": {"DM002"},
		"equipmentType": {"42G1"}, "fullEmptyIndicator": {"F"}, "expirationDateTimeUtc": {"2099-01-02T03:04:05"}}
	status, loc, _ := f.post(t, b, page+"/update", form)
	if status != http.StatusSeeOther || !strings.HasSuffix(loc, "?done=Update") {
		t.Fatalf("update: %d to %q", status, loc)
	}
	_, body = f.page(t, b, strings.TrimPrefix(loc, f.srv.URL))
	if !strings.Contains(body, `<dd>MSC Updated</dd>`) || !strings.Contains(body, `value="2099-01-02T03:04:05"`) || !strings.Contains(body, "Done: release updated.") {
		t.Errorf("after the update the page does not show the new values")
	}
	form.Set("terminalCode", "9999")
	status, _, body = f.post(t, b, page+"/update", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `class="notvalidated"`) || !strings.Contains(body, "9999") {
		t.Errorf("an update to an unknown terminal: %d, want 422 with the platform's text", status)
	}
	if !strings.Contains(body, `name="terminalCode" required autocomplete="off" value="9999"`) {
		t.Errorf("the refused form does not keep what was typed")
	}
	form.Set("expirationDateTimeUtc", "tomorrow")
	if status, _, _ := f.post(t, b, page+"/update", form); status != http.StatusBadRequest {
		t.Errorf("a malformed time: %d, want 400", status)
	}
}

// TestPickupByBarge: the transport operator's Pick-up Right form comes filled in with the truck;
// it updates it to a barge, revokes it, is refused an update without one, and assigns it again.
// Once the Pick-up Right is assigned no transfer is offered (the core refuses it).
func TestPickupByBarge(t *testing.T) {
	f := newFixture(t, false)
	b := f.as(t, "haulier1")
	page := demoContainer(t, "pick-up assigned")
	_, body := f.page(t, b, page)
	id := releaseIDOn(t, body)
	if !strings.Contains(body, `value="Truck" checked`) || !regexp.MustCompile(`name="licensePlate" autocomplete="off" value="1-DEM-`).MatchString(body) {
		t.Errorf("the Pick-up Right form is not filled in with the truck")
	}
	if strings.Contains(body, `value="Transfer"`) {
		t.Errorf("a transfer is offered while the Pick-up Right is assigned")
	}
	barge := url.Values{"releaseId": {id}, "action": {"Update"}, "type": {"Barge"}, "bargeName": {"Rhine Star"}, "eniNumber": {"02312345"},
		"visitNumber": {"V42"}, "licensePlate": {"ignored"}}
	if status, loc, _ := f.post(t, b, page+"/pickup-right", barge); status != http.StatusSeeOther || !strings.HasSuffix(loc, "?done=PickupUpdate") {
		t.Fatalf("update to a barge: %d to %q", status, loc)
	}
	_, body = f.page(t, b, page)
	if !strings.Contains(body, "Barge Rhine Star 02312345") || !strings.Contains(body, `value="Barge" checked`) || !strings.Contains(body, `value="V42"`) {
		t.Errorf("the page does not show the barge")
	}
	revoke := url.Values{"releaseId": {id}, "action": {"Revoke"}}
	if status, _, _ := f.post(t, b, page+"/pickup-right", revoke); status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", status)
	}
	status, _, body := f.post(t, b, page+"/pickup-right", barge)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `class="notvalidated"`) {
		t.Errorf("an update without a Pick-up Right: %d, want 422 with the platform's text", status)
	}
	barge.Set("action", "Assign")
	barge.Set("eniNumber", "")
	barge.Set("bargeName", "")
	if status, _, _ := f.post(t, b, page+"/pickup-right", barge); status != http.StatusBadRequest {
		t.Errorf("a barge with neither name nor ENI number: %d, want 400", status)
	}
	barge.Set("eniNumber", "02312345")
	if status, _, _ := f.post(t, b, page+"/pickup-right", barge); status != http.StatusSeeOther {
		t.Errorf("assign by barge: %d", status)
	}
}

// TestCustomsPage: the customs authority looks a container up, reads its customs status and sends
// one through the service; the same status again is refused with the platform's text. Another
// company gets nothing of the container nor may it send a status.
func TestCustomsPage(t *testing.T) {
	f := newFixture(t, false)
	b := f.as(t, "customs")
	eqPage := demoContainer(t, "accepted")
	eq := eqPage[strings.LastIndex(eqPage, "/")+1:]
	if status, loc := f.get(t, b, "/console/customs?equipmentNumber="+strings.ToLower(eq)); status != http.StatusSeeOther || loc != "/console/customs/BEANR/"+eq {
		t.Fatalf("lookup: %d to %q", status, loc)
	}
	page := "/console/customs/BEANR/" + eq
	status, body := f.page(t, b, page)
	if status != http.StatusOK || !strings.Contains(body, "Customs: not released") || !strings.Contains(body, `name="status"`) {
		t.Fatalf("customs page: %d", status)
	}
	send := url.Values{"status": {"SELECTEDFORSCAN"}, "source": {"CCRM"}}
	status, loc, _ := f.post(t, b, page, send)
	if status != http.StatusSeeOther || !strings.HasSuffix(loc, "?done=CustomsStatus") {
		t.Fatalf("customs status: %d to %q", status, loc)
	}
	if _, body := f.page(t, b, loc); !strings.Contains(body, "Customs: selected for scan") || !strings.Contains(body, "Done: customs status sent.") {
		t.Errorf("the page does not show the status sent")
	}
	status, _, body = f.post(t, b, page, send)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `class="notvalidated"`) {
		t.Errorf("the same status again: %d, want 422 with the platform's text", status)
	}
	send.Set("source", "Rumour")
	if status, _, _ := f.post(t, b, page, send); status != http.StatusUnprocessableEntity {
		t.Errorf("an unknown source: %d, want 422 with the API's text", status)
	}
	// A stakeholder reads the status but is offered no form, and may not send one.
	fw := f.as(t, "forwarder1")
	if status, body := f.page(t, fw, page); status != http.StatusOK || strings.Contains(body, `name="status"`) {
		t.Errorf("the forwarder's customs page: %d", status)
	}
	if status, _, body := f.post(t, fw, page, url.Values{"status": {"RELEASED"}}); status != http.StatusUnprocessableEntity || !strings.Contains(body, `class="notvalidated"`) {
		t.Errorf("a forwarder's customs status: %d, want refused", status)
	}
	// An outsider learns nothing.
	out := f.as(t, "forwarder2")
	if status, _ := f.page(t, out, page); status != http.StatusForbidden {
		t.Errorf("an outsider's customs page: %d, want 403", status)
	}
	if status, _, _ := f.post(t, out, page, url.Values{"status": {"RELEASED"}}); status != http.StatusForbidden {
		t.Errorf("an outsider's customs status: %d, want 403", status)
	}
	if _, body := f.page(t, b, page); !strings.Contains(body, "Customs: selected for scan") {
		t.Errorf("someone else's status changed the container")
	}
}

// TestOtherCompanyGetsNothingDone: a user of another company posting the new forms to a
// container that is not its company's is answered 404 and nothing changes.
func TestOtherCompanyGetsNothingDone(t *testing.T) {
	f := newFixture(t, false)
	page := demoContainer(t, "pick-up assigned")
	_, body := f.page(t, f.as(t, "haulier1"), page)
	id := releaseIDOn(t, body)
	for _, user := range []string{"barge2", "agent2", "forwarder2"} {
		b := f.as(t, user)
		for action, form := range map[string]url.Values{
			"update":       {"releaseId": {id}, "terminalCode": {"01700"}, "vesselName": {"Hijacked"}},
			"pickup-right": {"releaseId": {id}, "action": {"Update"}, "type": {"Barge"}, "eniNumber": {"02399999"}},
		} {
			if status, _, _ := f.post(t, b, page+"/"+action, form); status != http.StatusNotFound {
				t.Errorf("%s's %s: %d, want 404", user, action, status)
			}
		}
	}
	_, after := f.page(t, f.as(t, "haulier1"), page)
	if strings.Contains(after, "Hijacked") || strings.Contains(after, "02399999") {
		t.Errorf("another company's post changed the container")
	}
}
