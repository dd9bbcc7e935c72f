package plaintext

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// synthetic builds a resolution-like text of n paragraphs: a preamble,
// numbered operative paragraphs with sub-paragraphs, bis paragraphs,
// brackets (some spanning paragraphs) and headings, close in shape to a
// treaty compilation.
func synthetic(n int) string {
	var b strings.Builder
	b.WriteString("The General Assembly,\n")
	op := 0
	for i := 1; i < n; i++ {
		switch {
		case i < n/10:
			fmt.Fprintf(&b, "Recalling its resolution %d/%d on [plastic [and other]] pollution of the marine environment,\n", i, i%7+1)
		case i%50 == 0:
			fmt.Fprintf(&b, "Article %d Matters arising\n", i/50)
		case i%5 == 1:
			op++
			fmt.Fprintf(&b, "%d. Decides that each Party [shall/should] take [effective] measures to reduce the production of item %d, [including\n", op, i)
		case i%5 == 2:
			fmt.Fprintf(&b, "(a) subject to national circumstances and capabilities];\n")
		case i%5 == 3:
			fmt.Fprintf(&b, "(b) in accordance with annex [A][B] and the guidance adopted under paragraph %d;\n", op)
		case i%5 == 4:
			fmt.Fprintf(&b, "%dbis. Also requests the secretariat to compile submissions on item %d;\n", op, i)
		default:
			fmt.Fprintf(&b, "Invites Member States to report on progress in the implementation of paragraph %d;\n", op)
		}
	}
	return b.String()
}

func BenchmarkParse(b *testing.B) {
	b.Run("synthetic-1200", func(b *testing.B) {
		text := synthetic(1200)
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			Parse(text)
		}
	})
	b.Run("real", func(b *testing.B) {
		path := os.Getenv("ZERODRAFT_REALTEXT")
		if path == "" {
			b.Skip("set ZERODRAFT_REALTEXT to a plain-text file to benchmark it")
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		text := string(raw)
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			Parse(text)
		}
	})
}

func TestSyntheticShape(t *testing.T) {
	ps, _ := Parse(synthetic(1200))
	if len(ps) != 1200 {
		t.Errorf("synthetic(1200) parses to %d provisions, want 1200", len(ps))
	}
}
