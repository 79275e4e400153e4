package e2e

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portlight/portlight/client"
	"github.com/portlight/portlight/edi"
	"github.com/portlight/portlight/edi/edifact"
)

// interchange writes an interchange from sender holding messages, each its UNH identifier and
// its segments between UNH and UNT.
func interchange(sender string, messages ...ediMessage) []byte {
	w := edifact.NewWriter()
	w.Write(edifact.Seg("UNB", edifact.E("UNOC", "3"), edifact.E(sender, "ZZZ"), edifact.E("PORTLIGHT", "ZZZ"), edifact.E("261206", "0900"), edifact.E("IC1")))
	for i, m := range messages {
		ref := fmt.Sprint(i + 1)
		w.Write(edifact.Seg("UNH", edifact.E(ref), edifact.E(m.typ, "D", "95B", "UN", "SMDG")))
		w.Write(m.segments...)
		w.EndMessage(ref)
	}
	w.Write(edifact.Seg("UNZ", edifact.E(fmt.Sprint(len(messages))), edifact.E("IC1")))
	return w.Bytes()
}

type ediMessage struct {
	typ      string
	segments []edifact.Segment
}

var (
	seg = edifact.Seg
	el  = edifact.E
)

// coreor is a COREOR of function (9 original, 5 replacement, 1 cancellation) releasing eq at
// terminal 0100 with bill of lading BL1, release R1, stay S1, and release-to party releaseTo
// when not empty.
func coreor(function, eq, releaseTo string) ediMessage {
	segs := []edifact.Segment{seg("BGM", el("129"), el("RO-"+eq), el(function)), seg("RFF", el("RE", "R1")), seg("RFF", el("ATZ", "S1"))}
	if releaseTo != "" {
		segs = append(segs, seg("NAD", el("FW"), el(releaseTo, "NxtEntityId")))
	}
	segs = append(segs, seg("EQD", el("CN"), el(eq), el("45G1", "102", "5"), nil, nil, el("5")),
		seg("RFF", el("BM", "BL1")), seg("LOC", el("9"), el("BEANR", "139", "6"), el("0100", "TER", "ZZZ")))
	return ediMessage{"COREOR", segs}
}

// terminalReport is a COARRI (document 98, discharge) or CODECO (36, gate-out) of eq at terminal 0100.
func terminalReport(typ, document, eq string) ediMessage {
	return ediMessage{typ, []edifact.Segment{seg("BGM", el(document), el(typ+"-"+eq), el("9")), seg("RFF", el("ATZ", "S1")),
		seg("EQD", el("CN"), el(eq), el("45G1", "102", "5")), seg("LOC", el("165"), el("BEANR", "139", "6"), el("0100", "TER", "ZZZ"))}}
}

// sendEDI posts an interchange as sender and returns the gateway's answer (status 202 expected).
func (w world) sendEDI(sender string, body []byte) edi.InterchangeAnswer {
	w.t.Helper()
	resp, err := w.n.party(w.t, sender).Interchange(bg(), "BEANR", body, "")
	if err != nil {
		w.t.Fatal(err)
	}
	if resp.Status != 202 {
		w.t.Fatalf("interchange of %s answered %d: %s", sender, resp.Status, resp.Body)
	}
	var a edi.InterchangeAnswer
	if err := json.Unmarshal(resp.Body, &a); err != nil {
		w.t.Fatal(err)
	}
	return a
}

// ediStep sends one message as sender and returns what everyone pulled for it.
func (w world) ediStep(sender, eq string, m ediMessage) *step {
	w.t.Helper()
	a := w.sendEDI(sender, interchange(sender, m))
	if len(a.Messages) != 1 || a.Messages[0].Status != edi.StatusAccepted {
		w.t.Fatalf("%s: %+v", m.typ, a.Messages)
	}
	return pullStep(w.t, w.n, client.Receipt{PublicReferenceID: a.Messages[0].PublicReferenceID}, sender, eq, "")
}

