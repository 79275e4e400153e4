package release

import "strings"

// NormaliseCode is the one spelling of the codes that make a container's key, its portLoCode and
// its equipment number: trimmed and upper case, so that " beanr " and "BEANR", "abcu1234565" and
// "ABCU1234565" are one container whichever front end or store sees them. Every place that keys a
// container by its codes goes through it.
func NormaliseCode(s string) string {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' || c >= 0x80 {
			return strings.ToUpper(s)
		}
	}
	return s // already upper case: no copy, on the hot path of every command
}
