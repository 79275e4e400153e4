package release_test

import (
	"testing"

	"github.com/portlight/portlight/release"
)

// FuzzCheckEquipmentNumber holds CheckEquipmentNumber, which reads untrusted input (the
// equipmentNumber of every request and EDI message), to ISO 6346 for any string: it never
// panics; it accepts exactly the well-formed numbers (three capital letters, a category U, J or
// Z, six digits and a digit); for those it returns the check digit the written-out table of the
// standard gives (checkDigit), says whether the last digit is it, and a number carrying that
// digit is then valid; whatever it refuses it returns without a check digit.
func FuzzCheckEquipmentNumber(f *testing.F) {
	for _, s := range []string{
		"CSQU3054383", "MSCU1234566", "HBMU2699709", "ABCJ0000000", "XYZZ9999999", "", "MSCU12345",
		"mscu1234566", "MSCX1234566", "MSCU12345A6", "MSCU123456X", "MSCU1234566 ", "ÄBCU1234566", "MSCU１234566",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, ok, err := release.CheckEquipmentNumber(s)
		if err != nil {
			if wellFormed(s) {
				t.Fatalf("%q is a well-formed ISO 6346 number but was refused: %v", s, err)
			}
			if want != 0 || ok {
				t.Fatalf("%q refused (%v) with check digit %d, ok %v", s, err, want, ok)
			}
			return
		}
		if !wellFormed(s) {
			t.Fatalf("%q is not a well-formed ISO 6346 number but was accepted", s)
		}
		if expected := checkDigit(s); want != expected {
			t.Fatalf("%q: check digit %d, the standard's table gives %d", s, want, expected)
		}
		if ok != (int(s[10]-'0') == want) {
			t.Fatalf("%q: check digit %d, last digit %c, but ok is %v", s, want, s[10], ok)
		}
		fixed := s[:10] + string(rune('0'+want))
		if w, ok, err := release.CheckEquipmentNumber(fixed); err != nil || !ok || w != want {
			t.Fatalf("%q with its check digit (%q): %d %v %v", s, fixed, w, ok, err)
		}
	})
}

// wellFormed says, independently of the core, whether s has the shape of an ISO 6346 number.
func wellFormed(s string) bool {
	if len(s) != 11 {
		return false
	}
	for i := 0; i < 11; i++ {
		c := s[i]
		switch {
		case i < 3 && (c < 'A' || c > 'Z'):
			return false
		case i == 3 && c != 'U' && c != 'J' && c != 'Z':
			return false
		case i > 3 && (c < '0' || c > '9'):
			return false
		}
	}
	return true
}
