package release_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/portlight/portlight/release"
)

// iso6346Letters is the letter table of ISO 6346, written out (A=10, and every multiple of 11
// skipped) so that the test does not share the core's way of computing it.
var iso6346Letters = map[byte]int{
	'A': 10, 'B': 12, 'C': 13, 'D': 14, 'E': 15, 'F': 16, 'G': 17, 'H': 18, 'I': 19, 'J': 20, 'K': 21, 'L': 23, 'M': 24,
	'N': 25, 'O': 26, 'P': 27, 'Q': 28, 'R': 29, 'S': 30, 'T': 31, 'U': 32, 'V': 34, 'W': 35, 'X': 36, 'Y': 37, 'Z': 38,
}

// checkDigit computes the check digit of the first 10 characters: sum of value × 2^position,
// modulo 11, and a remainder of 10 counts as 0.
func checkDigit(s string) int {
	sum := 0
	for i := 0; i < 10; i++ {
		v, ok := iso6346Letters[s[i]]
		if !ok {
			v = int(s[i] - '0')
		}
		sum += v << i
	}
	return sum % 11 % 10
}

func TestCheckEquipmentNumber(t *testing.T) {
	valid := []string{
		"CSQU3054383", // the ISO 6346 example
		"MSCU1234566",
		"MSKU9070323",
		"HBMU2699702", // the seeds' HBMU2699709 with its right check digit
		"CAIU1234561",
		"CAIU7654324",
		"ABCU1234560",
		"CMAU1000000",
		"TGHJ8593514", // category J
		"XYZZ0000005", // category Z
	}
	for _, s := range valid {
		want, ok, err := release.CheckEquipmentNumber(s)
		if err != nil || !ok {
			t.Errorf("CheckEquipmentNumber(%s) = %d, %v, %v; want valid", s, want, ok, err)
		}
		if got := checkDigit(s); got != int(s[10]-'0') || want != got {
			t.Errorf("%s: core wants %d, the table gives %d, the number carries %c", s, want, got, s[10])
		}
	}

	// The seed examples carry wrong check digits: a warning, with the digit that would be right.
	wrong := map[string]int{"HBMU2699709": 2, "CAIU1234567": 1, "CAIU7654321": 4, "MSCU1234565": 6, "CSQU3054384": 3}
	for s, digit := range wrong {
		want, ok, err := release.CheckEquipmentNumber(s)
		if err != nil || ok || want != digit {
			t.Errorf("CheckEquipmentNumber(%s) = %d, %v, %v; want %d, false, nil", s, want, ok, err, digit)
		}
	}

	bad := []struct{ in, why string }{
		{"", "11 characters"},
		{"CSQU305438", "11 characters"},
		{"CSQU30543830", "11 characters"},
		{"csqu3054383", "four capital letters"},
		{"CS1U3054383", "four capital letters"},
		{"CSQÜ054383", "four capital letters"},
		{"CSQA3054383", "category is U, J or Z"},
		{"CSQ U054383", "four capital letters"},
		{"CSQU30543X3", "six digits"},
		{"CSQU 054383", "six digits"},
		{"CSQU305438X", "check digit is a digit"},
		{"CSQU305438 ", "check digit is a digit"},
	}
	for _, c := range bad {
		_, ok, err := release.CheckEquipmentNumber(c.in)
		if err == nil || ok || !strings.Contains(err.Error(), c.why) {
			t.Errorf("CheckEquipmentNumber(%q) = %v, %v; want an error about %q", c.in, ok, err, c.why)
		}
	}
}

// TestCheckDigitAgreesWithTable runs the core against the written-out table over many owner
// codes and serials, including those whose remainder is 10 (check digit 0).
func TestCheckDigitAgreesWithTable(t *testing.T) {
	tens := 0
	for _, owner := range []string{"CSQ", "MSC", "ABC", "ZZZ", "AAA", "KLM", "VWX"} {
		for _, cat := range []string{"U", "J", "Z"} {
			for serial := 0; serial < 3000; serial += 7 {
				s := fmt.Sprintf("%s%s%06d", owner, cat, serial)
				want := checkDigit(s + "0")
				got, ok, err := release.CheckEquipmentNumber(fmt.Sprintf("%s%d", s, want))
				if err != nil || !ok || got != want {
					t.Fatalf("%s%d: core says %d, %v, %v", s, want, got, ok, err)
				}
				sum := 0
				for i := 0; i < 10; i++ {
					v, ok := iso6346Letters[s[i]]
					if !ok {
						v = int(s[i] - '0')
					}
					sum += v << i
				}
				if sum%11 == 10 {
					tens++
				}
			}
		}
	}
	if tens == 0 {
		t.Fatal("no number with remainder 10 was tried")
	}
}
