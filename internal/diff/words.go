package diff

import (
	"time"

	"github.com/sergi/go-diff/diffmatchpatch"
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
	a, b := tokenize(old), tokenize(new)
	pre := commonPrefix(a, b)
	suf := commonSuffix(a[pre:], b[pre:])
	midA, midB := a[pre:len(a)-suf], b[pre:len(b)-suf]

	mid, p := diffMiddle(midA, midB)
	ops := make([]Op, 0, len(mid)+2)
	ops = append(ops, Op{OpEqual, join(a[:pre])})
	ops = append(ops, mid...)
	ops = append(ops, Op{OpEqual, join(a[len(a)-suf:])})
	ops = normalize(ops)

	if tooLittleInCommon(ops, old, new) {
		if p == pathTokens {
			p = pathUnrelated
		}
		return replace(old, new), p
	}
	return ops, p
}

// diffMiddle diffs the token slices left after stripping the common prefix
// and suffix, within the documented bounds.
func diffMiddle(a, b []string) ([]Op, path) {
	if len(a) == 0 || len(b) == 0 {
		return replace(join(a), join(b)), pathTokens
	}
	if len(a) > maxMiddleTokens || len(b) > maxMiddleTokens ||
		len(a)*len(b) > maxTokenProduct {
		return replace(join(a), join(b)), pathTooLarge
	}
	ra, rb, table, ok := toRunes(a, b, maxRunes)
	if !ok {
		return replace(join(a), join(b)), pathRuneOverflow
	}
	if len(a)*len(b) > minPairProduct && !related(ra, rb, table) {
		return replace(join(a), join(b)), pathDissimilar
	}
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = diffTimeout
	diffs := diffRunes(dmp, ra, rb, table)
	diffs = cleanupSemantic(dmp, diffs, tokenWeights(table))
	ops, ok := fromRunes(diffs, table)
	if !ok {
		// Cannot happen with valid runes; replacing keeps the contract.
		return replace(join(a), join(b)), pathRuneOverflow
	}
	return ops, pathTokens
}

// replace is the diff that deletes all of old and inserts all of new.
func replace(old, new string) []Op {
	if old == new {
		return normalize([]Op{{OpEqual, old}})
	}
	return normalize([]Op{{OpDelete, old}, {OpInsert, new}})
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
	out := make([]Op, 0, len(ops))
	var del, ins []byte
	flush := func() {
		if len(del) > 0 {
			out = append(out, Op{OpDelete, string(del)})
		}
		if len(ins) > 0 {
			out = append(out, Op{OpInsert, string(ins)})
		}
		del, ins = del[:0], ins[:0]
	}
	for _, op := range ops {
		switch {
		case op.Text == "":
		case op.Op == OpDelete:
			del = append(del, op.Text...)
		case op.Op == OpInsert:
			ins = append(ins, op.Text...)
		default:
			flush()
			if n := len(out); n > 0 && out[n-1].Op == OpEqual {
				out[n-1].Text += op.Text
			} else {
				out = append(out, op)
			}
		}
	}
	flush()
	return out
}
