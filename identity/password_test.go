package identity

import "testing"

func TestPasswordHash(t *testing.T) {
	h := HashPassword("correct horse battery staple")
	if ok, err := PasswordMatches("correct horse battery staple", h); !ok || err != nil {
		t.Fatalf("the right password does not match: %v %v", ok, err)
	}
	if ok, _ := PasswordMatches("Correct horse battery staple", h); ok {
		t.Fatal("a wrong password matches")
	}
	if first, second := HashPassword("x"), HashPassword("x"); first == second {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	if _, err := PasswordMatches("x", "plain"); err != ErrBadHash {
		t.Fatalf("a malformed hash: %v", err)
	}
}

func TestSecrets(t *testing.T) {
	s := NewSecret()
	if len(s) < 40 || !SecretMatches(s, HashSecret(s)) || SecretMatches(s+"x", HashSecret(s)) {
		t.Fatalf("secret %q does not round-trip", s)
	}
}
