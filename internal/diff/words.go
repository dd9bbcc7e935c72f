package diff

import (
	"strings"
	"time"
)

// Op is one piece of a word-level diff.
type Op struct {
	Op   string `json:"op"` // OpEqual, OpInsert or OpDelete
	Text string `json:"text"`
}

// The values of Op.Op.
const (
	OpEqual  = "equal"
	OpInsert = "insert"
	OpDelete = "delete"
)

// Bounds that keep Words fast on any input. The diff runs on the middle of
// the two texts left after stripping their common leading and trailing
// tokens, so a long paragraph with a small edit is never affected by them.
// Where a bound applies, the middle is "replaced": shown as one delete and
// one insert, between the equal start and end.
const (
	// maxMiddleTokens caps each side of the middle: about 16,000 tokens,
	// 40 KB of English.
	maxMiddleTokens = 1 << 14

	// maxTokenProduct caps len(oldMiddle)*len(newMiddle). Myers' algorithm
	// is O((N+M)·D); 4e6 is about 2,000 tokens (1,000 words) a side, and
	// the worst such pair we could construct (random text over a 25-word
	// vocabulary) takes about 10 ms. Negotiation paragraphs stay far below:
	// the largest middle in a 1,200-paragraph treaty draft was 0.4e6.
	maxTokenProduct = 4_000_000

	// diffTimeout is only a safety net: within the bounds above the diff ends
	// long before it. It must stay non-zero because go-diff only enables its
	// half-match speed-up when a timeout is set.
	diffTimeout = 100 * time.Millisecond

	// minPairPercent and minPairProduct: before diffing a middle with more
	// than minPairProduct token pairs to compare, a linear-time check
	// estimates whether the texts are related at all: if fewer than
	// minPairPercent of the word pairs (two consecutive tokens other than
	// whitespace) of the side with fewer pairs also occur in the other, the
	// middle is replaced without running the diff. Unrelated texts are the
	// worst case of the diff (its cost grows with the edit distance) and
	// would mostly be replaced by minEqualPercent anyway; on a treaty draft
	// with every paragraph paired to a wrong one this halved the time.
	// Smaller middles skip the estimate: diffing them costs microseconds.
	minPairPercent = 10
	minPairProduct = 2500

	// minEqualPercent: when a diff both deletes and inserts and its equal
	// text is less than this share of the longer text, the two texts are
	// essentially unrelated and the scattered common words ("the", "of")
	// only make it harder to read; the whole paragraph is shown as replaced.
	minEqualPercent = 10
)

// path says how Words arrived at its result; tests use it to check that the
// bounds are taken without timing anything.
type path int

const (
	pathTrivial      path = iota // identical texts or one side empty
	pathTokens                   // word-level diff
	pathTooLarge                 // middle beyond the size bounds: replaced
	pathUnrelated                // too little equal text: replaced
	pathDissimilar               // too few shared word pairs: replaced
	pathRuneOverflow             // more distinct tokens than runes: replaced
)

// Words diffs two paragraph texts word by word. Tokens are Unicode words,
// runs of spaces and single punctuation marks (brackets included), and single
// characters in Chinese and Japanese script. The result is never nil, has no
// empty ops and never two consecutive ops of the same kind; a delete comes
// before the insert it sits next to.
//
// Texts with too little in common are shown as replaced: one delete of the
// old text and one insert of the new. So are very long differing stretches,
// which keeps the work bounded (see the constants above).
//
// Invalid UTF-8 is not rejected here (input validation does that elsewhere):
// each invalid byte is its own token, compared byte for byte, so the result
// still reconstructs both texts exactly.
func Words(old, new string) []Op {
	ops, _ := words(old, new)
	return ops
}

// words is Words that also reports which path it took.
func words(old, new string) ([]Op, path) {
	if old == new || old == "" || new == "" {
		return replace(old, new), pathTrivial
	}
	s := getScratch()
	defer putScratch(s)
	// Only the text between the shared start and end needs tokens: those
	// are cut at certain word boundaries, so their tokens are the same in
	// both texts and the tokens in between are those of the whole text.
	q, t := sharedEnds(old, new)
	var a, b []string
	var pre int
	for {
		s.a = appendTokens(s.a[:0], old[q:len(old)-t])
		s.b = appendTokens(s.b[:0], new[q:len(new)-t])
		a, b = s.a, s.b
		pre = commonPrefix(a, b)
		if t == 0 || pre < len(a) && pre < len(b) {
			break
		}
		// The common start runs into the shared end, where it would go on:
		// take the end into account token by token, as a whole text.
		t = 0
	}
	suf := commonSuffix(a[pre:], b[pre:])
	// Tokens are substrings, so the equal start and end and the middles
	// are slices of the texts: no joining needed.
	preLen, sufLen := q+byteLen(a[:pre]), t+byteLen(a[len(a)-suf:])
	oldMid, newMid := old[preLen:len(old)-sufLen], new[preLen:len(new)-sufLen]

	ops := append(s.ops[:0], Op{OpEqual, old[:preLen]})
	ops, p := s.diffMiddle(ops, a[pre:len(a)-suf], b[pre:len(b)-suf], oldMid, newMid)
	ops = append(ops, Op{OpEqual, old[len(old)-sufLen:]})
	s.ops = ops
	result := normalizeSpans(ops, old, new)

	if tooLittleInCommon(result, old, new) {
		if p == pathTokens {
			p = pathUnrelated
		}
		return replace(old, new), p
	}
	return result, p
}