// told is what each party pulled for a step, with the container's number written as "EQ".
func told(s *step) map[string][]string {
	out := map[string][]string{}
	for id, items := range s.got {
		for _, g := range items {
			out[id] = append(out[id], strings.ReplaceAll(g.summary(), s.eq, "EQ"))
		}
		slices.Sort(out[id])
	}
	return out
}

// TestEDIOneContainerEveryDoor: one container meets every door — a COREOR release, an API
// release-to and transfers, a COARRI discharge, a customs release by API, a pick-up assignment and a
// CODECO gate-out — and every party is told, step by step, what the API-only flow tells of another.
func TestEDIOneContainerEveryDoor(t *testing.T) {
	w := world{t, startNode(t, t.TempDir())}
	viaAPI, viaEDI := newContainer(t), newContainer(t)
	same := func(what string, api, mixed *step) {
		t.Helper()
		if a, m := fmt.Sprint(told(api)), fmt.Sprint(told(mixed)); a != m {
			t.Errorf("%s: through the API everyone was told\n %s\nwith EDIFACT\n %s", what, a, m)
		}
		if len(api.got) == 0 {
			t.Errorf("%s: nobody was told anything", what)
		}
	}
	both := func(what string, do func(eq string) *step) {
		t.Helper()
		same(what, do(viaAPI), do(viaEDI))
	}
	key := func(eq, action string, from, to any) map[string]any {
		return rightBody(action, eq, "BL1", "R1", "0100", from, to)
	}

	same("release", w.ingest(SA1, viaAPI, "", ingestBody("Release", viaAPI, "BL1", "R1", "0100", map[string]any{"stayNumber": "S1", "equipmentType": "45G1"})),
		w.ediStep(SA1, viaEDI, coreor("9", viaEDI, "")))
	both("release-to by API", func(eq string) *step { return w.right(SA1, eq, "", key(eq, "Transfer", ref(SA1), ref(RP1))) })
	both("accept", func(eq string) *step { return w.right(RP1, eq, "", key(eq, "Accept", ref(SA1), ref(RP1))) })
	both("transfer", func(eq string) *step { return w.right(RP1, eq, "", key(eq, "Transfer", ref(RP1), ref(TR1))) })
	both("accept by the haulier", func(eq string) *step { return w.right(TR1, eq, "", key(eq, "Accept", ref(RP1), ref(TR1))) })
	same("discharge", w.terminal(TO1, viaAPI, map[string]any{"actionType": "Discharge", "terminalCode": "0100", "stayNumber": "S1"}),
		w.ediStep(TO1, viaEDI, terminalReport("COARRI", "98", viaEDI)))
	both("terminal release", func(eq string) *step {
		return w.terminal(TO1, eq, map[string]any{"actionType": "Release", "terminalCode": "0100"})
	})
	both("customs release", func(eq string) *step {
		return w.customs(CU, eq, map[string]any{"status": "RELEASED", "source": "CCRM"})
	})
	both("pick-up right", func(eq string) *step {
		return w.pickup(TR1, eq, map[string]any{"actionType": "Assign", "equipmentNumber": eq, "billOfLadingNumbers": []string{"BL1"},
			"releaseIdentification": "R1", "portLoCode": "BEANR", "terminalCode": "0100",
			"meansOfTransport": map[string]any{"type": "Barge", "barge": map[string]any{"name": "Rhenus 7", "eniNumber": "02331234", "visitNumber": "V1"}}})
	})
	same("gate-out", w.terminal(TO1, viaAPI, map[string]any{"actionType": "GateOut", "terminalCode": "0100"}),
		w.ediStep(TO1, viaEDI, terminalReport("CODECO", "36", viaEDI)))
}

