package drafting_test

import (
	"os"
	"strings"
	"testing"

	"github.com/zerodraft/zerodraft/internal/diff"
	"github.com/zerodraft/zerodraft/internal/drafting"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// The real-text benchmarks read two versions of a real negotiation text from
// files named by these variables; the files are not part of the repository.
const (
	envRealOld = "ZERODRAFT_REALTEXT_OLD"
	envRealNew = "ZERODRAFT_REALTEXT_NEW"
)

// realTexts reads the two benchmark texts, dropping a first line beginning
// with "# " (the source note of the shared test data), or skips.
func realTexts(b *testing.B) (oldText, newText string) {
	b.Helper()
	read := func(env string) string {
		path := os.Getenv(env)
		if path == "" {
			b.Skipf("set %s and %s to two versions of a text", envRealOld, envRealNew)
		}
		buf, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		s := string(buf)
		if strings.HasPrefix(s, "# ") {
			if i := strings.IndexByte(s, '\n'); i >= 0 {
				s = s[i+1:]
			} else {
				s = ""
			}
		}
		return s
	}
	return read(envRealOld), read(envRealNew)
}

// parse is drafting.FromText that fails the benchmark on an error.
func parse(b *testing.B, text string) []negotiation.Provision {
	provs, _, err := drafting.FromText(text)
	if err != nil {
		b.Fatal(err)
	}
	return provs
}

// keysOf is what store.AddVersion passes as "used" for a document with one
// version: every key that version holds.
func keysOf(provs []negotiation.Provision) map[string]bool {
	used := make(map[string]bool, len(provs))
	for _, p := range provs {
		used[p.Key] = true
	}
	return used
}

// keyedVersions runs the pipeline of creating a document from oldText and
// issuing newText as its next version, and returns both keyed versions as
// the store would hold them.
func keyedVersions(b *testing.B, oldText, newText string) (v1, v2 []negotiation.Provision) {
	v1 = parse(b, oldText)
	drafting.CarryKeys(nil, map[string]bool{}, v1)
	v2 = parse(b, newText)
	drafting.CarryKeys(v1, keysOf(v1), v2)
	return v1, v2
}

// BenchmarkDiffRealTexts measures the in-process work behind a comparison of
// two versions of a real text.
//
//   - keyed: diff.Versions of two versions already keyed by the real pipeline
//     (FromText + CarryKeys), which is what GET …/diff computes once it has
//     loaded both versions from the database.
//   - parse-align-diff: the whole pipeline from the two plain texts: parse
//     both, key the first, carry its keys to the second (align.Align), then
//     diff. This is the fair comparison with `git diff --no-index
//     --word-diff`, which also reads, aligns and diffs both texts.
//   - parse and carry-keys: the two parts of the pipeline before the diff.
func BenchmarkDiffRealTexts(b *testing.B) {
	oldText, newText := realTexts(b)

	b.Run("keyed", func(b *testing.B) {
		v1, v2 := keyedVersions(b, oldText, newText)
		var res []diff.Provision
		for b.Loop() {
			res = diff.Versions(v1, v2)
		}
		reportShape(b, v1, v2, res)
	})

	b.Run("parse-align-diff", func(b *testing.B) {
		b.SetBytes(int64(len(oldText) + len(newText)))
		var (
			v1, v2 []negotiation.Provision
			res    []diff.Provision
		)
		for b.Loop() {
			v1 = parse(b, oldText)
			drafting.CarryKeys(nil, map[string]bool{}, v1)
			v2 = parse(b, newText)
			drafting.CarryKeys(v1, keysOf(v1), v2)
			res = diff.Versions(v1, v2)
		}
		reportShape(b, v1, v2, res)
	})

	b.Run("parse", func(b *testing.B) {
		b.SetBytes(int64(len(oldText) + len(newText)))
		for b.Loop() {
			parse(b, oldText)
			parse(b, newText)
		}
	})

	b.Run("carry-keys", func(b *testing.B) {
		v1, _ := keyedVersions(b, oldText, newText)
		unkeyed := parse(b, newText)
		used := keysOf(v1)
		v2 := make([]negotiation.Provision, len(unkeyed))
		for b.Loop() {
			copy(v2, unkeyed) // CarryKeys fills in the keys of its argument
			drafting.CarryKeys(v1, used, v2)
		}
	})
}

// reportShape adds the size and outcome of the comparison to the figures.
// It runs after the timed loop, because resetting the timer drops metrics.
func reportShape(b *testing.B, v1, v2 []negotiation.Provision, res []diff.Provision) {
	s := diff.Stats(res)
	b.ReportMetric(float64(len(v1)), "old-provisions")
	b.ReportMetric(float64(len(v2)), "new-provisions")
	b.ReportMetric(float64(s.Unchanged), "unchanged")
	b.ReportMetric(float64(s.Modified+s.Moved), "edited")
	b.ReportMetric(float64(s.Added+s.Removed), "added+removed")
}
