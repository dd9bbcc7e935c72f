package diff

import (
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// diffRunes diffs two token-rune sequences with go-diff and returns the
// result at token level, before semantic cleanup.
//
// Myers' algorithm costs O((N+M)·D), and heavily edited paragraphs (a
// compilation text full of bracketed alternatives) have a large edit
// distance D. Two kinds of token are left out of the sequences go-diff sees,
// which shrinks N, M and D together: whitespace, about half of all tokens,
// and tokens that occur on one side only, which can never be part of an
// equality. On heavily edited treaty drafts this cut the time of a
// whole-version comparison by a third to a half. Afterwards they are put back
// between the tokens go-diff matched, and each gap between two matched
// tokens is diffed on its own (see diffBuilder.gap). The result is a valid
// diff of the full sequences; it can differ from a full Myers diff only in
// how it matches whitespace, and rarely.
func (s *scratch) diffRunes() []diffmatchpatch.Diff {
	s.keepable()
	s.ka, s.posA = reduce(s.ka[:0], s.posA[:0], s.ra, s.keep)
	s.kb, s.posB = reduce(s.kb[:0], s.posB[:0], s.rb, s.keep)
	reduced := s.dmp.DiffMainRunes(s.ka, s.kb, false)
	s.pairs = matchedPairs(s.pairs[:0], reduced, s.posA, s.posB)
	return s.expand()
}

// keepable marks in s.keep the token numbers go-diff should see: tokens
// that occur on both sides and are not whitespace.
func (s *scratch) keepable() {
	s.inA = resetBools(s.inA, len(s.table))
	s.keep = resetBools(s.keep, len(s.table))
	for _, r := range s.ra {
		s.inA[tokenIndex(r)] = true
	}
	for _, r := range s.rb {
		n := tokenIndex(r)
		s.keep[n] = s.inA[n] && !isSpace(s.table[n])
	}
}

// resetBools returns bs resized to n, all false.
func resetBools(bs []bool, n int) []bool {
	if cap(bs) < n {
		return make([]bool, n)
	}
	bs = bs[:n]
	clear(bs)
	return bs
}

// reduce appends to kept the runes of rs whose token number keep marks,
// and to pos their positions in rs.
func reduce(kept []rune, pos []int, rs []rune, keep []bool) ([]rune, []int) {
	for i, r := range rs {
		if keep[tokenIndex(r)] {
			kept = append(kept, r)
			pos = append(pos, i)
		}
	}
	return kept, pos
}

// matchedPairs appends to pairs the positions in the full sequences of the
// tokens that the diff of the reduced sequences found equal, in order.
func matchedPairs(pairs [][2]int, diffs []diffmatchpatch.Diff, posA, posB []int) [][2]int {
	x, y := 0, 0
	for _, d := range diffs {
		n := utf8.RuneCountInString(d.Text)
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			for i := 0; i < n; i++ {
				pairs = append(pairs, [2]int{posA[x+i], posB[y+i]})
			}
			x, y = x+n, y+n
		case diffmatchpatch.DiffDelete:
			x += n
		case diffmatchpatch.DiffInsert:
			y += n
		}
	}
	return pairs
}

// expand builds the diff of the full sequences s.ra and s.rb around the
// matched positions s.pairs, merged the way go-diff's own results are (the
// gaps can leave a delete next to an insert that share a prefix), so that
// go-diff's cleanups apply unchanged.
func (s *scratch) expand() []diffmatchpatch.Diff {
	a, b, out, dmp := s.ra, s.rb, &s.builder, s.dmp
	out.reset()
	pa, pb := 0, 0
	for _, p := range s.pairs {
		out.gap(dmp, a[pa:p[0]], b[pb:p[1]])
		out.add(diffmatchpatch.DiffEqual, a[p[0]:p[0]+1])
		pa, pb = p[0]+1, p[1]+1
	}
	out.gap(dmp, a[pa:], b[pb:])
	return dmp.DiffCleanupMerge(out.diffs())
}

// diffBuilder collects a diff as runs of runes, merging neighbours of the
// same kind. The runs share one buffer: run i is runes[ends[i-1]:ends[i]].
type diffBuilder struct {
	types []diffmatchpatch.Operation
	ends  []int
	runes []rune
}

// reset empties d, keeping its buffers.
func (d *diffBuilder) reset() {
	d.types, d.ends, d.runes = d.types[:0], d.ends[:0], d.runes[:0]
}

// gap adds the diff of two stretches between matched tokens. Their common
// leading and trailing tokens are equal; what remains in between is diffed
// in full when it is small (typically a few words and the spaces around
// them), else replaced. The limit keeps the total work linear when the
// reduced diff matched little, e.g. between unrelated texts.
func (d *diffBuilder) gap(dmp *diffmatchpatch.DiffMatchPatch, a, b []rune) {
	if len(a) == 0 && len(b) == 0 {
		return
	}
	pre := prefixLen(a, b)
	suf := suffixLen(a[pre:], b[pre:])
	d.add(diffmatchpatch.DiffEqual, a[:pre])
	midA, midB := a[pre:len(a)-suf], b[pre:len(b)-suf]
	// Stretches without a token in common (most often one word replaced by
	// another) are exactly what go-diff would return: one delete, one
	// insert, so it is not called for them.
	if len(midA) > 0 && len(midB) > 0 && len(midA)*len(midB) <= maxGapProduct && shareRune(midA, midB) {
		for _, g := range dmp.DiffMainRunes(midA, midB, false) {
			d.addString(g.Type, g.Text)
		}
	} else {
		d.add(diffmatchpatch.DiffDelete, midA)
		d.add(diffmatchpatch.DiffInsert, midB)
	}
	d.add(diffmatchpatch.DiffEqual, a[len(a)-suf:])
}

// shareRune reports whether a and b have a rune in common. They are short
// (see maxGapProduct), so comparing every pair is the cheapest way.
func shareRune(a, b []rune) bool {
	for _, r := range a {
		for _, q := range b {
			if r == q {
				return true
			}
		}
	}
	return false
}

// maxGapProduct bounds the full diff of a gap; see diffBuilder.gap.
const maxGapProduct = 64

// add appends rs as an op of type t, extending the last run if it has the
// same type.
func (d *diffBuilder) add(t diffmatchpatch.Operation, rs []rune) {
	if len(rs) == 0 {
		return
	}
	d.open(t)
	d.runes = append(d.runes, rs...)
	d.ends[len(d.ends)-1] = len(d.runes)
}

// addString is add for the runes of s.
func (d *diffBuilder) addString(t diffmatchpatch.Operation, s string) {
	if s == "" {
		return
	}
	d.open(t)
	for _, r := range s {
		d.runes = append(d.runes, r)
	}
	d.ends[len(d.ends)-1] = len(d.runes)
}

// open starts a run of type t unless the last run has that type.
func (d *diffBuilder) open(t diffmatchpatch.Operation) {
	if n := len(d.types); n == 0 || d.types[n-1] != t {
		d.types = append(d.types, t)
		d.ends = append(d.ends, len(d.runes))
	}
}

// diffs returns the collected runs as go-diff's diff.
func (d *diffBuilder) diffs() []diffmatchpatch.Diff {
	out := make([]diffmatchpatch.Diff, len(d.types))
	start := 0
	for i, end := range d.ends {
		out[i] = diffmatchpatch.Diff{Type: d.types[i], Text: string(d.runes[start:end])}
		start = end
	}
	return out
}

// prefixLen is the length of the common prefix of a and b.
func prefixLen(a, b []rune) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// suffixLen is the length of the common suffix of a and b.
func suffixLen(a, b []rune) int {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	return n
}
