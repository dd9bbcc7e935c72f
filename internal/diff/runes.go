package diff

import (
	"slices"
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
	s := getScratch()
	defer putScratch(s)
	if !s.toRunes(a, b, limit) {
		return nil, nil, nil, false
	}
	return slices.Clone(s.ra), slices.Clone(s.rb), slices.Clone(s.table), true
}

// toRunes maps the tokens of a and b to s.ra and s.rb, one rune per
// distinct token, and fills s.table to map back. It reports false when
// there are more distinct tokens than limit.
func (s *scratch) toRunes(a, b []string, limit int) bool {
	s.table = s.table[:0]
	conv := func(rs []rune, toks []string) ([]rune, bool) {
		rs = rs[:0]
		for _, t := range toks {
			r, seen := s.index[t]
			if !seen {
				if len(s.table) >= limit {
					return rs, false
				}
				r = tokenRune(len(s.table))
				s.index[t] = r
				s.table = append(s.table, t)
			}
			rs = append(rs, r)
		}
		return rs, true
	}
	var okA, okB bool
	s.ra, okA = conv(s.ra, a)
	if !okA {
		return false
	}
	s.rb, okB = conv(s.rb, b)
	return okB
}

// appendFromRunes appends go-diff's result to ops as text. The runes of
// the equal and deleted pieces, in order, must be ra, those of the equal
// and inserted pieces rb; a and b are their tokens, and oldMid and newMid
// the texts they spell. Each piece is then a stretch of oldMid or newMid
// and is taken as a slice of it. ok is false if go-diff's result does not
// spell ra and rb, which would mean it split or invented a rune.
func appendFromRunes(ops []Op, diffs []diffmatchpatch.Diff, ra, rb []rune, a, b []string, oldMid, newMid string) ([]Op, bool) {
	i, j := 0, 0 // tokens of a and b consumed
	x, y := 0, 0 // bytes of oldMid and newMid consumed
	for _, d := range diffs {
		x0, y0 := x, y
		for k, r := range d.Text {
			if r == utf8.RuneError && !validAt(d.Text, k) {
				return ops, false
			}
			if d.Type != diffmatchpatch.DiffInsert {
				if i >= len(ra) || ra[i] != r {
					return ops, false
				}
				x += len(a[i])
				i++
			}
			if d.Type != diffmatchpatch.DiffDelete {
				if j >= len(rb) || rb[j] != r {
					return ops, false
				}
				y += len(b[j])
				j++
			}
		}
		if d.Type == diffmatchpatch.DiffInsert {
			ops = append(ops, Op{OpInsert, newMid[y0:y]})
		} else {
			ops = append(ops, Op{opName(d.Type), oldMid[x0:x]})
		}
	}
	return ops, i == len(ra) && j == len(rb)
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
