package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/portlight/portlight/client"
)

var timestamp7 = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$`)

// got is one pulled notification, checked and summarised.
type got struct {
	item client.Notification
	env  client.Envelope
	body map[string]any
}

// summary renders a notification in one line: "Type Event detail".
func (g got) summary() string {
	var detail string
	switch {
	case g.env.Event == "NotValidated":
		var msg string
		_ = json.Unmarshal(g.env.Body, &msg)
		detail = msg
	case g.env.Event == "ReleaseLightChanged":
		detail = fmt.Sprintf("%v:%v->%v", g.body["greenLightName"], orNull(g.body["originalValue"]), g.body["newValue"])
	case g.env.Type == "ReleaseRight" && g.body["releaseFrom"] != nil:
		detail = fmt.Sprintf("%v %v->%v", g.body["actionType"], party(g.body["releaseFrom"]), party(g.body["releaseTo"]))
	case g.body["actionType"] != nil:
		detail = fmt.Sprint(g.body["actionType"])
	}
	return strings.TrimSpace(g.env.Type + " " + g.env.Event + " " + detail)
}

func orNull(v any) any {
	if v == nil {
		return "null"
	}
	return v
}

func party(v any) string {
	m, _ := v.(map[string]any)
	s, _ := m["nxtEntityId"].(string)
	return s
}

// step is the outcome of one call: its receipt and what every party pulls for it.
type step struct {
	receipt client.Receipt
	eq      string
	sender  string
	extRef  string
	got     map[string][]got
}

// pullStep pulls, as every party, the notifications of one publicReferenceId and checks every
// field of the envelope and of the pull item. A party that got nothing must be refused (403)
// while anyone got something (pullEveryone).
func pullStep(t *testing.T, n *node, receipt client.Receipt, sender, eq, extRef string) *step {
	t.Helper()
	s := &step{receipt: receipt, eq: eq, sender: sender, extRef: extRef, got: map[string][]got{}}
	for id, items := range pullEveryone(t, n, receipt.PublicReferenceID) {
		for _, it := range items {
			s.got[id] = append(s.got[id], checkItem(t, id, it, s))
		}
	}
	return s
}

// pullEveryone pulls, as every party, the notifications of one publicReferenceId. Each answer is
// the party's own (200), a refusal because they went to others only (403, with the seed's header
// and empty object), or "nothing matches" (405) — and that only when nobody was told anything:
// a 405 next to another party's 200 means the pull no longer tells another company's
// notifications from none at all (the client takes a 405 for an empty result, so a lost 403
// would otherwise pass unseen).
func pullEveryone(t *testing.T, n *node, publicReferenceID string) map[string][]client.Notification {
	t.Helper()
	out := map[string][]client.Notification{}
	var found, nothing []string
	for _, id := range everyone {
		items, status := pullAs(t, n.party(t, id), id, publicReferenceID)
		switch status {
		case http.StatusOK:
			out[id] = items
			found = append(found, id)
		case http.StatusMethodNotAllowed:
			nothing = append(nothing, id)
		}
	}
	if len(found) > 0 && len(nothing) > 0 {
		t.Errorf("pull of %s: %v got notifications, but %v got 405 (nothing matches) instead of 403", publicReferenceID, found, nothing)
	}
	return out
}

// pullAs pulls, as party id, the notifications of a publicReferenceId and returns them with the
// status: 200 with at least one item, 403 in the seed's shape, or 405 with none; anything else
// fails the test.
func pullAs(t *testing.T, c *client.Client, id, publicReferenceID string) ([]client.Notification, int) {
	t.Helper()
	items, resp, err := c.Notifications(bg(), url.Values{"publicReferenceId": {publicReferenceID}})
	switch {
	case resp != nil && resp.Status == http.StatusForbidden:
		if resp.Header.Get("WWW-Authenticate") != `Bearer error="invalid_token"` || strings.TrimSpace(string(resp.Body)) != "{}" {
			t.Errorf("%s: 403 without the seed's header and empty object: %q %q", id, resp.Header.Get("WWW-Authenticate"), resp.Body)
		}
		return nil, http.StatusForbidden
	case err != nil:
		t.Fatalf("%s pulls %s: %v", id, publicReferenceID, err)
	case resp.Status == http.StatusOK && len(items) > 0, resp.Status == http.StatusMethodNotAllowed && len(items) == 0:
		return items, resp.Status
	}
	t.Fatalf("%s pulls %s: %d with %d items", id, publicReferenceID, resp.Status, len(items))
	return nil, 0
}

// checkItem checks one notification field by field against the seeds' envelope.
func checkItem(t *testing.T, receiver string, it client.Notification, s *step) got {
	t.Helper()
	env, err := it.Envelope()
	if err != nil {
		t.Fatalf("message of %s is not JSON: %v\n%s", receiver, err, it.Message)
	}
	g := got{item: it, env: env}
	_ = json.Unmarshal(env.Body, &g.body)
	where := fmt.Sprintf("%s %s/%s", receiver, env.Type, env.Event)
	check := func(ok bool, format string, args ...any) {
		if !ok {
			t.Errorf(where+": "+format, args...)
		}
	}
	check(env.AssetID == "00000000-0000-0001-0000-000000000037", "assetId %q", env.AssetID)
	check(env.PublicReferenceID == s.receipt.PublicReferenceID, "publicReferenceId %q", env.PublicReferenceID)
	check(env.ReceiverID == receiver, "receiverId %q", env.ReceiverID)
	check(env.SenderID == nil, "senderId %v, the seeds show null", env.SenderID)
	check(timestamp7.MatchString(env.Timestamp), "timestamp %q has not 7 fractional digits", env.Timestamp)
	check(env.Errors != nil && len(env.Errors) == 0, "errors %v", env.Errors)
	check(env.Warnings != nil && len(env.Warnings) == 0, "warnings %v", env.Warnings)
	if env.Event != "ReleaseRightsList" {
		check(env.ID == s.eq, "id %q, want the equipment number %q", env.ID, s.eq)
	}
	wantExt := (*string)(nil)
	if receiver == s.sender && s.extRef != "" {
		wantExt = &s.extRef
	}
	check(eqPtr(env.ExternalReferenceID, wantExt), "externalReferenceId %v, want %v", deref(env.ExternalReferenceID), deref(wantExt))
	// The pull item repeats the envelope.
	check(it.NxtEntityID == receiver && it.Type == env.Type && it.Event == env.Event && it.PublicReferenceID == env.PublicReferenceID,
		"pull item %+v does not match its message", it)
	check(eqPtr(it.ExternalReferenceID, env.ExternalReferenceID), "pull item externalReferenceId differs")
	check(it.EquipmentNumber == env.ID, "pull item equipmentNumber %q", it.EquipmentNumber)
	check(timestamp7.MatchString(it.StoredOn), "storedOn %q", it.StoredOn)
	if id, ok := g.body["releaseId"].(string); ok {
		check(it.ReleaseID == id, "pull item releaseId %q, body %q", it.ReleaseID, id)
	}
	return g
}

func eqPtr(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func deref(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// expect compares what each party pulled with want (party -> summaries in order); parties not
// in want must have pulled nothing.
func (s *step) expect(t *testing.T, want map[string][]string) {
	t.Helper()
	for _, id := range everyone {
		var have []string
		for _, g := range s.got[id] {
			have = append(have, g.summary())
		}
		if !slices.Equal(have, want[id]) {
			t.Errorf("%s pulled:\n  %s\nwant:\n  %s", id, strings.Join(have, "\n  "), strings.Join(want[id], "\n  "))
		}
	}
}

// only returns the single notification party pulled, for body checks.
func (s *step) only(t *testing.T, party string, event string) got {
	t.Helper()
	for _, g := range s.got[party] {
		if g.env.Event == event {
			return g
		}
	}
	t.Fatalf("%s got no %s", party, event)
	return got{}
}
