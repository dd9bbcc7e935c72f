package plaintext

import (
	"testing"

	"github.com/zerodraft/zerodraft/internal/testtext"
)

func BenchmarkParse(b *testing.B) {
	b.Run("synthetic-1200", func(b *testing.B) {
		text := testtext.Synthetic(1200)
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			Parse(text)
		}
	})
	b.Run("real", func(b *testing.B) {
		text := testtext.Real(b, "ZERODRAFT_REALTEXT")
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			Parse(text)
		}
	})
}

func TestSyntheticShape(t *testing.T) {
	ps, _ := Parse(testtext.Synthetic(1200))
	if len(ps) != 1200 {
		t.Errorf("testtext.Synthetic(1200) parses to %d provisions, want 1200", len(ps))
	}
}