// TestEDIAnswers: a syntax fault refuses the whole interchange with a CONTRL and applies nothing;
// otherwise each message stands on its own (a refused one never blocks the others), a company may
// send only the messages of its roles, and the APERAK tells the sender, and only the sender, what
// came of each message.
func TestEDIAnswers(t *testing.T) {
	w := world{t, startNode(t, t.TempDir())}
	eq, other, unknownTo := newContainer(t), newContainer(t), newContainer(t)
	sa := w.n.party(t, SA1)
	// The agent's EDI channel gets the APERAK pushed; its JSON channel, without a type filter, not.
	ediHook, jsonHook := newHook(t, nil), newHook(t, nil)
	createChannel(t, sa, map[string]any{"name": "EDI", "url": ediHook.URL, "types": []string{"EDI"}})
	createChannel(t, sa, map[string]any{"name": "ERP", "url": jsonHook.URL})

	// A wrong UNT count: 400, a CONTRL naming code 29, and nothing of the interchange applied.
	broken := strings.Replace(string(interchange(SA1, coreor("9", eq, RP1))), "UNT+9+1'", "UNT+8+1'", 1)
	resp, err := sa.Interchange(bg(), "BEANR", []byte(broken), "")
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 400 || !strings.Contains(string(resp.Body), "UCM+1+COREOR:D:95B:UN+4+29+UNT'") || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/edifact") {
		t.Errorf("broken interchange: %d %s %q", resp.Status, resp.Body, resp.Header.Get("Content-Type"))
	}
	if _, resp, _ := sa.Notifications(bg(), url.Values{"equipmentNumber": {eq}}); resp == nil || resp.Status != 405 {
		t.Errorf("after a refused interchange the container has notifications: %v", resp)
	}
	if resp, _ := sa.Interchange(bg(), "BEANR", []byte("\x89PNG\r\n\x1a\n"), ""); resp.Status != 400 || !strings.Contains(string(resp.Body), "UCI++UNKNOWN++4+22'") {
		t.Errorf("binary junk: %d %s", resp.Status, resp.Body)
	}

	// Good and bad messages in one interchange: a CUSCAR (not taken), a release, an update of a
	// release nobody made, and a release to a party the registry does not know.
	a := w.sendEDI(SA1, interchange(SA1,
		ediMessage{"CUSCAR", []edifact.Segment{seg("BGM", el("85"), el("C1"), el("9"))}},
		coreor("9", eq, RP1), coreor("5", other, ""), coreor("9", unknownTo, "NXT999999999999")))
	statuses := []string{}
	for _, m := range a.Messages {
		statuses = append(statuses, m.MessageType+":"+m.Status)
	}
	if fmt.Sprint(statuses) != "[CUSCAR:Refused COREOR:Accepted COREOR:Accepted COREOR:Accepted]" || a.PublicReferenceID == "" {
		t.Fatalf("answer: %+v", a)
	}
	released := pullStep(t, w.n, client.Receipt{PublicReferenceID: a.Messages[1].PublicReferenceID}, SA1, eq, "")
	released.expect(t, map[string][]string{
		SA1: {created, "ReleaseRight Transferred Transfer " + SA1 + "->" + RP1},
		TO1: {created},
		RP1: {created, "ReleaseRight Transferred Transfer " + SA1 + "->" + RP1},
	})
	notFound := pullStep(t, w.n, client.Receipt{PublicReferenceID: a.Messages[2].PublicReferenceID}, SA1, other, "")
	reason := notFound.only(t, SA1, "NotValidated")
	pullStep(t, w.n, client.Receipt{PublicReferenceID: a.Messages[3].PublicReferenceID}, SA1, unknownTo, "").
		expect(t, map[string][]string{SA1: {created}, TO1: {created}})

	resp, err = sa.Aperak(bg(), "BEANR", a.PublicReferenceID)
	if err != nil || resp.Status != 200 {
		t.Fatalf("APERAK: %v %v", err, resp)
	}
	aperak, err := edifact.Parse(resp.Body)
	if err != nil || len(aperak.Messages) != 4 {
		t.Fatalf("the APERAK does not read: %v\n%s", err, resp.Body)
	}
	var notValid string
	_ = json.Unmarshal(reason.env.Body, &notValid)
	wantText := []string{"ERC+REFUSED::ZZZ", "BGM+312+" + a.Messages[1].PublicReferenceID + "+29'", "ERC+NOTVALID::ZZZ", "release-to party NxtEntityId NXT999999999999 is not"}
	for _, want := range wantText {
		if !strings.Contains(string(resp.Body), want) {
			t.Errorf("APERAK lacks %q:\n%s", want, resp.Body)
		}
	}
	if got := aperak.Messages[2].Segments; !strings.Contains(fmt.Sprint(got), strings.Fields(notValid)[0]) {
		t.Errorf("APERAK of the update does not carry the NotValidated text %q: %v", notValid, got)
	}
	// The APERAK is the sender's alone; an unknown one is 404.
	if resp, _ := w.n.party(t, SA2).Aperak(bg(), "BEANR", a.PublicReferenceID); resp.Status != 403 {
		t.Errorf("another company's APERAK: %d %s", resp.Status, resp.Body)
	}
	if resp, _ := sa.Aperak(bg(), "BEANR", "0193a1c4-0000-7000-8000-000000000000"); resp.Status != 404 {
		t.Errorf("unknown APERAK: %d %s", resp.Status, resp.Body)
	}
	pulled, _, err := sa.Notifications(bg(), url.Values{"notificationEvent": {"APERAK"}, "publicReferenceId": {a.PublicReferenceID}})
	if err != nil || len(pulled) != 1 || pulled[0].Type != "EDI" {
		t.Errorf("APERAK pulled as a notification: %v %+v", err, pulled)
	}
	waitIdle(t, w.n, 30*time.Second)
	var pushed []string
	for _, d := range ediHook.received() {
		pushed = append(pushed, d.env.Type+"/"+d.env.Event)
		if d.env.Event == "APERAK" && d.env.PublicReferenceID != a.PublicReferenceID {
			t.Errorf("APERAK pushed under %s, want %s", d.env.PublicReferenceID, a.PublicReferenceID)
		}
	}
	if fmt.Sprint(pushed) != "[EDI/APERAK]" {
		t.Errorf("the EDI channel got %v, want the APERAK alone", pushed)
	}
	for _, d := range jsonHook.received() {
		if d.env.Type == "EDI" {
			t.Errorf("a channel without a type filter got an EDI notification")
		}
	}
	if len(jsonHook.received()) == 0 {
		t.Errorf("the JSON channel got nothing of the release")
	}

	// Another agent's replacement of this release is the core's "not found": the release stays.
	b := w.sendEDI(SA2, interchange(SA2, coreor("5", eq, "")))
	theirs := pullStep(t, w.n, client.Receipt{PublicReferenceID: b.Messages[0].PublicReferenceID}, SA2, eq, "")
	theirs.expect(t, map[string][]string{SA2: nv("ReleaseLight", "Could not find release right for unique key "+eq+", BL1, R1")})

	// An interchange over the documented bound is refused before it is read.
	big := make([]byte, edi.MaxInterchangeBytes+1)
	if resp, err := sa.Interchange(bg(), "BEANR", big, ""); err != nil || resp.Status != 400 || !strings.Contains(string(resp.Body), "larger than") {
		t.Errorf("oversized interchange: %v %d %.200s", err, resp.Status, resp.Body)
	}

	// A company sends only the messages of its roles: a terminal's COREOR, an agent's CODECO.
	for _, c := range []struct {
		sender string
		m      ediMessage
	}{{TO1, coreor("9", newContainer(t), "")}, {SA1, terminalReport("CODECO", "36", eq)}} {
		a := w.sendEDI(c.sender, interchange(c.sender, c.m))
		if a.Messages[0].Status != edi.StatusRefused || a.Messages[0].Reason == "" {
			t.Errorf("%s sending %s: %+v", c.sender, c.m.typ, a.Messages[0])
		}
	}
}