// sharedEnds gives the lengths of a start and an end that old and new
// share byte for byte and that end (the start) or begin (the end) at a
// certain word boundary (see pieceLen) inside what is shared, so that they
// tokenise alike in both texts. They do not overlap in either text.
func sharedEnds(old, new string) (start, end int) {
	n := min(len(old), len(new))
	p := 0
	for p < n && old[p] == new[p] {
		p++
	}
	for i := p - 1; i > 0; i-- {
		if isCut(old[i-1], old[i]) {
			start = i
			break
		}
	}
	f := 0
	for f < n-start && old[len(old)-1-f] == new[len(new)-1-f] {
		f++
	}
	for k := f - 1; k > 0; k-- {
		if isCut(old[len(old)-k-1], old[len(old)-k]) {
			return start, k
		}
	}
	return start, 0
}

// diffMiddle appends to ops the diff of the token slices left after
// stripping the common prefix and suffix, within the documented bounds.
// oldMid and newMid are the texts of a and b.
func (s *scratch) diffMiddle(ops []Op, a, b []string, oldMid, newMid string) ([]Op, path) {
	replaced := append(ops, Op{OpDelete, oldMid}, Op{OpInsert, newMid})
	if len(a) == 0 || len(b) == 0 {
		return replaced, pathTokens
	}
	if len(a) > maxMiddleTokens || len(b) > maxMiddleTokens ||
		len(a)*len(b) > maxTokenProduct {
		return replaced, pathTooLarge
	}
	if !s.toRunes(a, b, maxRunes) {
		return replaced, pathRuneOverflow
	}
	if len(a)*len(b) > minPairProduct && !s.related() {
		return replaced, pathDissimilar
	}
	diffs := s.diffRunes()
	diffs = cleanupSemantic(s.dmp, diffs, s.tokenWeights())
	ops, ok := appendFromRunes(ops, diffs, s.ra, s.rb, a, b, oldMid, newMid)
	if !ok {
		// Cannot happen with valid runes; replacing keeps the contract.
		return replaced, pathRuneOverflow
	}
	return ops, pathTokens
}

// replace is the diff that deletes all of old and inserts all of new.
func replace(old, new string) []Op {
	if old == new {
		return normalizeSpans([]Op{{OpEqual, old}}, old, new)
	}
	return normalizeSpans([]Op{{OpDelete, old}, {OpInsert, new}}, old, new)
}

// tooLittleInCommon reports whether ops both delete and insert while their
// equal text is under minEqualPercent of the longer text.
func tooLittleInCommon(ops []Op, old, new string) bool {
	var equal int
	var del, ins bool
	for _, op := range ops {
		switch op.Op {
		case OpEqual:
			equal += len(op.Text)
		case OpDelete:
			del = true
		case OpInsert:
			ins = true
		}
	}
	longer := max(len(old), len(new))
	return del && ins && equal*100 < longer*minEqualPercent
}

// normalize drops empty ops and gathers every stretch between two equal ops
// into at most one delete followed by at most one insert, which is the
// merged form the contract promises.
func normalize(ops []Op) []Op {
	var old, new strings.Builder
	for _, op := range ops {
		if op.Op != OpInsert {
			old.WriteString(op.Text)
		}
		if op.Op != OpDelete {
			new.WriteString(op.Text)
		}
	}
	return normalizeSpans(ops, old.String(), new.String())
}

// normalizeSpans is normalize for ops that spell old and new (equal and
// delete texts in order give old, equal and insert texts give new). Then
// every merged op is one stretch of old or new, and is taken as a slice of
// it instead of being copied together.
func normalizeSpans(ops []Op, old, new string) []Op {
	out := make([]Op, 0, len(ops))
	x, y := 0, 0         // bytes of old and new consumed
	delAt, insAt := 0, 0 // where the pending delete and insert start
	flush := func() {
		if x > delAt {
			out = append(out, Op{OpDelete, old[delAt:x]})
		}
		if y > insAt {
			out = append(out, Op{OpInsert, new[insAt:y]})
		}
	}
	for _, op := range ops {
		n := len(op.Text)
		switch {
		case n == 0:
		case op.Op == OpDelete:
			x += n
		case op.Op == OpInsert:
			y += n
		default:
			flush()
			if k := len(out); k > 0 && out[k-1].Op == OpEqual {
				out[k-1].Text = old[x-len(out[k-1].Text) : x+n]
			} else {
				out = append(out, Op{OpEqual, old[x : x+n]})
			}
			x, y = x+n, y+n
			delAt, insAt = x, y
		}
	}
	flush()
	return out
}
