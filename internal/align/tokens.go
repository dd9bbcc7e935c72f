package align

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// vocabulary holds the paragraphs of both versions as sorted word ids and
// the weight of each word.
type vocabulary struct {
	pTok, nTok [][]int32
	// pSum and nSum are the total weights of each paragraph's words.
	pSum, nSum []float64
	// weight of a word is its inverse document frequency over the
	// paragraphs compared, so "the" or "shall" count for little and a rare
	// term for much.
	weight []float64
}

// newVocabulary tokenises the free prev paragraphs and the unmatched next
// ones; matched paragraphs need no similarity.
func newVocabulary(a *aligner, free []int) *vocabulary {
	v := &vocabulary{pTok: make([][]int32, len(a.pText)), nTok: make([][]int32, len(a.nText))}
	// The paragraphs to tokenise, free prev ones first: ids are given in
	// order of first appearance in that order.
	var texts []string
	var slots []*[]int32
	for _, i := range free {
		texts, slots = append(texts, a.pText[i]), append(slots, &v.pTok[i])
	}
	for j := range a.nText {
		if a.nMatch[j] < 0 {
			texts, slots = append(texts, a.nText[j]), append(slots, &v.nTok[j])
		}
	}
	// Hashing and sorting each paragraph are independent and run on every
	// core; giving ids, which must follow the order above, does not.
	hashes := make([][]uint64, len(texts))
	parallel(len(texts), func(lo, hi int) {
		for k := lo; k < hi; k++ {
			hashes[k] = wordHashes(texts[k], nil)
		}
	})
	ids := make(map[uint64]int32)
	var df []int
	for k, hs := range hashes {
		toks := make([]int32, len(hs))
		for n, h := range hs {
			id, ok := ids[h]
			if !ok {
				id = int32(len(df))
				ids[h] = id
				df = append(df, 0)
			}
			toks[n] = id
		}
		*slots[k] = toks
	}
	parallel(len(slots), func(lo, hi int) {
		for k := lo; k < hi; k++ {
			slices.Sort(*slots[k])
		}
	})
	for _, slot := range slots {
		toks := *slot
		for k, t := range toks {
			if k == 0 || t != toks[k-1] {
				df[t]++
			}
		}
	}
	docs := len(texts)
	v.weight = make([]float64, len(df))
	for t, n := range df {
		v.weight[t] = math.Log(1 + float64(docs)/float64(n))
	}
	v.pSum, v.nSum = v.sums(v.pTok), v.sums(v.nTok)
	return v
}

// sums gives the total word weight of each paragraph.
func (v *vocabulary) sums(toks [][]int32) []float64 {
	out := make([]float64, len(toks))
	for k, ts := range toks {
		for _, t := range ts {
			out[k] += v.weight[t]
		}
	}
	return out
}

// FNV-1a, used to identify words by a 64-bit hash instead of a string:
// no word is ever built, and a collision (about one in 10^15 for the
// vocabulary of a treaty) would only blur one similarity score.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// wordHashes appends to hs the hash of each word of s in lower case: a
// run of letters and digits, or a single Chinese or Japanese character
// (those scripts write no spaces).
func wordHashes(s string, hs []uint64) []uint64 {
	// Written without helper closures: this loop sees every byte of both
	// versions, and calls through closures made it several times slower.
	h, in := uint64(fnvOffset), false
	for k := 0; k < len(s); {
		c := s[k]
		if c < utf8.RuneSelf { // fast path: ASCII
			k++
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
				h, in = (h^uint64(c))*fnvPrime, true
			} else if in {
				hs = append(hs, h)
				h, in = fnvOffset, false
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(s[k:])
		k += n
		word := unicode.IsLetter(r) || unicode.IsDigit(r)
		if in && (!word || isCJK(r)) {
			hs = append(hs, h)
			h, in = fnvOffset, false
		}
		if word {
			h, in = hashRune(h, unicode.ToLower(r)), true
		}
		if in && isCJK(r) {
			hs = append(hs, h)
			h, in = fnvOffset, false
		}
	}
	if in {
		hs = append(hs, h)
	}
	return hs
}

// hashRune continues the FNV-1a hash h with the UTF-8 bytes of r.
func hashRune(h uint64, r rune) uint64 {
	var b [utf8.UTFMax]byte
	for _, c := range b[:utf8.EncodeRune(b[:], r)] {
		h = (h ^ uint64(c)) * fnvPrime
	}
	return h
}

// similarity compares prev paragraph i with next paragraph j, given as
// sorted word ids: the
// weighted Dice coefficient of their word multisets (1 identical, 0
// nothing in common). When one long paragraph is nearly contained in the
// other, as when a compilation adds bracketed alternatives around the old
// text, containment counts too, so such an edit keeps its key.
func (v *vocabulary) similarity(i, j int) float64 {
	x, y := v.pTok[i], v.nTok[j]
	wx, wy := v.pSum[i], v.nSum[j]
	if wx == 0 || wy == 0 {
		return 0
	}
	common := 0.0
	for k, l := 0, 0; k < len(x) && l < len(y); {
		switch {
		case x[k] < y[l]:
			k++
		case y[l] < x[k]:
			l++
		default:
			common += v.weight[x[k]]
			k++
			l++
		}
	}
	sim := 2 * common / (wx + wy)
	if min(len(x), len(y)) >= containedMinWords {
		if c := common / math.Min(wx, wy); c >= containedShare {
			sim = math.Max(sim, c-containedDiscount)
		}
	}
	return sim
}

// Containment rule of similarity: the shorter paragraph has at least
// containedMinWords words and containedShare of its weight is found in the
// longer one; the score is then that share less containedDiscount.
const (
	containedMinWords = 8
	containedShare    = 0.8
	containedDiscount = 0.2
)

// normSpace trims s and turns runs of whitespace into single spaces.
func normSpace(s string) string {
	if !needsNorm(s) {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// needsNorm reports whether s has leading, trailing, repeated or non-ASCII
// whitespace; clean paragraphs skip the rebuild.
func needsNorm(s string) bool {
	prev := true
	for k := 0; k < len(s); {
		c := s[k]
		if c < utf8.RuneSelf { // fast path: ASCII
			sp := c == ' ' || c >= '\t' && c <= '\r'
			if sp && (prev || c != ' ') {
				return true
			}
			prev = sp
			k++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[k:])
		if unicode.IsSpace(r) {
			return true
		}
		prev = false
		k += n
	}
	return prev && s != ""
}

// isCJK reports whether r is a Han, Hiragana or Katakana character.
func isCJK(r rune) bool {
	return r >= 0x2E80 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}
