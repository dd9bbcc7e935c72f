// Package align carries the stable keys of provisions from one version of a
// document to the next, so a paragraph keeps its identity (and its comments,
// history and amendments) through renumbering, moves and edits.
//
// Matching runs in rounds, each only on what earlier rounds left over, from
// the surest to the loosest:
//  1. keys already set on the new version, when prev has them;
//  2. texts that occur exactly once in both versions (whitespace
//     normalised);
//  3. equal texts between those anchors, nearest to the expected position
//     first, so repeated paragraphs ("Option 1", "No text.") pair with
//     their neighbours;
//  4. remaining equal texts, the one nearest to the expected position;
//  5. similar texts: candidates come from an inverted index of the rarer
//     words and from the positions between the surrounding anchors, are
//     scored by word-level similarity (weighted by rarity) less a small
//     penalty for distance from the expected position, and are assigned
//     greedily, best score first.
//
// The candidate search is bounded per paragraph, so the cost stays close to
// linear in the size of the texts, whether they are similar or unrelated.
package align

import (
	"cmp"
	"slices"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// Tuning of the similarity round.
const (
	// threshold is the least similarity for an edited paragraph to keep
	// its key; below it the paragraph counts as rewritten (new).
	threshold = 0.5
	// tokenCandidates is how many prev paragraphs sharing the most rare
	// words are scored for each unmatched paragraph of next.
	tokenCandidates = 8
	// gapCandidates is how many unmatched prev paragraphs on each side of
	// the expected position are scored as well.
	gapCandidates = 3
	// distancePenalty is subtracted from the similarity of a candidate
	// distanceScale or more paragraphs away from where it was expected
	// (proportionally less when nearer), so of two equally similar
	// candidates the nearer one wins.
	distancePenalty = 0.1
	distanceScale   = 50
)

// Align matches the provisions of next (keys empty or partially set) to
// those of prev (keys set), returning for each provision of next the key of
// its counterpart in prev, or "" when it is new. Unchanged paragraphs (same
// text, whitespace-normalised), moved ones (same or similar text
// elsewhere), edited ones (similar text: word-level similarity above a
// threshold, preferring candidates near the expected position), inserted
// and removed ones are recognised, so keys follow their paragraphs through
// renumbering. Matching is on Text (the body without label; Label only when
// Text is empty, as for a heading "Part II"), so "3." becoming "4." does
// not break a match.
//
// Each prev key is used at most once: prev provisions with an empty key,
// or with a key already seen earlier in prev, are never matched. A key set
// on a provision of next is kept when prev has it (and it is not claimed
// twice); a key of next that prev lacks is not returned. The result is
// deterministic.
func Align(prev, next []negotiation.Provision) []string {
	out := make([]string, len(next))
	if len(prev) == 0 || len(next) == 0 {
		return out
	}
	a := newAligner(prev, next)
	a.matchKeys(prev, next)
	a.matchUnique()
	a.matchBetweenAnchors()
	a.matchEqualNearest()
	a.matchSimilar()
	for j, i := range a.nMatch {
		if i >= 0 {
			out[j] = prev[i].Key
		}
	}
	return out
}

// aligner holds the state shared by the matching rounds.
type aligner struct {
	pText, nText   []string // whitespace-normalised match content
	usable         []bool   // prev provision may be matched
	pMatch, nMatch []int    // counterpart index, -1 while unmatched
	anchors        []pair   // increasing in both indices, see refreshAnchors
}

// pair links provision i of prev with provision j of next.
type pair struct{ i, j int }

func newAligner(prev, next []negotiation.Provision) *aligner {
	a := &aligner{
		pText:  make([]string, len(prev)),
		nText:  make([]string, len(next)),
		usable: make([]bool, len(prev)),
		pMatch: filled(len(prev), -1),
		nMatch: filled(len(next), -1),
	}
	seen := make(map[string]bool, len(prev))
	for i, p := range prev {
		a.pText[i] = content(p)
		a.usable[i] = p.Key != "" && !seen[p.Key]
		seen[p.Key] = true
	}
	for j, p := range next {
		a.nText[j] = content(p)
	}
	return a
}

// filled gives a slice of n copies of v.
func filled(n, v int) []int {
	s := make([]int, n)
	for k := range s {
		s[k] = v
	}
	return s
}

// content is what a provision is matched on.
func content(p negotiation.Provision) string {
	if t := normSpace(p.Text); t != "" {
		return t
	}
	return normSpace(p.Label)
}

// free reports whether prev provision i can still be matched.
func (a *aligner) free(i int) bool { return a.usable[i] && a.pMatch[i] < 0 }

// link records a match.
func (a *aligner) link(i, j int) {
	a.pMatch[i], a.nMatch[j] = j, i
}

// matchKeys keeps the keys next already carries, when prev has them.
func (a *aligner) matchKeys(prev, next []negotiation.Provision) {
	byKey := make(map[string]int, len(prev))
	for i, p := range prev {
		if a.usable[i] {
			byKey[p.Key] = i
		}
	}
	for j, p := range next {
		if i, ok := byKey[p.Key]; ok && p.Key != "" && a.free(i) {
			a.link(i, j)
		}
	}
}

// matchUnique links texts that occur exactly once among the unmatched
// provisions of each version: the surest evidence, wherever they moved.
func (a *aligner) matchUnique() {
	type seen struct{ nPrev, nNext, i, j int }
	m := make(map[string]*seen, len(a.pText))
	for i, t := range a.pText {
		if a.free(i) {
			s := m[t]
			if s == nil {
				s = &seen{}
				m[t] = s
			}
			s.nPrev++
			s.i = i
		}
	}
	for j, t := range a.nText {
		if s := m[t]; s != nil && a.nMatch[j] < 0 {
			s.nNext++
			s.j = j
		}
	}
	for j, t := range a.nText {
		if s := m[t]; s != nil && s.nPrev == 1 && s.nNext == 1 && s.j == j {
			a.link(s.i, j)
		}
	}
	a.refreshAnchors()
}

// matchBetweenAnchors links equal texts inside each stretch between two
// consecutive anchors, where repeated paragraphs ("Option 1", "No text.")
// of the one version most likely correspond to those of the other. Each
// is offered the few equal ones nearest its expected position, and the
// closest pairs are linked first, so after an insertion a repeated
// paragraph pairs with the one beside the same neighbours.
func (a *aligner) matchBetweenAnchors() {
	byText := make(map[string][]int)
	var cands []candidate
	a.eachGap(func(pLo, pHi, nLo, nHi int) {
		clear(byText)
		for i := pLo; i < pHi; i++ {
			if a.free(i) {
				byText[a.pText[i]] = append(byText[a.pText[i]], i)
			}
		}
		for j := nLo; j < nHi; j++ {
			q := byText[a.nText[j]]
			if a.nMatch[j] >= 0 || len(q) == 0 {
				continue
			}
			exp := a.expected(j)
			k := nearest(q, exp)
			for _, i := range q[max(0, k-gapCandidates):min(len(q), k+gapCandidates+1)] {
				cands = append(cands, candidate{i, j, -float64(abs(i - exp))})
			}
		}
	})
	a.linkBest(cands)
	a.refreshAnchors()
}

// linkBest links candidates, best score first (ties: lower next index,
// then lower prev index), skipping those whose either side is taken.
func (a *aligner) linkBest(cands []candidate) {
	slices.SortFunc(cands, func(x, y candidate) int {
		if c := cmp.Compare(y.score, x.score); c != 0 {
			return c
		}
		if c := cmp.Compare(x.j, y.j); c != 0 {
			return c
		}
		return cmp.Compare(x.i, y.i)
	})
	for _, c := range cands {
		if a.nMatch[c.j] < 0 && a.pMatch[c.i] < 0 {
			a.link(c.i, c.j)
		}
	}
}

// eachGap calls f with the half-open index ranges of prev and next that lie
// between consecutive anchors (and before the first, after the last).
func (a *aligner) eachGap(f func(pLo, pHi, nLo, nHi int)) {
	pLo, nLo := 0, 0
	for _, an := range a.anchors {
		f(pLo, an.i, nLo, an.j)
		pLo, nLo = an.i+1, an.j+1
	}
	f(pLo, len(a.pText), nLo, len(a.nText))
}

// matchEqualNearest links the remaining equal texts (moved repeated
// paragraphs), each to the free equal one nearest its expected position.
func (a *aligner) matchEqualNearest() {
	byText := make(map[string][]int)
	for i, t := range a.pText {
		if a.free(i) {
			byText[t] = append(byText[t], i)
		}
	}
	for j, t := range a.nText {
		q := byText[t]
		if a.nMatch[j] >= 0 || len(q) == 0 {
			continue
		}
		k := nearest(q, a.expected(j))
		a.link(q[k], j)
		byText[t] = slices.Delete(q, k, k+1)
	}
	a.refreshAnchors()
}

// nearest gives the index in the sorted slice q of the value closest to
// x, the lower one on a tie.
func nearest(q []int, x int) int {
	k, _ := slices.BinarySearch(q, x)
	switch {
	case k == len(q):
		return k - 1
	case k > 0 && x-q[k-1] <= q[k]-x:
		return k - 1
	}
	return k
}

// refreshAnchors recomputes the anchors: the longest chain of matches that
// is increasing in both versions. Matches off the chain are moves; the
// chain tells where an unmatched paragraph is expected.
func (a *aligner) refreshAnchors() {
	var ps []pair
	for j, i := range a.nMatch {
		if i >= 0 {
			ps = append(ps, pair{i, j})
		}
	}
	a.anchors = increasingChain(ps)
}

// increasingChain gives a longest subsequence of ps (sorted by j) whose i
// increase too, in O(n log n) (patience sorting).
func increasingChain(ps []pair) []pair {
	tails := []int{}             // tails[l]: index in ps ending the best chain of length l+1
	back := make([]int, len(ps)) // predecessor in ps of each element's chain
	for k, p := range ps {
		l, _ := slices.BinarySearchFunc(tails, p.i, func(t, target int) int {
			return cmp.Compare(ps[t].i, target)
		})
		back[k] = -1
		if l > 0 {
			back[k] = tails[l-1]
		}
		if l == len(tails) {
			tails = append(tails, k)
		} else {
			tails[l] = k
		}
	}
	chain := make([]pair, len(tails))
	if len(tails) == 0 {
		return chain
	}
	k := tails[len(tails)-1]
	for l := len(tails) - 1; l >= 0; l-- {
		chain[l] = ps[k]
		k = back[k]
	}
	return chain
}

// around gives the anchors just before and after next index j (ok false
// when there is none on that side).
func (a *aligner) around(j int) (before, after pair, okBefore, okAfter bool) {
	k, _ := slices.BinarySearchFunc(a.anchors, j, func(p pair, j int) int { return cmp.Compare(p.j, j) })
	if k > 0 {
		before, okBefore = a.anchors[k-1], true
	}
	if k < len(a.anchors) && a.anchors[k].j == j {
		k++ // j is itself an anchor
	}
	if k < len(a.anchors) {
		after, okAfter = a.anchors[k], true
	}
	return before, after, okBefore, okAfter
}

// expected is where in prev the counterpart of next[j] would be if nothing
// had moved: interpolated between the surrounding anchors.
func (a *aligner) expected(j int) int {
	b, f, okB, okF := a.around(j)
	switch {
	case okB && okF:
		return b.i + (j-b.j)*(f.i-b.i)/(f.j-b.j)
	case okB:
		return b.i + j - b.j
	case okF:
		return f.i - (f.j - j)
	}
	return j * len(a.pText) / len(a.nText)
}
