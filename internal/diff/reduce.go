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
func diffRunes(dmp *diffmatchpatch.DiffMatchPatch, a, b []rune, table []string) []diffmatchpatch.Diff {
	keep := keepable(a, b, table)
	ka, posA := reduce(a, keep)
	kb, posB := reduce(b, keep)
	reduced := dmp.DiffMainRunes(ka, kb, false)
	return expand(dmp, a, b, matchedPairs(reduced, posA, posB))
}

// keepable marks the token numbers go-diff should see: tokens that occur on
// both sides and are not whitespace.
func keepable(a, b []rune, table []string) []bool {
	inA := make([]bool, len(table))
	for _, r := range a {
		inA[tokenIndex(r)] = true
	}
	keep := make([]bool, len(table))
	for _, r := range b {
		n := tokenIndex(r)
		keep[n] = inA[n] && !isSpace(table[n])
	}
	return keep
}

// reduce keeps the runes whose token number keep marks, and returns for
// each kept rune its position in rs.
func reduce(rs []rune, keep []bool) (kept []rune, pos []int) {
	for i, r := range rs {
		if keep[tokenIndex(r)] {
			kept = append(kept, r)
			pos = append(pos, i)
		}
	}
	return kept, pos
}

// matchedPairs lists the positions in the full sequences of the tokens that
// the diff of the reduced sequences found equal, in order.
func matchedPairs(diffs []diffmatchpatch.Diff, posA, posB []int) [][2]int {
	var pairs [][2]int
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

// expand builds the diff of the full sequences a and b around the matched
// positions, merged the way go-diff's own results are (the gaps can leave
// a delete next to an insert that share a prefix), so that go-diff's
// cleanups apply unchanged.
func expand(dmp *diffmatchpatch.DiffMatchPatch, a, b []rune, pairs [][2]int) []diffmatchpatch.Diff {
	var out diffBuilder
	pa, pb := 0, 0
	for _, p := range pairs {
		out.gap(dmp, a[pa:p[0]], b[pb:p[1]])
		out.add(diffmatchpatch.DiffEqual, a[p[0]:p[0]+1])
		pa, pb = p[0]+1, p[1]+1
	}
	out.gap(dmp, a[pa:], b[pb:])
	return dmp.DiffCleanupMerge(out.diffs())
}

// diffBuilder collects a diff as runs of runes, merging neighbours of the
// same kind.
type diffBuilder struct {
	types []diffmatchpatch.Operation
	runs  [][]rune
}

// gap adds the diff of two stretches between matched tokens. Their common
// leading and trailing tokens are equal; what remains in between is diffed
// in full when it is small (typically a few words and the spaces around
// them), else replaced. The limit keeps the total work linear when the
// reduced diff matched little, e.g. between unrelated texts.
func (d *diffBuilder) gap(dmp *diffmatchpatch.DiffMatchPatch, a, b []rune) {
	pre := prefixLen(a, b)
	suf := suffixLen(a[pre:], b[pre:])
	d.add(diffmatchpatch.DiffEqual, a[:pre])
	midA, midB := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if len(midA) > 0 && len(midB) > 0 && len(midA)*len(midB) <= maxGapProduct {
		for _, g := range dmp.DiffMainRunes(midA, midB, false) {
			d.add(g.Type, []rune(g.Text))
		}
	} else {
		d.add(diffmatchpatch.DiffDelete, midA)
		d.add(diffmatchpatch.DiffInsert, midB)
	}
	d.add(diffmatchpatch.DiffEqual, a[len(a)-suf:])
}

// maxGapProduct bounds the full diff of a gap; see diffBuilder.gap.
const maxGapProduct = 64

// add appends rs as an op of type t, extending the last run if it has the
// same type.
func (d *diffBuilder) add(t diffmatchpatch.Operation, rs []rune) {
	if len(rs) == 0 {
		return
	}
	if n := len(d.runs); n > 0 && d.types[n-1] == t {
		d.runs[n-1] = append(d.runs[n-1], rs...)
		return
	}
	d.types = append(d.types, t)
	d.runs = append(d.runs, append([]rune(nil), rs...))
}

// diffs returns the collected runs as go-diff's diff.
func (d *diffBuilder) diffs() []diffmatchpatch.Diff {
	out := make([]diffmatchpatch.Diff, len(d.runs))
	for i, rs := range d.runs {
		out[i] = diffmatchpatch.Diff{Type: d.types[i], Text: string(rs)}
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
