package oidcprovider

import (
	"strings"
	"testing"
)

func TestHashPassword(t *testing.T) {
	t.Parallel()
	h, err := HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if want := "$argon2id$v=19$m=19456,t=2,p=1$"; !strings.HasPrefix(h, want) {
		t.Errorf("hash %q does not start with %q", h, want)
	}
	if !CheckPassword(h, testPassword) {
		t.Error("the right password does not match")
	}
	if CheckPassword(h, testPassword+" ") {
		t.Error("a wrong password matches")
	}
	h2, err := HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if h2 == h {
		t.Error("two hashes of one password are equal: no salt")
	}
}

func TestCheckPasswordRefusesMalformedHashes(t *testing.T) {
	t.Parallel()
	h, err := HashPassword("pw")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		"",
		"pw",
		strings.Replace(h, "argon2id", "argon2i", 1),
		strings.Replace(h, "v=19", "v=16", 1),
		strings.Replace(h, "m=19456", "m=99999999", 1), // more memory than allowed
		strings.Replace(h, "t=2", "t=0", 1),
		h[:strings.LastIndex(h, "$")] + "$", // no hash
	} {
		if CheckPassword(bad, "pw") {
			t.Errorf("CheckPassword(%q) matched", bad)
		}
	}
}

// An unknown email is checked against dummyHash; it must cost what a real
// hash costs, so it must have the same parameters.
func TestDummyHashCostsLikeARealOne(t *testing.T) {
	t.Parallel()
	real, err := HashPassword("pw")
	if err != nil {
		t.Fatal(err)
	}
	p1, salt1, key1, err := parseHash(real)
	if err != nil {
		t.Fatal(err)
	}
	p2, salt2, key2, err := parseHash(dummyHash())
	if err != nil {
		t.Fatal(err)
	}
	if p1 != p2 || len(salt1) != len(salt2) || len(key1) != len(key2) {
		t.Errorf("dummy hash %v/%d/%d, real %v/%d/%d", p2, len(salt2), len(key2), p1, len(salt1), len(key1))
	}
}

func TestValidatePassword(t *testing.T) {
	t.Parallel()
	for pw, ok := range map[string]bool{
		"short":                        false,
		"twelve chars":                 true,
		"ééééééééééé":                  false, // 11 characters, 22 bytes
		strings.Repeat("x", 1024):      true,
		strings.Repeat("x", 1025):      false,
		"correct horse battery staple": true,
	} {
		if got := ValidatePassword(pw) == nil; got != ok {
			t.Errorf("ValidatePassword(%.20q) ok = %v, want %v", pw, got, ok)
		}
	}
}
