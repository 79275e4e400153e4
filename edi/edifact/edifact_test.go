package edifact

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portlight/portlight/internal/golden"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the expected output of edi/edifact/testdata/*.golden")

// reply is the answering side of every golden CONTRL.
var reply = Reply{From: Party{ID: "PORTLIGHT", Qualifier: "ZZZ"}, ControlRef: "PL0001", At: time.Date(2026, 12, 6, 8, 16, 0, 0, time.UTC)}

// TestGolden parses every testdata/*.edi and holds what came of it (the messages and their
// segments, or the fault and its CONTRL) against testdata/*.golden; -rewrite writes them anew.
func TestGolden(t *testing.T) {
	for _, file := range golden.Inputs(t, "testdata/*.edi") {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := dump(data)
			golden.Check(t, file, got, *rewrite)
			if broken := strings.HasPrefix(filepath.Base(file), "broken_"); broken != strings.HasPrefix(got, "fault") {
				t.Errorf("%s: a file named broken_ must fail, and only those", file)
			}
		})
	}
}

// dump is what the golden files hold.
func dump(data []byte) string {
	var b strings.Builder
	ic, err := Parse(data)
	if err != nil {
		var fault *Error
		if !errors.As(err, &fault) {
			return "not a syntax error: " + err.Error() + "\n"
		}
		fmt.Fprintf(&b, "fault %s tag=%s segment=%d element=%d message=%s\n  %s\n", fault.Code, fault.Tag, fault.Segment, fault.Element, fault.MessageRef, fault.Text)
		fmt.Fprintf(&b, "contrl %s\n", Contrl(ic, fault, reply))
		return b.String()
	}
	fmt.Fprintf(&b, "interchange %s from %s:%s to %s:%s level %s:%s prepared %s test=%v\n", ic.ControlRef,
		ic.Sender.ID, ic.Sender.Qualifier, ic.Recipient.ID, ic.Recipient.Qualifier, ic.SyntaxLevel, ic.SyntaxVersion, ic.Prepared, ic.Test)
	for _, g := range ic.Groups {
		fmt.Fprintf(&b, "group %s of %s\n", g.Ref, g.ID)
	}
	for _, m := range ic.Messages {
		fmt.Fprintf(&b, "message %s %s %s %s %s group=%s at segment %d\n", m.Ref, m.Type, m.Directory(), m.Agency, m.Association, m.GroupRef, m.Position)
		for _, s := range m.Segments {
			fmt.Fprintf(&b, "  %d %s", s.Position, s.Tag)
			for _, el := range s.Elements {
				fmt.Fprintf(&b, " [%s]", strings.Join(el, "|"))
			}
			b.WriteString("\n")
		}
	}
	fmt.Fprintf(&b, "contrl %s\n", Contrl(ic, nil, reply))
	return b.String()
}

// TestReleaseCharacter: every service character written with the release character before it is
// read as data, and the Writer releases what needs it, so values come back as they went.
func TestReleaseCharacter(t *testing.T) {
	values := []string{"a+b", "a:b", "it's", "why?", "?+:'", "", "plain", "Café"}
	w := NewWriter()
	w.Write(Seg("UNB", E(LevelC, "3"), E("S"), E("R"), E("261206", "0815"), E("REF")))
	w.Write(Seg("UNH", E("1"), E("CODECO", "D", "95B", "UN")))
	for _, v := range values {
		w.Write(Seg("FTX", E("AAI"), E(), E(), E(v, v)))
	}
	w.EndMessage("1")
	w.Write(Seg("UNZ", E("1"), E("REF")))
	ic, err := Parse(w.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, w.Bytes())
	}
	segs := ic.Messages[0].Segments
	if len(segs) != len(values) {
		t.Fatalf("%d segments, want %d", len(segs), len(values))
	}
	for i, v := range values {
		if got := segs[i].Value(3, 0); got != v {
			t.Errorf("value %d: got %q, want %q", i, got, v)
		}
	}
}

// TestLatin1: under UNOC a byte above 0x7F is the ISO 8859-1 character of that number.
func TestLatin1(t *testing.T) {
	data := []byte("UNB+UNOC:3+S+R+261206:0815+R1'UNH+1+CODECO:D:95B:UN'FTX+AAI+++Caf\xe9 \xdcber \xa0x'UNT+3+1'UNZ+1+R1'")
	ic, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if got := ic.Messages[0].Segments[0].Value(3, 0); got != "Café Über \u00a0x" {
		t.Errorf("got %q", got)
	}
	for _, level := range []string{LevelA, LevelB} {
		_, err := Parse(bytes.Replace(data, []byte(LevelC), []byte(level), 1))
		var fault *Error
		if !errors.As(err, &fault) || fault.Code != CodeInvalidCharacter {
			t.Errorf("%s with a Latin-1 byte: %v, want code %s", level, err, CodeInvalidCharacter)
		}
	}
}

