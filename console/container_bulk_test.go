package console

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/sandbox"
)

// rowRe finds the bulk checkbox of a row of "My containers": its value, and whether it is ticked.
var rowRe = regexp.MustCompile(`name="row" value="([^"]+)" id="[^"]+" hx-preserve="true" aria-label="[^"]+"( checked)?`)

// listRows returns the rows of the list at path, ticked ones apart.
func (f *fixture) listRows(t *testing.T, b *http.Client, path string) (ticked, others []string) {
	t.Helper()
	resp, err := b.Get(f.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, m := range rowRe.FindAllStringSubmatch(string(body), -1) {
		if m[2] != "" {
			ticked = append(ticked, m[1])
		} else {
			others = append(others, m[1])
		}
	}
	return ticked, others
}

// bulk posts a bulk action and returns the status and the page.
func (f *fixture) bulk(t *testing.T, b *http.Client, form url.Values) (int, string) {
	t.Helper()
	resp, err := b.PostForm(f.srv.URL+"/console/containers/bulk", form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, string(body)
}

// outcomeOf returns what the answer to a bulk action says of container eq.
func outcomeOf(page, eq string) string {
	i := strings.Index(page, `data-result="`+eq+`"`)
	if i < 0 {
		return ""
	}
	rest := page[i:]
	return rest[:strings.Index(rest, "</li>")]
}

// owner returns the holder of the right a row names, as stored.
func (f *fixture) owner(t *testing.T, row string) *release.Right {
	t.Helper()
	eq, id, _ := strings.Cut(row, "/")
	c, err := f.st.Container(context.Background(), sandbox.PortLoCode, eq, f.clock.now())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range c.Rights {
		if r.ReleaseID == id {
			return r
		}
	}
	t.Fatalf("no release %s", row)
	return nil
}

// TestBulkAcceptMixed: the forwarder ticks every row waiting for it and one it holds already, and
// accepts them all in one request: the waiting ones are accepted, the other is refused with the
// platform's NotValidated text, in place, and does not hold up the others.
func TestBulkAcceptMixed(t *testing.T) {
	f := newFixture(t, false)
	b := f.browser(t)
	f.signIn(t, b, "forwarder1", f.password(t, "forwarder1"))
	waiting, others := f.listRows(t, b, "/console/containers?select=waiting")
	if len(waiting) == 0 || len(others) == 0 {
		t.Fatalf("forwarder1's list: %d ticked (waiting), %d others", len(waiting), len(others))
	}
	var held string // a row forwarder1 holds with nothing pending: nothing to accept
	for _, row := range others {
		if r := f.owner(t, row); r.Owner.NxtEntityID == "NXT300000000001" && r.PendingTo == nil {
			held = row
			break
		}
	}
	if held == "" {
		t.Fatal("forwarder1 holds no release")
	}
	status, page := f.bulk(t, b, url.Values{"action": {"Accept"}, "row": append(waiting, held), "back": {"/console/containers?sort=oldest"}})
	if status != http.StatusOK {
		t.Fatalf("bulk accept: %d", status)
	}
	for _, row := range waiting {
		eq, _, _ := strings.Cut(row, "/")
		if o := outcomeOf(page, eq); !strings.Contains(o, `class="done"`) {
			t.Errorf("%s: %q, want done", eq, o)
		}
		if r := f.owner(t, row); r.Owner.NxtEntityID != "NXT300000000001" || r.PendingTo != nil {
			t.Errorf("%s not accepted: owner %s, pending %v", row, r.Owner.NxtEntityID, r.PendingTo)
		}
	}
	eq, _, _ := strings.Cut(held, "/")
	if o := outcomeOf(page, eq); !strings.Contains(o, "The platform refused this:") || !strings.Contains(o, `class="notvalidated"`) {
		t.Errorf("%s, which waits for nothing: %q, want the platform's refusal", eq, o)
	}
	if ticked, _ := f.listRows(t, b, "/console/containers?select=waiting"); len(ticked) != 0 {
		t.Errorf("still waiting after the bulk accept: %v", ticked)
	}
}

// TestBulkTransferAndForgedRows: a user of another company who posts the forwarder's rows (a
// forged form) neither acts on them nor learns anything of them; the forwarder then transfers
// them all to one haulier in one request.
func TestBulkTransferAndForgedRows(t *testing.T) {
	f := newFixture(t, false)
	fw := f.browser(t)
	f.signIn(t, fw, "forwarder1", f.password(t, "forwarder1"))
	_, rows := f.listRows(t, fw, "/console/containers")
	var held []string
	for _, row := range rows {
		if r := f.owner(t, row); r.Owner.NxtEntityID == "NXT300000000001" && r.PendingTo == nil {
			held = append(held, row)
		}
	}
	if len(held) < 2 {
		t.Fatalf("forwarder1 holds %d releases, want 2 or more", len(held))
	}
	held = held[:2]

	other := f.browser(t)
	f.signIn(t, other, "forwarder2", f.password(t, "forwarder2"))
	for _, action := range []string{"Accept", "Transfer"} {
		status, page := f.bulk(t, other, url.Values{"action": {action}, "row": held, "releaseTo": {"NXT300000000002"}})
		if status != http.StatusOK {
			t.Fatalf("forged %s: %d", action, status)
		}
		for _, row := range held {
			eq, _, _ := strings.Cut(row, "/")
			if o := outcomeOf(page, eq); !strings.Contains(o, "is not one of your company") || strings.Contains(o, `class="done"`) {
				t.Errorf("forged %s of %s: %q, want not one of the company's", action, eq, o)
			}
			if strings.Contains(page, `data-equipment="`+eq+`"`) {
				t.Errorf("forged %s: the answer shows %s of another company", action, eq)
			}
			if r := f.owner(t, row); r.Owner.NxtEntityID != "NXT300000000001" || r.PendingTo != nil {
				t.Errorf("forged %s changed %s: owner %s, pending %v", action, row, r.Owner.NxtEntityID, r.PendingTo)
			}
		}
	}

	status, page := f.bulk(t, fw, url.Values{"action": {"Transfer"}, "row": held, "releaseTo": {"NXT400000000001"}})
	if status != http.StatusOK {
		t.Fatalf("bulk transfer: %d", status)
	}
	for _, row := range held {
		eq, _, _ := strings.Cut(row, "/")
		if o := outcomeOf(page, eq); !strings.Contains(o, `class="done"`) {
			t.Errorf("transfer of %s: %q, want done", eq, o)
		}
		if r := f.owner(t, row); r.PendingTo == nil || r.PendingTo.NxtEntityID != "NXT400000000001" {
			t.Errorf("%s not pending to the haulier: %+v", row, r.PendingTo)
		}
	}
	// Nothing ticked, or an action the list does not offer: a clear error, nothing sent.
	if status, page := f.bulk(t, fw, url.Values{"action": {"Accept"}}); status != http.StatusBadRequest || !strings.Contains(page, "Tick from 1 to 100 rows first.") {
		t.Errorf("nothing ticked: %d", status)
	}
	if status, _ := f.bulk(t, fw, url.Values{"action": {"Revoke"}, "row": held}); status != http.StatusBadRequest {
		t.Errorf("a Revoke in bulk: %d, want 400", status)
	}
}
