package diff

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/sergi/go-diff/diffmatchpatch"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// The real-text benchmarks read two versions of a real negotiation text from
// files named by these variables; the files are not part of the repository.
const (
	envRealOld = "ZERODRAFT_REALTEXT_OLD"
	envRealNew = "ZERODRAFT_REALTEXT_NEW"
)

// realTexts returns the two benchmark texts or skips the benchmark.
func realTexts(b *testing.B) (oldText, newText string) {
	b.Helper()
	oldPath, newPath := os.Getenv(envRealOld), os.Getenv(envRealNew)
	if oldPath == "" || newPath == "" {
		b.Skipf("set %s and %s to two versions of a text", envRealOld, envRealNew)
	}
	o, err := os.ReadFile(oldPath)
	if err != nil {
		b.Fatal(err)
	}
	n, err := os.ReadFile(newPath)
	if err != nil {
		b.Fatal(err)
	}
	return string(o), string(n)
}

// wordsCases are typical paragraph pairs of a negotiation, from no change to
// a complete rewrite.
var wordsCases = []struct{ name, old, new string }{
	{"identical", paragraph, paragraph},
	{"one word", paragraph, strings.Replace(paragraph, "shall", "should", 1)},
	{"brackets resolved",
		"Each Party [shall/should] [take/adopt] [all appropriate/necessary] measures[, in accordance with national circumstances,] to [reduce/prevent] [the production of/the use of] [problematic and avoidable] plastic products[, including single-use plastic products].",
		"Each Party shall take necessary measures, in accordance with national circumstances, to reduce the use of problematic and avoidable plastic products."},
	{"options added",
		paragraph,
		"[Option 1: " + strings.Replace(paragraph, "developing", "[developing]", 1) + "] [Option 2: Each Party shall, [taking into account its national circumstances,] take measures to promote [reuse][, refill] and repair of plastic products.]"},
	{"unrelated", paragraph, "Requests the secretariat to prepare, for consideration by the Conference of the Parties at its first meeting, a report on the options for financing the implementation of this instrument."},
}

// paragraph is a typical operative paragraph of a treaty draft.
const paragraph = "Each Party shall take effective measures to reduce the production and consumption of problematic and avoidable plastic products, including by promoting reuse systems, [setting targets for] the phase-out of short-lived and single-use plastic products, and ensuring that such measures take into account the special circumstances of developing countries, in particular small island developing States, and the role of waste pickers and other workers in the informal sector."

// BenchmarkWords diffs single paragraphs.
func BenchmarkWords(b *testing.B) {
	for _, c := range wordsCases {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.old) + len(c.new)))
			for b.Loop() {
				Words(c.old, c.new)
			}
		})
	}
}

// BenchmarkVersionsRealTexts diffs two whole versions, the work behind one
// comparison page.
func BenchmarkVersionsRealTexts(b *testing.B) {
	oldText, newText := realTexts(b)
	from, to := crudeProvisions(oldText, newText)
	var res []Provision
	for b.Loop() {
		res = Versions(from, to)
	}
	// Report the shape of the comparison with the time: after the timed
	// loop, because resetting the timer drops reported metrics.
	s := Stats(res)
	b.ReportMetric(float64(len(res)), "provisions")
	b.ReportMetric(float64(s.Modified+s.Moved), "edited")
	b.ReportMetric(float64(countReplaced(from, to)), "replaced")
}

// BenchmarkDiffMainWholeText is context for BenchmarkVersionsRealTexts: one
// character-level go-diff call over the two whole texts.
func BenchmarkDiffMainWholeText(b *testing.B) {
	oldText, newText := realTexts(b)
	dmp := diffmatchpatch.New()
	for b.Loop() {
		dmp.DiffMain(oldText, newText, false)
	}
}

// countReplaced counts the common provisions whose diff fell back to a
// paragraph replace because of the bounds.
func countReplaced(from, to []negotiation.Provision) int {
	toFrom := match(from, to)
	n := 0
	for ti, fi := range toFrom {
		if fi < 0 {
			continue
		}
		if _, p := words(from[fi].Text, to[ti].Text); p > pathTokens {
			n++
		}
	}
	return n
}

// crudeProvisions turns two texts into provisions with keys. It is a crude
// stand-in for plaintext.Parse and align.Align, which are being written
// elsewhere and should replace it: one provision per non-empty line, keys by
// exact text (the n-th occurrence of a line in one text pairs with the n-th
// in the other), then, between two consecutive exact matches that kept
// their order, the remaining lines are paired by position when both sides
// have the same number of them. Lines still unpaired in the new text get
// fresh keys.
func crudeProvisions(oldText, newText string) (from, to []negotiation.Provision) {
	oldLines, newLines := nonEmptyLines(oldText), nonEmptyLines(newText)
	newToOld := matchExact(oldLines, newLines)
	pairGaps(newToOld, len(oldLines))

	from = make([]negotiation.Provision, len(oldLines))
	for i, l := range oldLines {
		from[i] = crudeProvision("old"+strconv.Itoa(i), i, l)
	}
	to = make([]negotiation.Provision, len(newLines))
	for j, l := range newLines {
		key := "new" + strconv.Itoa(j)
		if oi := newToOld[j]; oi >= 0 {
			key = from[oi].Key
		}
		to[j] = crudeProvision(key, j, l)
	}
	return from, to
}

// crudeProvision is line i of a version as a provision.
func crudeProvision(key string, i int, line string) negotiation.Provision {
	return negotiation.Provision{
		Key:    key,
		Number: strconv.Itoa(i + 1),
		Kind:   negotiation.KindText,
		Text:   line,
	}
}

// nonEmptyLines splits s into lines and drops the blank ones.
func nonEmptyLines(s string) []string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// matchExact pairs identical lines; the result maps each new line to its old
// line or -1.
func matchExact(oldLines, newLines []string) []int {
	byText := make(map[string][]int, len(oldLines))
	for i, l := range oldLines {
		byText[l] = append(byText[l], i)
	}
	newToOld := make([]int, len(newLines))
	for j, l := range newLines {
		newToOld[j] = -1
		if q := byText[l]; len(q) > 0 {
			newToOld[j], byText[l] = q[0], q[1:]
		}
	}
	return newToOld
}

// pairGaps pairs unmatched lines by position between consecutive matches
// whose old positions increase, when the counts on both sides are equal.
func pairGaps(newToOld []int, oldCount int) {
	used := make([]bool, oldCount)
	for _, oi := range newToOld {
		if oi >= 0 {
			used[oi] = true
		}
	}
	prevNew, prevOld := -1, -1
	for j := 0; j <= len(newToOld); j++ {
		nextOld := oldCount // sentinel after the last line
		if j < len(newToOld) {
			if newToOld[j] < 0 {
				continue
			}
			nextOld = newToOld[j]
		}
		if nextOld > prevOld {
			pairRange(newToOld, used, prevNew+1, j, prevOld+1, nextOld)
		}
		prevNew, prevOld = j, nextOld
	}
}

// pairRange pairs the new lines in [nj, nEnd) with the unused old lines in
// [oi, oEnd), in order, if there are as many of each.
func pairRange(newToOld []int, used []bool, nj, nEnd, oi, oEnd int) {
	var olds []int
	for ; oi < oEnd; oi++ {
		if !used[oi] {
			olds = append(olds, oi)
		}
	}
	if len(olds) != nEnd-nj {
		return
	}
	for k, oi := range olds {
		newToOld[nj+k], used[oi] = oi, true
	}
}