// TestFaults names the fault of each way an interchange can be broken that the golden files do
// not show.
func TestFaults(t *testing.T) {
	const (
		unb = "UNB+UNOA:2+S+R+261206:0815+R1'"
		msg = "UNH+1+CODECO:D:95B:UN'BGM+36'UNT+3+1'"
	)
	cases := []struct {
		name string
		in   string
		code Code
		tag  string
	}{
		{"empty", "", CodeMissing, "UNB"},
		{"only line breaks", "\r\n\r\n", CodeMissing, "UNB"},
		{"UNA cut short", "UNA:+", CodeMissing, "UNA"},
		{"UNA repeats a separator", "UNA::.? '" + unb + msg + "UNZ+1+R1'", CodeServiceCharacter, "UNA"},
		{"UNA with a letter", "UNA:+.?X'" + unb + msg + "UNZ+1+R1'", CodeServiceCharacter, "UNA"},
		{"UNA decimal mark", "UNA:+;? '" + unb + msg + "UNZ+1+R1'", CodeInvalidDecimal, "UNA"},
		{"starts with UNH", msg + "UNZ+1+R1'", CodeServiceTag, ""},
		{"no syntax identifier", "UNB++S+R+261206:0815+R1'" + msg + "UNZ+1+R1'", CodeMissing, "UNB"},
		{"syntax version 9", "UNB+UNOA:9+S+R+261206:0815+R1'" + msg + "UNZ+1+R1'", CodeSyntaxLevel, "UNB"},
		{"no sender", "UNB+UNOA:2++R+261206:0815+R1'" + msg + "UNZ+1+R1'", CodeMissing, "UNB"},
		{"no control reference", "UNB+UNOA:2+S+R+261206:0815'" + msg + "UNZ+1+R1'", CodeMissing, "UNB"},
		{"no message", unb + "UNZ+0+R1'", CodeLowerLevelEmpty, "UNZ"},
		{"UNZ count not a number", unb + msg + "UNZ+one+R1'", CodeInvalidValue, "UNZ"},
		{"UNZ reference", unb + msg + "UNZ+1+R2'", CodeReferences, "UNZ"},
		{"segment after UNZ", unb + msg + "UNZ+1+R1'BGM+1'", CodeOutside, "BGM"},
		{"UNH without UNT", unb + "UNH+1+CODECO:D:95B:UN'BGM+36'UNZ+1+R1'", CodeMissing, "UNT"},
		{"UNH inside a message", unb + "UNH+1+CODECO:D:95B:UN'UNH+2+CODECO:D:95B:UN'UNT+2+2'UNZ+2+R1'", CodeMissing, "UNT"},
		{"UNT without UNH", unb + msg + "UNT+2+1'UNZ+1+R1'", CodeOutside, "UNT"},
		{"UNH names no type", unb + "UNH+1'UNT+2+1'UNZ+1+R1'", CodeMissing, "UNH"},
		{"groups and messages mixed", unb + msg + "UNG+CODECO+S+R+261206:0815+G1+UN+D:95B'UNH+2+CODECO:D:95B:UN'UNT+2+2'UNE+1+G1'UNZ+2+R1'", CodeMixed, "UNG"},
		{"message after a group", unb + "UNG+CODECO+S+R+261206:0815+G1+UN+D:95B'" + msg + "UNE+1+G1'UNH+2+CODECO:D:95B:UN'UNT+2+2'UNZ+1+R1'", CodeMixed, "UNH"},
		{"UNE count", unb + "UNG+CODECO+S+R+261206:0815+G1+UN+D:95B'" + msg + "UNE+2+G1'UNZ+1+R1'", CodeControlCount, "UNE"},
		{"UNE reference", unb + "UNG+CODECO+S+R+261206:0815+G1+UN+D:95B'" + msg + "UNE+1+G2'UNZ+1+R1'", CodeReferences, "UNE"},
		{"empty group", unb + "UNG+CODECO+S+R+261206:0815+G1+UN+D:95B'UNE+0+G1'UNZ+1+R1'", CodeLowerLevelEmpty, "UNE"},
		{"group without UNE", unb + "UNG+CODECO+S+R+261206:0815+G1+UN+D:95B'" + msg + "UNZ+1+R1'", CodeMissing, "UNE"},
		{"UNZ counts messages of groups", unb + "UNG+CODECO+S+R+261206:0815+G1+UN+D:95B'" + msg + "UNE+1+G1'UNZ+2+R1'", CodeControlCount, "UNZ"},
		{"tag of two letters", unb + "UNH+1+CODECO:D:95B:UN'BG+36'UNT+3+1'UNZ+1+R1'", CodeInvalidValue, ""},
		{"lower-case tag", unb + "UNH+1+CODECO:D:95B:UN'bgm+36'UNT+3+1'UNZ+1+R1'", CodeInvalidValue, ""},
		{"release character at the end", unb + "UNH+1+CODECO:D:95B:UN'BGM+36?", CodeMissing, "BGM"},
		{"control character", unb + "UNH+1+CODECO:D:95B:UN'BGM+3\x006'UNT+3+1'UNZ+1+R1'", CodeInvalidCharacter, "BGM"},
		{"value too long", unb + "UNH+1+CODECO:D:95B:UN'FTX+AAI+++" + strings.Repeat("A", maxValueBytes+1) + "'UNT+3+1'UNZ+1+R1'", CodeTooLong, "FTX"},
		{"too many elements", unb + "UNH+1+CODECO:D:95B:UN'FTX" + strings.Repeat("+A", maxElements+1) + "'UNT+3+1'UNZ+1+R1'", CodeTooMany, "FTX"},
		{"too many components", unb + "UNH+1+CODECO:D:95B:UN'FTX+" + strings.Repeat("A:", maxComponents+1) + "'UNT+3+1'UNZ+1+R1'", CodeTooMany, "FTX"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.in))
			var fault *Error
			if !errors.As(err, &fault) {
				t.Fatalf("got %v, want a syntax fault %s", err, c.code)
			}
			if fault.Code != c.code || fault.Tag != c.tag {
				t.Errorf("got code %s tag %q (%v), want code %s tag %q", fault.Code, fault.Tag, fault, c.code, c.tag)
			}
		})
	}
}

