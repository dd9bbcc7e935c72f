package diff

import (
	"slices"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// cleanupSemantic folds small equalities into the edits around them so that
// a rewritten phrase reads as one deletion and one insertion instead of
// alternating fragments. It works on token runes, so every edit still starts
// and ends on a token boundary.
//
// It is go-diff's DiffCleanupSemantic with two changes. Lengths are counted
// in characters of the tokens (weight gives a token's length), as go-diff
// does on plain text; counting tokens would fold "shall" in "[shall]" ->
// "shall" as readily as "the". And an equality is only folded when the
// edits around it both delete and insert: text kept between pure insertions
// (a paragraph that grew on both sides of its old wording) or between pure
// deletions is exactly what a reader needs to see, however short.
// go-diff's final step, which turns an overlap of a deletion and an
// insertion into an equality, is left out: it works on characters and could
// cut a token.
func cleanupSemantic(dmp *diffmatchpatch.DiffMatchPatch, diffs []diffmatchpatch.Diff, weight []int) []diffmatchpatch.Diff {
	diffs, changed := foldEqualities(diffs, func(s string) int { return textWeight(s, weight) })
	if changed {
		diffs = dmp.DiffCleanupMerge(diffs)
	}
	// The lossless shift only moves whole runes, that is whole tokens.
	return dmp.DiffCleanupSemanticLossless(diffs)
}

// editSums are the lengths deleted and inserted between two equalities.
type editSums struct{ del, ins int }

// foldEqualities is the first pass of go-diff's DiffCleanupSemantic with
// the changes described at cleanupSemantic: it turns an equality no longer
// than the edits on either side of it into a deletion plus an insertion,
// then re-examines the equality before it.
func foldEqualities(diffs []diffmatchpatch.Diff, length func(string) int) ([]diffmatchpatch.Diff, bool) {
	changed := false
	var equalities []int // indices of the equalities not yet folded
	var before, after editSums
	for i := 0; i < len(diffs); i++ {
		d := diffs[i]
		if d.Type == diffmatchpatch.DiffEqual {
			equalities = append(equalities, i)
			before, after = after, editSums{}
			continue
		}
		if d.Type == diffmatchpatch.DiffInsert {
			after.ins += length(d.Text)
		} else {
			after.del += length(d.Text)
		}
		if len(equalities) == 0 || !foldable(length(diffs[equalities[len(equalities)-1]].Text), before, after) {
			continue
		}
		at := equalities[len(equalities)-1]
		diffs = slices.Insert(diffs, at, diffmatchpatch.Diff{Type: diffmatchpatch.DiffDelete, Text: diffs[at].Text})
		diffs[at+1].Type = diffmatchpatch.DiffInsert
		// Drop the folded equality and restart after the one before it,
		// whose surroundings just changed.
		equalities = equalities[:len(equalities)-1]
		if len(equalities) > 0 {
			equalities = equalities[:len(equalities)-1]
		}
		i = -1
		if len(equalities) > 0 {
			i = equalities[len(equalities)-1]
		}
		before, after = editSums{}, editSums{}
		changed = true
	}
	return diffs, changed
}

// foldable reports whether an equality of length eq between the edits
// before and after it should be folded into them.
func foldable(eq int, before, after editSums) bool {
	if eq == 0 || eq > max(before.del, before.ins) || eq > max(after.del, after.ins) {
		return false
	}
	return before.del+after.del > 0 && before.ins+after.ins > 0
}

// textWeight is the length in characters of the tokens a rune string
// stands for.
func textWeight(s string, weight []int) int {
	n := 0
	for _, r := range s {
		if i := tokenIndex(r); i >= 0 && i < len(weight) {
			n += weight[i]
		}
	}
	return n
}

// tokenWeights gives the length in characters of each token in s.table.
func (s *scratch) tokenWeights() []int {
	s.weights = s.weights[:0]
	for _, t := range s.table {
		s.weights = append(s.weights, utf8.RuneCountInString(t))
	}
	return s.weights
}
