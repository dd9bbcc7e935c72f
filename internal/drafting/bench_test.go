package drafting

import (
	"testing"

	"github.com/zerodraft/zerodraft/internal/diff"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/testtext"
)

// twoVersions runs the real pipeline: parse both texts, key the first,
// carry its keys to the second.
func twoVersions(b *testing.B, old, nw string) ([]negotiation.Provision, []negotiation.Provision) {
	v1, _, err := FromText(old)
	if err != nil {
		b.Fatal(err)
	}
	CarryKeys(nil, map[string]bool{}, v1)
	used := map[string]bool{}
	for _, p := range v1 {
		used[p.Key] = true
	}
	v2, _, err := FromText(nw)
	if err != nil {
		b.Fatal(err)
	}
	CarryKeys(v1, used, v2)
	return v1, v2
}

// BenchmarkDiffStoredVersions is what GET …/diff computes once both
// versions are loaded: the paragraph-aligned, word-level diff.
func BenchmarkDiffStoredVersions(b *testing.B) {
	v1, v2 := twoVersions(b, testtext.Real(b, "ZERODRAFT_REALTEXT_OLD"), testtext.Real(b, "ZERODRAFT_REALTEXT_NEW"))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		diff.Versions(v1, v2)
	}
}

// BenchmarkParseAlignDiff is the whole pipeline from two plain texts —
// parse both, align keys, diff — the fair comparison with git, which also
// reads and aligns.
func BenchmarkParseAlignDiff(b *testing.B) {
	old, nw := testtext.Real(b, "ZERODRAFT_REALTEXT_OLD"), testtext.Real(b, "ZERODRAFT_REALTEXT_NEW")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v1, v2 := twoVersions(b, old, nw)
		diff.Versions(v1, v2)
	}
}
