package plaintext

import "strings"

// maxRoman is the largest roman numeral recognised as a marker; lists of
// sub-paragraphs never get near it.
const maxRoman = 100

// romanValues maps the canonical roman numerals 1…maxRoman, in lower and in
// upper case, to their values. Only canonical forms count, so "ll" or "cc"
// are read as doubled letters, not numerals.
var romanValues = buildRomanValues()

// romanNames is the inverse of romanValues for lower case; index = value.
var romanNames = buildRomanNames()

func buildRomanNames() []string {
	names := make([]string, maxRoman+1)
	for v := 1; v <= maxRoman; v++ {
		names[v] = toRoman(v)
	}
	return names
}

func buildRomanValues() map[string]int {
	m := make(map[string]int, 2*maxRoman)
	for v := 1; v <= maxRoman; v++ {
		r := toRoman(v)
		m[r] = v
		m[strings.ToUpper(r)] = v
	}
	return m
}

// toRoman writes v (1…399) as a lower-case roman numeral.
func toRoman(v int) string {
	var b strings.Builder
	for _, step := range []struct {
		v int
		s string
	}{{100, "c"}, {90, "xc"}, {50, "l"}, {40, "xl"}, {10, "x"}, {9, "ix"}, {5, "v"}, {4, "iv"}, {1, "i"}} {
		for v >= step.v {
			b.WriteString(step.s)
			v -= step.v
		}
	}
	return b.String()
}

// isRoman reports whether s (lower or upper case) is a canonical roman
// numeral.
func isRoman(s string) bool {
	_, ok := romanValues[s]
	return ok
}

// nextRoman gives the roman numeral after s in the case of s, or "" when
// s is none or the last one.
func nextRoman(s string) string {
	v, ok := romanValues[s]
	if !ok || v >= maxRoman {
		return ""
	}
	if s == strings.ToUpper(s) {
		return strings.ToUpper(romanNames[v+1])
	}
	return romanNames[v+1]
}

// nextLetter gives the list letter after s: "a" → "b", "z" → "aa",
// "aa" → "bb" (the usual continuation of long lists), "" → "a".
func nextLetter(s string) string {
	if s == "" {
		return "a"
	}
	c := s[0]
	switch {
	case c == 'z':
		return strings.Repeat("a", len(s)+1)
	case c == 'Z':
		return strings.Repeat("A", len(s)+1)
	}
	return strings.Repeat(string(c+1), len(s))
}
