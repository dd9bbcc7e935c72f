package align

import (
	"math"
	"runtime"
	"slices"
	"sync"
)

// candidate is a scored possible match of the similarity round.
type candidate struct {
	i, j  int
	score float64
}

// matchSimilar links edited and moved-and-edited paragraphs: for each
// unmatched paragraph of next it scores a bounded set of unmatched prev
// paragraphs, then assigns the best-scoring pairs first.
func (a *aligner) matchSimilar() {
	var free []int // unmatched usable prev indices, ascending
	for i := range a.pText {
		if a.free(i) {
			free = append(free, i)
		}
	}
	if len(free) == 0 {
		return
	}
	v := newVocabulary(a, free)
	idx := newIndex(v.pTok, free, len(v.weight))
	var js []int // the next paragraphs to find a counterpart for
	for j := range a.nText {
		if a.nMatch[j] < 0 && len(v.nTok[j]) > 0 {
			js = append(js, j)
		}
	}
	// Scoring one paragraph reads the aligner and writes nothing shared, so
	// the paragraphs are scored on every core; the candidates are gathered
	// in paragraph order, so the result does not depend on the scheduling.
	per := make([][]candidate, len(js))
	parallel(len(js), func(lo, hi int) {
		counts := make([]int, len(a.pText))
		for k := lo; k < hi; k++ {
			per[k] = a.scored(js[k], free, idx, v, counts)
		}
	})
	a.linkBest(slices.Concat(per...))
}

// scored gives the candidates for next[j] that are similar enough, with
// their scores. counts is scratch space as for candidates.
func (a *aligner) scored(j int, free []int, idx *index, v *vocabulary, counts []int) []candidate {
	var out []candidate
	exp := a.expected(j)
	for _, i := range a.candidates(j, exp, free, idx, v, counts) {
		sim := v.similarity(i, j)
		if sim < threshold {
			continue
		}
		d := math.Min(1, math.Abs(float64(i-exp))/distanceScale)
		out = append(out, candidate{i, j, sim - distancePenalty*d})
	}
	return out
}

// parallel calls f on consecutive ranges covering [0, n), one per core,
// and waits for them. Small inputs stay on the calling goroutine.
func parallel(n int, f func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n/minPerWorker+1)
	if workers <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(n*w/workers, n*(w+1)/workers)
		}()
	}
	wg.Wait()
}

// minPerWorker is the fewest paragraphs worth a goroutine of their own.
const minPerWorker = 64

// candidates gives the prev paragraphs worth scoring for next[j]: those
// sharing the most rare words, and the free ones nearest to the expected
// position exp inside the stretch between the surrounding anchors. counts
// is scratch space of len(prev), all zero on entry and on return.
func (a *aligner) candidates(j, exp int, free []int, idx *index, v *vocabulary, counts []int) []int {
	touched := idx.count(v.nTok[j], counts)
	out := topCandidates(touched, counts, exp)
	for _, i := range touched {
		counts[i] = 0
	}

	b, f, okB, okF := a.around(j)
	lo, hi := 0, len(a.pText)
	if okB {
		lo = b.i + 1
	}
	if okF {
		hi = f.i
	}
	k, _ := slices.BinarySearch(free, exp)
	for d := k - gapCandidates; d < k+gapCandidates; d++ {
		if d >= 0 && d < len(free) && free[d] >= lo && free[d] < hi && !slices.Contains(out, free[d]) {
			out = append(out, free[d])
		}
	}
	return out
}

// topCandidates gives the tokenCandidates paragraphs of touched with the
// highest counts, the nearer to exp first on equal counts, by insertion
// into a short sorted list: cheaper than sorting all touched paragraphs.
func topCandidates(touched, counts []int, exp int) []int {
	better := func(x, y int) bool {
		if counts[x] != counts[y] {
			return counts[x] > counts[y]
		}
		if dx, dy := abs(x-exp), abs(y-exp); dx != dy {
			return dx < dy
		}
		return x < y
	}
	out := make([]int, 0, tokenCandidates+2*gapCandidates)
	for _, i := range touched {
		if len(out) == tokenCandidates && !better(i, out[len(out)-1]) {
			continue
		}
		k := len(out)
		for k > 0 && better(i, out[k-1]) {
			k--
		}
		if len(out) < tokenCandidates {
			out = append(out, 0)
		}
		copy(out[k+1:], out[k:len(out)-1])
		out[k] = i
	}
	return out
}

// abs is the absolute value of x.
func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// index is an inverted index from word to the free prev paragraphs that
// contain it.
type index struct {
	postings [][]int
}

// maxPostings bounds the paragraphs visited per word: words in more
// paragraphs than this say little about which one matches and would make
// the search quadratic; the rarest few words of a paragraph are always
// used so that one made only of common words still finds candidates.
const (
	maxPostings = 16
	alwaysUsed  = 2
)

func newIndex(pTok [][]int32, free []int, vocab int) *index {
	x := &index{postings: make([][]int, vocab)}
	for _, i := range free {
		last := int32(-1)
		for _, t := range pTok[i] { // sorted, so each word once
			if t != last {
				x.postings[t] = append(x.postings[t], i)
				last = t
			}
		}
	}
	return x
}

// count adds, for each prev paragraph, the number of the given words it
// shares, using only words rare enough (see maxPostings) and the
// alwaysUsed rarest ones; it returns the paragraphs it touched.
func (x *index) count(toks []int32, counts []int) []int {
	rarest := x.rarest(toks)
	var touched []int
	for k, w := range toks {
		if k > 0 && w == toks[k-1] {
			continue // toks is sorted: each word once
		}
		if len(x.postings[w]) > maxPostings && !slices.Contains(rarest, w) {
			continue
		}
		for _, i := range x.postings[w] {
			if counts[i] == 0 {
				touched = append(touched, i)
			}
			counts[i]++
		}
	}
	return touched
}

// rarest gives the alwaysUsed distinct words of the sorted slice words
// that are in fewest paragraphs (ties: lower id), without sorting them.
func (x *index) rarest(words []int32) []int32 {
	var out [alwaysUsed]int32
	n := 0
	rarer := func(s, t int32) bool {
		ls, lt := len(x.postings[s]), len(x.postings[t])
		return ls < lt || ls == lt && s < t
	}
	for k, w := range words {
		if k > 0 && w == words[k-1] || n == alwaysUsed && !rarer(w, out[n-1]) {
			continue
		}
		k := min(n, alwaysUsed-1)
		for k > 0 && rarer(w, out[k-1]) {
			out[k] = out[k-1]
			k--
		}
		out[k] = w
		n = min(n+1, alwaysUsed)
	}
	return out[:n]
}
