package release

import "errors"

// CheckEquipmentNumber validates an ISO 6346 container number: three letters of owner code, a
// category letter (U, J or Z), six digits and a check digit. It returns a format error, or the
// expected check digit and false when only the check digit is wrong: the seed examples carry
// wrong check digits, so docs/rules.md "Equipment numbers" makes that a warning unless the operator wants it strict.
func CheckEquipmentNumber(s string) (want int, checkOK bool, err error) {
	if len(s) != 11 {
		return 0, false, errors.New("an ISO 6346 container number has 11 characters")
	}
	sum := 0
	for i := 0; i < 10; i++ {
		c := s[i]
		var v int
		switch {
		case i < 4:
			if c < 'A' || c > 'Z' {
				return 0, false, errors.New("the owner code and category are four capital letters")
			}
			if i == 3 && c != 'U' && c != 'J' && c != 'Z' {
				return 0, false, errors.New("the equipment category is U, J or Z")
			}
			v = letterValue(c)
		default:
			if c < '0' || c > '9' {
				return 0, false, errors.New("the serial number is six digits")
			}
			v = int(c - '0')
		}
		sum += v << i
	}
	last := s[10]
	if last < '0' || last > '9' {
		return 0, false, errors.New("the check digit is a digit")
	}
	want = sum % 11 % 10
	return want, int(last-'0') == want, nil
}

// letterValue is the ISO 6346 value of a letter: A=10 upwards, skipping multiples of 11.
func letterValue(c byte) int {
	v := 10
	for l := byte('A'); l < c; l++ {
		v++
		if v%11 == 0 {
			v++
		}
	}
	return v
}