// TestUNAAnySeparators: under any separators UNA declares, an interchange reads the same, and a
// released separator is data.
func TestUNAAnySeparators(t *testing.T) {
	for _, una := range []string{"UNA:+.? '", "UNA#*,! |", "UNA;=.\\ \n"} {
		d := Delimiters{Component: una[3], Element: una[4], Release: una[6], Segment: una[8]}
		r := string(d.Release)
		last := "e" // and a released segment terminator, where it is a character a value may hold
		if d.Segment >= ' ' {
			last += r + s(d)
		}
		in := una + "UNB" + e(d, "UNOB") + c(d) + "3" + e(d, "S") + e(d, "R") + e(d, "261206") + c(d) + "0815" + e(d, "R1") + s(d) +
			"UNH" + e(d, "1") + e(d, "CODECO") + c(d) + "D" + c(d) + "95B" + c(d) + "UN" + s(d) +
			"FTX" + e(d, "AAI") + e(d, "") + e(d, "") + e(d, "a"+r+string(d.Element)+"b") + c(d) + "c" + r + c(d) + "d" + r + r + e(d, last) + s(d) +
			"UNT" + e(d, "3") + e(d, "1") + s(d) + "UNZ" + e(d, "1") + e(d, "R1") + s(d)
		ic, err := Parse([]byte(in))
		if err != nil {
			t.Fatalf("under %q: %v\ninput %q", una, err, in)
		}
		ftx := ic.Messages[0].Segments[0]
		want := [][]string{{"AAI"}, {""}, {""}, {"a" + string(d.Element) + "b", "c" + c(d) + "d" + r}, {strings.ReplaceAll(last, r, "")}}
		if fmt.Sprint(ftx.Elements) != fmt.Sprint(want) || ic.ControlRef != "R1" || ic.Messages[0].Type != "CODECO" {
			t.Errorf("under %q: FTX %q, want %q", una, ftx.Elements, want)
		}
	}
}

func e(d Delimiters, v string) string { return string(d.Element) + v }
func c(d Delimiters) string           { return string(d.Component) }
func s(d Delimiters) string           { return string(d.Segment) }

// FuzzParse: whatever comes in, Parse answers without panicking; what it reads, written again
// with the Writer, reads the same.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.edi")
	for _, file := range files {
		data, _ := os.ReadFile(file)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ic, err := Parse(data)
		if err != nil {
			var fault *Error
			if !errors.As(err, &fault) {
				t.Fatalf("not a syntax fault: %v", err)
			}
			Contrl(ic, fault, reply)
			return
		}
		w := NewWriter()
		w.Write(Seg("UNB", E(LevelC, "3"), E(ic.Sender.ID, ic.Sender.Qualifier), E(ic.Recipient.ID, ic.Recipient.Qualifier), E("261206", "0815"), E(ic.ControlRef)))
		for _, m := range ic.Messages {
			w.Write(Seg("UNH", E(m.Ref), E(m.Type, m.Version, m.Release, m.Agency, m.Association)))
			w.Write(m.Segments...)
			w.EndMessage(m.Ref)
		}
		w.Write(Seg("UNZ", E(fmt.Sprint(len(ic.Messages))), E(ic.ControlRef)))
		again, err := Parse(w.Bytes())
		if err != nil {
			t.Fatalf("written again, it does not read: %v\n%q", err, w.Bytes())
		}
		for i, m := range ic.Messages {
			for j, s := range m.Segments {
				got := again.Messages[i].Segments[j]
				if got.Tag != s.Tag || fmt.Sprint(trimmed(got.Elements)) != fmt.Sprint(trimmed(s.Elements)) {
					t.Fatalf("segment %d of message %d: %v, read again %v", j, i, s.Elements, got.Elements)
				}
			}
		}
	})
}

// trimmed is elements without the empty trailing parts that the Writer leaves out.
func trimmed(elements [][]string) [][]string {
	out := make([][]string, 0, len(elements))
	for _, el := range elements {
		for len(el) > 0 && el[len(el)-1] == "" {
			el = el[:len(el)-1]
		}
		out = append(out, el)
	}
	for len(out) > 0 && len(out[len(out)-1]) == 0 {
		out = out[:len(out)-1]
	}
	return out
}
