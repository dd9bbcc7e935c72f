package diff

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Each distinct token becomes one rune so that go-diff, which works on runes,
// diffs tokens. The runes start above Latin-1 so go-diff's cosmetic scoring
// (which looks at ASCII spaces and letters) treats all of them alike, and
// they skip the surrogate range, which is not valid in UTF-8 and would not
// survive go-diff's conversions between runes and strings.
const (
	firstRune     = 0x100
	surrogateLow  = 0xD800
	surrogateHigh = 0xDFFF
)

// maxRunes is how many distinct tokens the mapping can represent.
const maxRunes = unicode.MaxRune + 1 - firstRune - (surrogateHigh - surrogateLow + 1)

// tokenRune is the rune for token number i.
func tokenRune(i int) rune {
	r := rune(firstRune + i)
	if r >= surrogateLow {
		r += surrogateHigh - surrogateLow + 1
	}
	return r
}

// tokenIndex is the token number of r, or -1 if no token maps to r.
func tokenIndex(r rune) int {
	switch {
	case r < firstRune || r > unicode.MaxRune || (r >= surrogateLow && r <= surrogateHigh):
		return -1
	case r > surrogateHigh:
		r -= surrogateHigh - surrogateLow + 1
	}
	return int(r - firstRune)
}

// toRunes maps the tokens of a and b to runes, one rune per distinct token,
// and returns the table to map back. ok is false when there are more
// distinct tokens than limit.
func toRunes(a, b []string, limit int) (ra, rb []rune, table []string, ok bool) {
	index := make(map[string]rune, (len(a)+len(b))/2)
	conv := func(toks []string) []rune {
		rs := make([]rune, len(toks))
		for i, t := range toks {
			r, seen := index[t]
			if !seen {
				if len(table) >= limit {
					return nil
				}
				r = tokenRune(len(table))
				index[t] = r
				table = append(table, t)
			}
			rs[i] = r
		}
		return rs
	}
	ra = conv(a)
	rb = conv(b)
	ok = ra != nil && rb != nil
	return ra, rb, table, ok
}

// fromRunes maps go-diff's result back to token text. ok is false if a rune
// is not in table, which would mean go-diff split or invented a rune.
func fromRunes(diffs []diffmatchpatch.Diff, table []string) ([]Op, bool) {
	ops := make([]Op, 0, len(diffs))
	var sb strings.Builder
	for _, d := range diffs {
		sb.Reset()
		for i, r := range d.Text {
			if r == utf8.RuneError && !validAt(d.Text, i) {
				return nil, false
			}
			n := tokenIndex(r)
			if n < 0 || n >= len(table) {
				return nil, false
			}
			sb.WriteString(table[n])
		}
		ops = append(ops, Op{opName(d.Type), sb.String()})
	}
	return ops, true
}

// validAt reports whether a real U+FFFD (not a decoding error) starts at
// byte i of s.
func validAt(s string, i int) bool {
	_, size := utf8.DecodeRuneInString(s[i:])
	return size == 3
}

// opName turns go-diff's operation into the name used in Op.
func opName(t diffmatchpatch.Operation) string {
	switch t {
	case diffmatchpatch.DiffInsert:
		return OpInsert
	case diffmatchpatch.DiffDelete:
		return OpDelete
	}
	return OpEqual
}
