package edi

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/portlight/portlight/edi/edifact"
)

// TestAperak holds the APERAK of an accepted, an acknowledged-and-ignored, a refused and a
// partly rejected message against the exact interchange, and reads it back.
func TestAperak(t *testing.T) {
	ic := &edifact.Interchange{Sender: edifact.Party{ID: "TERMINAL0100", Qualifier: "ZZZ"}, ControlRef: "CD9"}
	outcomes := []MessageOutcome{
		{Ref: "1", Type: "CODECO", PublicReferenceID: "p-1"},
		{Ref: "2", Type: "CODECO", PublicReferenceID: "p-2", Ignored: "a gate-in report"},
		{Ref: "3", Type: "CUSCAR", PublicReferenceID: "p-3", Refused: "CUSCAR is not taken yet"},
		{Ref: "4", Type: "COARRI", PublicReferenceID: "p-4", Rejections: []Rejection{{"MSCU1234565", "No Release Right found for MSCU1234565 at terminal 0100; it's unknown."}}},
	}
	r := edifact.Reply{From: edifact.Party{ID: "PORTLIGHT", Qualifier: "ZZZ"}, ControlRef: "AP1", At: time.Date(2026, 12, 6, 10, 16, 0, 0, time.UTC)}
	got := string(Aperak(ic, outcomes, r))
	want := "UNB+UNOC:3+PORTLIGHT:ZZZ+TERMINAL0100:ZZZ+261206:1016+AP1'" +
		"UNH+1+APERAK:D:95B:UN'BGM+312+p-1+29'DTM+137:202612061016:203'RFF+ACW:1'NAD+MS+PORTLIGHT::ZZZ'NAD+MR+TERMINAL0100::ZZZ'UNT+7+1'" +
		"UNH+2+APERAK:D:95B:UN'BGM+312+p-2+29'DTM+137:202612061016:203'RFF+ACW:2'NAD+MS+PORTLIGHT::ZZZ'NAD+MR+TERMINAL0100::ZZZ'FTX+AAI+++a gate-in report'UNT+8+2'" +
		"UNH+3+APERAK:D:95B:UN'BGM+312+p-3+27'DTM+137:202612061016:203'RFF+ACW:3'NAD+MS+PORTLIGHT::ZZZ'NAD+MR+TERMINAL0100::ZZZ'ERC+REFUSED::ZZZ'FTX+AAO+++CUSCAR is not taken yet'UNT+9+3'" +
		"UNH+4+APERAK:D:95B:UN'BGM+312+p-4+27'DTM+137:202612061016:203'RFF+ACW:4'NAD+MS+PORTLIGHT::ZZZ'NAD+MR+TERMINAL0100::ZZZ'ERC+NOTVALID::ZZZ'FTX+AAO+++MSCU1234565?: No Release Right found for MSCU1234565 at terminal 0100;:it?'s unknown.'UNT+9+4'" +
		"UNZ+4+AP1'"
	if got != want {
		t.Errorf("APERAK:\n%s\nwant\n%s", got, want)
	}
	back, err := edifact.Parse([]byte(got))
	if err != nil {
		t.Fatalf("the APERAK does not read: %v", err)
	}
	if len(back.Messages) != 4 || back.Messages[3].Segments[len(back.Messages[3].Segments)-1].Value(3, 1) != "it's unknown." {
		t.Errorf("read back: %+v", back.Messages)
	}
}

// TestText: free text is cut into at most five parts of 70 characters, at spaces where it can be.
func TestText(t *testing.T) {
	for _, s := range []string{"", "short", strings.Repeat("word ", 30), strings.Repeat("é", 500), strings.Repeat("x", 71)} {
		parts := text(s)
		if len(parts) > ftxParts {
			t.Errorf("%d parts", len(parts))
		}
		for _, p := range parts {
			if n := utf8.RuneCountInString(p); n > ftxPart || n == 0 {
				t.Errorf("part of %d characters: %q", n, p)
			}
		}
		if joined := strings.Join(parts, " "); len(s) < 300 && strings.Join(strings.Fields(joined), "") != strings.Join(strings.Fields(s), "") {
			t.Errorf("text(%q) lost something: %q", s, parts)
		}
	}
}
